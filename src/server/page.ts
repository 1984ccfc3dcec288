import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { PACKAGE_ROOT } from "../package-root.js";
import { sendError } from "./errors.js";

/** Where `npm run build` puts the page (see scripts/build-web.mjs). */
export const PAGE_ROOT = join(PACKAGE_ROOT, "dist", "web");

/** The page's own addresses: each serves the page, which then shows what the URL names. */
const PAGE_ROUTES = ["/", "/drafts", "/drafts/:id"];

/**
 * The web page at `/`: built files with content-hashed names under /assets, cached for a year;
 * the page itself is never cached, so a new build is picked up at once.
 */
export async function registerPage(app: FastifyInstance, root = PAGE_ROOT): Promise<void> {
  const indexFile = join(root, "index.html");
  if (!existsSync(indexFile)) {
    for (const url of PAGE_ROUTES) {
      app.get(url, { schema: { hide: true } }, (_request, reply) =>
        sendError(
          reply,
          "PAGE_NOT_BUILT",
          "the web page is not built here; run `npm run build` (the API is at /docs)",
        ),
      );
    }
    return;
  }
  const page = readFileSync(indexFile);
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    index: false,
    decorateReply: false,
    setHeaders(reply, path) {
      const hashed = path.startsWith(join(root, "assets"));
      void reply.header(
        "cache-control",
        hashed ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });
  for (const url of PAGE_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) =>
      reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(page),
    );
  }
}
