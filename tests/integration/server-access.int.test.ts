import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath } from "../support/drafting.js";
import { parseRawAnswer, rawBytes, rawRequest } from "../support/raw-http.js";
import { watchEvents } from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
const TOKEN = "a-token-for-the-access-tests";
const SECRET_TITLE = "Title-only-the-token-may-read-4711";

const open: TestServer[] = [];
async function serve(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startTestServer(env);
  open.push(server);
  return server;
}
afterAll(async () => {
  for (const server of open.splice(0)) await server.close();
});

/** Drafts the watchlist doc with the no-LLM drafter and waits for its end; its id. */
async function finishedDraft(server: TestServer, headers: Record<string, string> = {}) {
  const posted = await rawRequest(
    server.base,
    "POST",
    "/v1/drafts",
    { ...headers, "content-type": "application/json" },
    JSON.stringify({ feature: FEATURE, title: SECRET_TITLE }),
  );
  expect(posted.status).toBe(202);
  const { id } = JSON.parse(posted.body) as { id: string };
  await watchEvents(`${server.base}/v1/drafts/${id}/events`, headers).done;
  return id;
}

async function draftCount(server: TestServer): Promise<number> {
  return (await server.deps.drafts.list(1000, 0)).length;
}

/** Every spelling of a path that the router decodes to the same route. */
function spellings(path: string): string[] {
  const escape = (text: string) =>
    [...text].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
  const [, first = "", ...rest] = path.split("/");
  const lower = `/${escape(first)}/${rest.join("/")}`.replace(/\/$/, "");
  return [
    path,
    lower,
    lower.replace(/%([0-9a-f]{2})/g, (escape) => escape.toUpperCase()),
    path.replace("/v1", "/v%31"),
    path.replace("drafts", "dr%61fts"),
  ];
}

describe("the API token: decided on the route the router matched (finding 1)", () => {
  let server: TestServer;
  let id: string;
  beforeAll(async () => {
    server = await serve({ PLANDRAFT_API_TOKEN: TOKEN });
    id = await finishedDraft(server, { authorization: `Bearer ${TOKEN}` });
  });

  it("opens only the page, its files, the health checks and the docs", () => {
    const openRoutes = server.routes.filter((r) => r.open && !r.url.startsWith("/docs"));
    expect(openRoutes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(
      [
        "GET /",
        "GET /*",
        "GET /drafts",
        "GET /drafts/:id",
        "GET /healthz",
        "GET /readyz",
        "HEAD /",
        "HEAD /*",
        "HEAD /drafts",
        "HEAD /drafts/:id",
        "HEAD /healthz",
        "HEAD /readyz",
      ].sort(),
    );
    const docs = server.routes.filter((r) => r.url.startsWith("/docs"));
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((r) => r.open && (r.method === "GET" || r.method === "HEAD"))).toBe(true);
  });

  it("answers every other route of the route table 401 without the token, however the path is spelled", async () => {
    const closed = server.routes.filter((r) => !r.open);
    expect(closed.length).toBeGreaterThanOrEqual(8);
    for (const route of closed) {
      const path = route.url.replace(":id", id);
      for (const spelled of spellings(path)) {
        const cookies: Record<string, string>[] = [{}, { cookie: `token=${TOKEN}; s=${TOKEN}` }];
        for (const headers of cookies) {
          const answer = await rawRequest(
            server.base,
            route.method,
            spelled,
            {
              ...headers,
              "content-type": "application/json",
            },
            route.method === "POST" ? "{}" : undefined,
          );
          expect({ route: `${route.method} ${spelled}`, status: answer.status }).toEqual({
            route: `${route.method} ${spelled}`,
            status: 401,
          });
          expect(answer.headers["www-authenticate"]).toMatch(/^Bearer/);
          expect(answer.body).not.toContain(SECRET_TITLE);
        }
        const wrong = await rawRequest(server.base, route.method, spelled, {
          authorization: "Bearer a-token-that-is-not-the-one",
        });
        expect(wrong.status).toBe(403);
      }
    }
    // Nothing was created, cancelled or deleted on the way.
    expect(await draftCount(server)).toBe(1);
    const kept = await rawRequest(server.base, "GET", `/v1/drafts/${id}`, {
      authorization: `bearer ${TOKEN}`,
    });
    expect(kept.status).toBe(200);
    expect(JSON.parse(kept.body)).toMatchObject({ title: SECRET_TITLE, status: "completed" });
  });
});

