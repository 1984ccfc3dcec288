import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { assertSafeToListen } from "../../src/server/access.js";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import type { ScriptedLlmOptions } from "../support/scripted-llm.js";
import { readEvents, watchEvents } from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { createTestStore, testDatabaseUrl } from "../support/store.js";
import { loadConfig } from "../../src/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { buildApp } from "../../src/server/app.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers freely
type Json = Record<string, any>;

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

const open: TestServer[] = [];

/** A server for one test, closed when the test ends. */
async function serve(
  env: Record<string, string>,
  model: ScriptedLlmOptions = {},
): Promise<TestServer> {
  const server = await startTestServer(env, model);
  open.push(server);
  return server;
}

// Each test's servers close when it ends: a server on Postgres holds connections (its pool, its
// listening one), and the suite's files share one Postgres.
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function postDraft(base: string, body: object, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/v1/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Json,
  };
}

describe("drafts at once", () => {
  it("runs 20 drafts posted in a burst at most 4 at a time, the others queued", async () => {
    const { base, llm, deps } = await serve({ PLANDRAFT_MAX_RUNNING: "4" }, { latencyMs: 60 });
    const posts = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        postDraft(base, {
          feature: FEATURE.replace("Supplier Risk Watchlist", `Burst draft ${n}`),
        }),
      ),
    );
    expect(posts.map((p) => p.status)).toEqual(Array(20).fill(202));
    const statuses = posts.map((p) => p.body.status as string);
    // On Postgres every draft is queued until a worker takes it; the model's log below shows
    // how many ran at once either way.
    const runningAtOnce = deps.db.kind === "postgres" ? 0 : 4;
    expect(statuses.filter((s) => s === "running")).toHaveLength(runningAtOnce);
    expect(statuses.filter((s) => s === "queued")).toHaveLength(20 - runningAtOnce);

    const ends = await Promise.all(
      posts.map((p) => watchEvents(`${base}/v1/drafts/${p.body.id}/events`).done),
    );
    expect(ends.map((events) => events.at(-1)?.type)).toEqual(Array(20).fill("draft.completed"));

    // Which draft each model call belonged to, from the feature text in its prompt.
    const spans = new Map<number, [number, number]>();
    for (const request of llm.requests) {
      const n = Number(/Burst draft (\d+)/.exec(JSON.stringify(request.body.messages))?.[1]);
      const [start, end] = spans.get(n) ?? [Infinity, 0];
      spans.set(n, [Math.min(start, request.startedAt), Math.max(end, request.endedAt ?? 0)]);
    }
    expect(spans.size).toBe(20);
    const edges = [...spans.values()].flatMap(([s, e]) => [
      [s, 1],
      [e, -1],
    ]);
    edges.sort(
      (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
    );
    let now = 0;
    let most = 0;
    for (const [, step] of edges) {
      now += step as number;
      most = Math.max(most, now);
    }
    expect(most).toBe(4);
  });

  it("starts queued drafts in the order they arrived", async () => {
    const { base, llm } = await serve({ PLANDRAFT_MAX_RUNNING: "1" }, { latencyMs: 20 });
    const ids: string[] = [];
    for (let n = 0; n < 6; n += 1) {
      const feature = FEATURE.replace("Supplier Risk Watchlist", `Queued draft ${n}`);
      ids.push((await postDraft(base, { feature })).body.id as string);
    }
    await Promise.all(ids.map((id) => watchEvents(`${base}/v1/drafts/${id}/events`).done));
    const firstCalls = [
      ...new Set(
        llm.requests.map((r) => /Queued draft (\d+)/.exec(JSON.stringify(r.body.messages))?.[1]),
      ),
    ];
    expect(firstCalls).toEqual(["0", "1", "2", "3", "4", "5"]);
  });

  it("refuses past the queue with 429 and Retry-After, cancels queued and running drafts, and refuses what conflicts", async () => {
    const { base, deps } = await serve(
      { PLANDRAFT_MAX_RUNNING: "1", PLANDRAFT_MAX_QUEUED: "1" },
      { respond: () => ({ kind: "stall" }) },
    );
    const running = await postDraft(base, { feature: FEATURE });
    // On Postgres it waits in the queue until the worker takes it: until its run starts.
    await readEvents(`${base}/v1/drafts/${running.body.id}/events`, {
      stop: (event) => event.type === "draft.started",
    });
    const queued = await postDraft(base, { feature: FEATURE });
    const refused = await postDraft(base, { feature: FEATURE });
    const firstStatus = deps.db.kind === "postgres" ? "queued" : "running";
    expect([running.body.status, queued.body.status]).toEqual([firstStatus, "queued"]);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("QUEUE_FULL");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    const revise = (id: string, body: object) =>
      fetch(`${base}/v1/drafts/${id}/revisions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const early = await revise(running.body.id as string, {
      section: "Testing Strategy",
      feedback: "More",
    });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: "DRAFT_NOT_FINISHED" });

    const cancel = (id: string) => fetch(`${base}/v1/drafts/${id}/cancel`, { method: "POST" });
    for (const id of [queued.body.id as string, running.body.id as string]) {
      const answer = await cancel(id);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ id, status: "cancelled" });
      const draft = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as Json;
      expect(draft.status).toBe("cancelled");
      const events = await readEvents(`${base}/v1/drafts/${id}/events`);
      expect(events.events.at(-1)).toMatchObject({
        type: "draft.failed",
        data: { code: "DRAFT_CANCELLED" },
      });
    }
    const again = await cancel(running.body.id as string);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "DRAFT_NOT_RUNNING" });

    // With the slot free, a draft by the rule drafter finishes; bad revisions of it are refused.
    const done = await postDraft(base, { feature: FEATURE, model: "none" });
    await watchEvents(`${base}/v1/drafts/${done.body.id}/events`).done;
    const unknown = await revise(done.body.id as string, { section: "Nope", feedback: "x" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: "SECTION_UNKNOWN" });
    const empty = await revise(done.body.id as string, {
      section: "Testing Strategy",
      feedback: " ",
    });
    expect(empty.status).toBe(400);
    const missing = await revise("7d9f2c1e-0000-4000-8000-000000000000", {
      section: "x",
      feedback: "x",
    });
    expect(missing.status).toBe(404);
  });
});

describe("who may call, and what the logs keep", () => {
  it("limits the rate of new drafts per address with 429 and Retry-After", async () => {
    const { app } = await serve({ PLANDRAFT_RATE_LIMIT: "2" });
    const post = () =>
      app.inject({
        method: "POST",
        url: "/v1/drafts",
        headers: { "content-type": "application/json" },
        payload: "{",
      });
    expect((await post()).statusCode).toBe(400);
    expect((await post()).statusCode).toBe(400);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Reading is not limited.
    expect((await app.inject({ method: "GET", url: "/v1/drafts" })).statusCode).toBe(200);
  });

  it.skipIf(!testDatabaseUrl())(
    "counts the rate across the API nodes of one Postgres, per route",
    async () => {
      const store = createTestStore("postgres");
      const nodes: Awaited<ReturnType<typeof buildApp>>[] = [];
      const opened: Deps[] = [];
      try {
        for (let n = 0; n < 2; n += 1) {
          const deps = await createDeps(loadConfig({ ...store.env, PLANDRAFT_RATE_LIMIT: "3" }));
          opened.push(deps);
          nodes.push(await buildApp(deps));
        }
        const post = (app: (typeof nodes)[number], url = "/v1/drafts") =>
          app.inject({
            method: "POST",
            url,
            headers: { "content-type": "application/json" },
            payload: "{",
          });
        const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
        expect((await post(a)).statusCode).toBe(400);
        expect((await post(b)).statusCode).toBe(400);
        expect((await post(a)).statusCode).toBe(400);
        const limited = await post(b);
        expect(limited.statusCode).toBe(429);
        expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
        // Revisions count apart from new drafts.
        const revision = `/v1/drafts/7d9f2c1e-0000-4000-8000-000000000000/revisions`;
        expect((await post(a, revision)).statusCode).toBe(400);
      } finally {
        for (const app of nodes) await app.close();
        for (const deps of opened) await deps.close();
        await store.drop();
      }
    },
  );

  it("needs the bearer token on every /v1 route when one is set: 401 without, 403 wrong", async () => {
    const token = "a-long-enough-test-token";
    const { app } = await serve({ PLANDRAFT_API_TOKEN: token });
    const without = await app.inject({ method: "GET", url: "/v1/drafts" });
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ code: "UNAUTHORIZED" });
    expect(without.headers["www-authenticate"]).toMatch(/^Bearer/);
    const wrong = await app.inject({
      method: "POST",
      url: "/v1/drafts",
      headers: { authorization: "Bearer not-the-token-at-all" },
      payload: { feature: FEATURE },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ code: "FORBIDDEN" });
    const right = await app.inject({
      method: "GET",
      url: "/v1/drafts",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(right.statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("refuses to listen beyond loopback without a token, unless told to", async () => {
    const server = { apiToken: undefined, allowNoToken: false };
    expect(() => assertSafeToListen("0.0.0.0", server)).toThrow(/without an API token/);
    expect(() => assertSafeToListen("127.0.0.1", server)).not.toThrow();
    expect(() => assertSafeToListen("::1", server)).not.toThrow();
    expect(() =>
      assertSafeToListen("0.0.0.0", { ...server, apiToken: "t".repeat(16) }),
    ).not.toThrow();
    expect(() => assertSafeToListen("0.0.0.0", { ...server, allowNoToken: true })).not.toThrow();
    const run = await runCli(["serve", "--host", "0.0.0.0", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("SERVER_INSECURE");
  });

  it("says which models it offers, and refuses others when it names them", async () => {
    const open = await serve({});
    const config = (await open.app.inject({ method: "GET", url: "/v1/config" })).json<Json>();
    expect(config).toMatchObject({
      defaultModel: "openai:scripted",
      models: ["openai:scripted", "none"],
      anyModel: true,
    });
    const named = await serve({ PLANDRAFT_MODELS: "openai:scripted, none" });
    const offered = (await named.app.inject({ method: "GET", url: "/v1/config" })).json<Json>();
    expect(offered).toMatchObject({ models: ["openai:scripted", "none"], anyModel: false });
    const refused = await named.app.inject({
      method: "POST",
      url: "/v1/drafts",
      payload: { feature: FEATURE, model: "openai:gpt-4o" },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: "MODEL_NOT_OFFERED" });
    expect(refused.json<Json>().message).toContain("openai:scripted, none");
  });

  it("answers CORS only for configured origins", async () => {
    const preflight = {
      method: "OPTIONS" as const,
      url: "/v1/drafts",
      headers: { origin: "https://plans.example.test", "access-control-request-method": "POST" },
    };
    const closed = await serve({});
    const none = await closed.app.inject(preflight);
    expect(none.headers["access-control-allow-origin"]).toBeUndefined();
    const allowed = await serve({ PLANDRAFT_CORS_ORIGINS: "https://plans.example.test" });
    const yes = await allowed.app.inject(preflight);
    expect(yes.headers["access-control-allow-origin"]).toBe("https://plans.example.test");
    const other = await allowed.app.inject({
      ...preflight,
      headers: { ...preflight.headers, origin: "https://evil.example.test" },
    });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("answers a failure with a 500 that leaks nothing, and logs it with the request id", async () => {
    const harness = await serve({});
    harness.deps.drafts.list = () => Promise.reject(new Error("secret detail of the failure"));
    const answer = await harness.app.inject({ method: "GET", url: "/v1/drafts" });
    expect(answer.statusCode).toBe(500);
    const body = answer.json<{ code: string; message: string }>();
    expect(body.code).toBe("INTERNAL");
    expect(body.message).not.toContain("secret");
    const requestId = /request ([0-9a-f-]{36})/.exec(body.message)?.[1];
    expect(requestId).toBeDefined();
    const logged = harness.logs.map((line) => JSON.parse(line) as Json);
    const entry = logged.find((l) => l.reqId === requestId && l.err);
    expect(entry?.err.message).toBe("secret detail of the failure");
  });

  it("never logs the feature text or the model's output", async () => {
    const { base, logs } = await serve(
      {},
      {
        fill: (_path, schema) =>
          schema.type === "string" && !schema.enum ? "MODEL-OUTPUT-MARKER-77" : undefined,
      },
    );
    const posted = await postDraft(base, { feature: `${FEATURE}\n\nFEATURE-TEXT-MARKER-42\n` });
    const events = await watchEvents(`${base}/v1/drafts/${posted.body.id}/events`).done;
    expect(JSON.stringify(events)).toContain("MODEL-OUTPUT-MARKER-77");
    const all = logs.join("");
    expect(all).toContain(posted.body.id as string);
    expect(all).toContain("reqId");
    expect(all).not.toContain("FEATURE-TEXT-MARKER-42");
    expect(all).not.toContain("MODEL-OUTPUT-MARKER-77");
  });
});
