import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/cli/remote/client.js";

/** What the stand-in server answers on each path: status, content type, body. */
const ANSWERS: Record<string, [number, string, string]> = {
  "/known": [409, "application/json", '{"code":"DRAFT_BUSY","message":"draft d1 is running"}'],
  "/newer": [422, "application/json", '{"code":"QUOTA_SPENT","message":"no tokens left"}'],
  "/proxy": [502, "text/html", "<h1>502 Bad Gateway</h1>"],
  "/other": [404, "text/html", "<h1>Not Found</h1>"],
};

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const [status, type, body] = ANSWERS[request.url ?? ""] ?? [500, "text/plain", ""];
    response.writeHead(status, { "content-type": type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The error the CLI's client makes of the answer on `path`. */
async function errorAt(path: string): Promise<unknown> {
  return createApiClient({ url, token: undefined })
    .send("GET", path)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
}

describe("the CLI's reading of a server's error answer", () => {
  it("keeps a code of the table, with the table's status and exit code", async () => {
    expect(await errorAt("/known")).toMatchObject({
      code: "DRAFT_BUSY",
      status: 409,
      exitCode: 2,
      message: "draft d1 is running",
    });
  });

  it("says SERVER_ERROR for a code it does not know, naming the server's code and words", async () => {
    expect(await errorAt("/newer")).toMatchObject({
      code: "SERVER_ERROR",
      exitCode: 1,
      message: "the server answered QUOTA_SPENT: no tokens left",
    });
  });

  it("says SERVER_UNREACHABLE for a proxy that cannot reach the server, so a stream waits for it", async () => {
    expect(await errorAt("/proxy")).toMatchObject({
      code: "SERVER_UNREACHABLE",
      exitCode: 1,
      message: `the server at ${url} is unavailable (502 Bad Gateway)`,
    });
  });

  it("says SERVER_ERROR for an answer that is not plandraft's", async () => {
    expect(await errorAt("/other")).toMatchObject({
      code: "SERVER_ERROR",
      exitCode: 1,
      message: `the server at ${url} answered 404 Not Found`,
    });
  });
});