describe("requests from other sites (finding 2)", () => {
  const form = (headers: Record<string, string>) => ({
    "content-type": "text/plain",
    ...headers,
  });

  it("refuses drafts, cancels and deletes sent by another site's page, and takes its own", async () => {
    const server = await serve();
    const id = await finishedDraft(server);
    const own = new URL(server.base).host;
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
      // Another port of the same address is the same site, and another program.
      { origin: "http://127.0.0.1:1", "sec-fetch-site": "same-site" },
      { origin: "null" },
      { origin: `http://${own}.evil.example` },
    ];
    const answers: string[] = [];
    for (const headers of refused) {
      for (const [method, path] of [
        ["POST", "/v1/drafts"],
        ["POST", `/v1/drafts/${id}/revisions`],
        ["POST", `/v1/drafts/${id}/cancel`],
        ["DELETE", `/v1/drafts/${id}`],
      ] as const) {
        const answer = await rawRequest(server.base, method, path, form(headers), FEATURE);
        const { code } = JSON.parse(answer.body) as { code: string };
        answers.push(`${method} ${path} ${JSON.stringify(headers)}: ${answer.status} ${code}`);
      }
    }
    expect(answers.filter((a) => !a.endsWith(": 403 CROSS_SITE_REFUSED"))).toEqual([]);
    expect(await draftCount(server)).toBe(1);
    const allowed: Record<string, string>[] = [
      {},
      { "sec-fetch-site": "same-origin", origin: `http://${own}` },
      { "sec-fetch-site": "none" },
      { origin: `http://${own}` },
    ];
    for (const headers of allowed) {
      const answer = await rawRequest(server.base, "POST", "/v1/drafts", form(headers), FEATURE);
      expect({ headers, status: answer.status }).toEqual({ headers, status: 202 });
    }
  });

  it("takes requests from the origins PLANDRAFT_CORS_ORIGINS lists", async () => {
    const server = await serve({ PLANDRAFT_CORS_ORIGINS: "https://plans.example.test" });
    const from = async (origin: string) =>
      (
        await rawRequest(
          server.base,
          "POST",
          "/v1/drafts",
          form({ origin, "sec-fetch-site": "cross-site" }),
          FEATURE,
        )
      ).status;
    expect(await from("https://plans.example.test")).toBe(202);
    expect(await from("https://other.example.test")).toBe(403);
  });

  it("answers only to its own host names, so a DNS-rebinding page reads nothing", async () => {
    const server = await serve();
    await finishedDraft(server);
    const port = new URL(server.base).port;
    for (const host of [`rebind.evil.example:${port}`, "rebind.evil.example", "127.0.0.1.nip.io"]) {
      for (const path of ["/v1/drafts", "/", "/v1/config", "/healthz"]) {
        const answer = await rawRequest(server.base, "GET", path, { host });
        expect({ host, path, status: answer.status }).toEqual({ host, path, status: 403 });
        expect(JSON.parse(answer.body)).toMatchObject({ code: "HOST_NOT_ALLOWED" });
        expect(answer.body).not.toContain(SECRET_TITLE);
      }
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "10.1.2.3"]) {
      expect((await rawRequest(server.base, "GET", "/v1/drafts", { host })).status).toBe(200);
    }
    const named = await serve({ PLANDRAFT_ALLOWED_HOSTS: "plans.example.test, other.test" });
    const hosted = await rawRequest(named.base, "GET", "/v1/drafts", {
      host: "Plans.Example.Test:443",
    });
    expect(hosted.status).toBe(200);
    expect((await rawRequest(named.base, "GET", "/v1/drafts", { host: "x.test" })).status).toBe(
      403,
    );
  });
});

describe("every answer in the { code, message } shape (finding 8)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await serve();
  });

  const expectShape = (status: number, body: string, expected: number, code?: string) => {
    expect({ status, body }).toMatchObject({ status: expected });
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(["code", "message"]);
    if (code) expect(parsed.code).toBe(code);
  };

  it("answers bad paths with 4xx in our shape, never 500", async () => {
    const cases: [string, number, string][] = [
      ["/x/../v1/drafts", 403, "FORBIDDEN"],
      ["/./v1/drafts", 403, "FORBIDDEN"],
      ["//v1/drafts", 403, "FORBIDDEN"],
      ["/assets/%2e%2e/%2e%2e/etc/passwd", 403, "FORBIDDEN"],
      ["/assets/../../etc/passwd", 403, "FORBIDDEN"],
      [`/v1/drafts/${"a".repeat(300)}`, 404, "NOT_FOUND"],
      [`/v1/drafts/${"a".repeat(300)}/events`, 404, "NOT_FOUND"],
      ["/v1/drafts/%zz", 400, "INVALID_URL"],
      ["/v1/drafts/%E0%A4%A", 400, "INVALID_URL"],
      ["/%", 400, "INVALID_URL"],
      ["/nope", 404, "NOT_FOUND"],
    ];
    for (const [path, status, code] of cases) {
      const answer = await rawRequest(server.base, "GET", path);
      expectShape(answer.status, answer.body, status, code);
      expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    }
  });

  it("refuses JSON with invalid UTF-8 as it refuses such markdown, and a broken upload with 400", async () => {
    const post = (type: string, body: Buffer | string) =>
      rawRequest(server.base, "POST", "/v1/drafts", { "content-type": type }, body);
    const bad = Buffer.from([0xff, 0xfe]);
    const json = await post(
      "application/json",
      Buffer.concat([Buffer.from('{"feature":"# A\\n'), bad, Buffer.from('"}')]),
    );
    expectShape(json.status, json.body, 400, "BODY_NOT_UTF8");
    const markdown = await post("text/markdown", Buffer.concat([Buffer.from("# A\n"), bad]));
    expectShape(markdown.status, markdown.body, 400, "FEATURE_NOT_UTF8");
    const upload = await post("multipart/form-data", "a=b");
    expectShape(upload.status, upload.body, 400, "UPLOAD_INVALID");
    expect(await draftCount(server)).toBe(0);
  });

  it("answers what Node's parser refuses (bad request line, huge headers) in our shape", async () => {
    const garbage = parseRawAnswer(await rawBytes(server.base, "NOT AN HTTP REQUEST\r\n\r\n"));
    expectShape(garbage.status, garbage.body, 400);
    const huge = parseRawAnswer(
      await rawBytes(
        server.base,
        `GET /v1/drafts HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${"a".repeat(40_000)}\r\n\r\n`,
      ),
    );
    expectShape(huge.status, huge.body, 431, "HEADERS_TOO_LARGE");
  });
});
