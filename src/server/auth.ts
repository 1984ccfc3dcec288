import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { AppError } from "../errors.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * With a token set, every /v1 route needs `Authorization: Bearer <token>`: 401 when it is
 * missing, 403 when it is wrong. Health checks, the docs and (later) the page stay open.
 */
export function requireToken(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/v1/") && request.url !== "/v1") return;
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      void reply.header("www-authenticate", 'Bearer realm="plandraft"');
      throw new AppError("UNAUTHORIZED", "this server needs an API token", {
        hint: "send Authorization: Bearer <token> (PLANDRAFT_API_TOKEN for the CLI)",
      });
    }
    // Hashes have the same length, so the comparison takes the same time for any guess.
    if (!timingSafeEqual(digest(match[1] ?? ""), expected)) {
      throw new AppError("FORBIDDEN", "the API token is not valid for this server", {
        hint: "check PLANDRAFT_API_TOKEN",
      });
    }
  });
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|\[::1\])$/i;

/** A server reachable from other machines must ask for a token, unless told otherwise. */
export function assertSafeToListen(
  host: string,
  server: { apiToken: string | undefined; allowNoToken: boolean },
): void {
  if (LOOPBACK.test(host) || server.apiToken || server.allowNoToken) return;
  throw new AppError(
    "SERVER_INSECURE",
    `refusing to listen on ${host} without an API token: anyone who can reach it could spend your model keys`,
    {
      hint: "set PLANDRAFT_API_TOKEN, or PLANDRAFT_ALLOW_NO_TOKEN=1 if something in front of it checks access",
    },
  );
}
