import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import { createDeps, type Deps } from "../../src/deps.js";
import { STREAM_EVENT_TYPES } from "../../src/events/contract.js";
import { buildApp } from "../../src/server/app.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { createTestStore, type TestStore } from "../support/store.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

describe("the HTTP API", () => {
  let store: TestStore;
  let deps: Deps;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let llm: ScriptedLlm;

  beforeAll(async () => {
    store = createTestStore();
    // The server's default model is the rule-based drafter; a slow scripted model is there too.
    llm = await startScriptedLlm({ latencyMs: 300 });
    const env = { ...store.env, PLANDRAFT_BODY_LIMIT: "65536", PLANDRAFT_MAX_RUNNING: "2" };
    deps = await createDeps(
      loadConfig({ ...env, OPENAI_BASE_URL: llm.baseURL, OPENAI_API_KEY: "test" }),
    );
    app = await buildApp(deps);
    base = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await deps.close();
    await store.drop();
    await llm.close();
  });

  /** Polls a draft until it is no longer waiting or running. */
  async function settled(id: string): Promise<{ status: string; versions: number }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const draft = (await app.inject({ method: "GET", url: `/v1/drafts/${id}` })).json<{
        status: string;
        versions: number;
      }>();
      if (!["queued", "running"].includes(draft.status) || Date.now() > deadline) return draft;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("drafts a feature doc posted as JSON: 202 with links at once, then the plan", async () => {
    const posted = await fetch(`${base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: FEATURE }),
    });
    expect(posted.status).toBe(202);
    const accepted = (await posted.json()) as {
      id: string;
      status: string;
      links: { self: string; plan: string };
    };
    expect(accepted).toMatchObject({
      // On Postgres a draft waits in the queue until a worker (this server's own) takes it.
      status: deps.db.kind === "postgres" ? "queued" : "running",
      links: { self: `/v1/drafts/${accepted.id}`, plan: `/v1/drafts/${accepted.id}/plan.md` },
    });
    expect(posted.headers.get("location")).toBe(`/v1/drafts/${accepted.id}`);

    expect(await settled(accepted.id)).toMatchObject({ status: "completed", versions: 1 });
    const plan = await fetch(`${base}${accepted.links.plan}`);
    expect(plan.status).toBe(200);
    expect(plan.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    const markdown = await plan.text();
    expect(markdown.split("\n")[0]).toBe("# Implementation Plan: Supplier Risk Watchlist");
    expect(await checkPlan(markdown, DEFAULT_TEMPLATE)).toEqual([]);

    const list = (await (await fetch(`${base}/v1/drafts?limit=1`)).json()) as {
      drafts: { id: string }[];
      next: string | null;
    };
    expect(list.drafts.map((d) => d.id)).toEqual([accepted.id]);

    expect((await fetch(`${base}${accepted.links.self}`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${base}${accepted.links.self}`)).status).toBe(404);
  });

  it("takes a text/markdown body and a multipart upload", async () => {
    const markdown = await app.inject({
      method: "POST",
      url: "/v1/drafts",
      headers: { "content-type": "text/markdown" },
      payload: FEATURE,
    });
    expect(markdown.statusCode).toBe(202);
    const boundary = "----plandraft";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="feature"; filename="feature.md"\r\nContent-Type: text/markdown\r\n\r\n${FEATURE}\r\n--${boundary}--\r\n`;
    const upload = await app.inject({
      method: "POST",
      url: "/v1/drafts",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    expect(upload.statusCode).toBe(202);
    for (const response of [markdown, upload]) {
      expect(await settled(response.json<{ id: string }>().id)).toMatchObject({
        status: "completed",
      });
    }
  });

  it("answers bad input with { code, message } and the right status", async () => {
    const post = (payload: string, type = "application/json") =>
      app.inject({ method: "POST", url: "/v1/drafts", headers: { "content-type": type }, payload });
    const cases: [Awaited<ReturnType<typeof post>>, number, string][] = [
      [await post("{ not json"), 400, "INVALID_JSON"],
      [await post(JSON.stringify({ title: "no feature" })), 400, "USAGE"],
      [await post(JSON.stringify({ feature: "   \n" })), 400, "FEATURE_EMPTY"],
      [await post(JSON.stringify({ feature: "x".repeat(70_000) })), 413, "BODY_TOO_LARGE"],
      [
        await post(JSON.stringify({ feature: FEATURE, template: "no title here" })),
        400,
        "TEMPLATE_INVALID",
      ],
      [await post(JSON.stringify({ feature: FEATURE, model: "gpt4" })), 400, "MODEL_UNKNOWN"],
      [await post(JSON.stringify({ feature: FEATURE, title: "" })), 400, "USAGE"],
      [await post("<feature/>", "application/xml"), 415, "UNSUPPORTED_MEDIA_TYPE"],
    ];
    for (const [response, status, code] of cases) {
      expect({
        status: response.statusCode,
        code: response.json<{ code: string }>().code,
      }).toEqual({ status, code });
      expect(response.json<{ message: string }>().message.length).toBeGreaterThan(5);
    }
    const unknown = await app.inject({
      method: "GET",
      url: "/v1/drafts/7d9f2c1e-0000-4000-8000-000000000000",
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: "DRAFT_NOT_FOUND" });
    expect((await app.inject({ method: "GET", url: "/v1/drafts/not-an-id" })).statusCode).toBe(400);
    expect((await app.inject({ method: "GET", url: "/nope" })).json()).toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("says a plan is not ready with 409 while the draft runs", async () => {
    const payload = { feature: FEATURE, model: "openai:scripted" }; // 5 calls deep, 300 ms each
    const posted = await app.inject({ method: "POST", url: "/v1/drafts", payload });
    expect(posted.statusCode).toBe(202);
    const { id } = posted.json<{ id: string }>();
    const plan = await app.inject({ method: "GET", url: `/v1/drafts/${id}/plan.md` });
    expect(plan.statusCode).toBe(409);
    expect(plan.json()).toMatchObject({ code: "PLAN_NOT_READY" });
    expect(await settled(id)).toMatchObject({ status: "completed" });
    const missing = await app.inject({ method: "GET", url: `/v1/drafts/${id}/plan.md?version=9` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "VERSION_NOT_FOUND" });
  });

  it("serves health, readiness, security headers and the OpenAPI document", async () => {
    expect((await app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.headers["x-content-type-options"]).toBe("nosniff");
    const openapi = await app.inject({ method: "GET", url: "/docs/json" });
    const paths = Object.keys(openapi.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/drafts",
        "/v1/drafts/{id}",
        "/v1/drafts/{id}/plan.md",
        "/v1/drafts/{id}/events",
        "/v1/drafts/{id}/revisions",
        "/v1/drafts/{id}/cancel",
      ]),
    );
  });

  it("documents each event of the stream, from the contract, in the OpenAPI document", async () => {
    const openapi = (await app.inject({ method: "GET", url: "/docs/json" })).json<{
      paths: Record<string, { get: { responses: Record<string, { content: object }> } }>;
      components: { schemas: Record<string, { oneOf?: { properties: object }[] }> };
    }>();
    const events = openapi.paths["/v1/drafts/{id}/events"]?.get.responses["200"]?.content;
    expect(events).toEqual({
      "text/event-stream": { schema: { $ref: "#/components/schemas/StreamEvent" } },
    });
    const members = openapi.components.schemas.StreamEvent?.oneOf ?? [];
    expect(members.map((m) => m.properties)).toEqual(
      STREAM_EVENT_TYPES.map((type): unknown => ({
        type: { type: "string", enum: [type] },
        data: expect.anything(),
      })),
    );
    // A nested shape reaches the document field by field, with its words.
    expect(JSON.stringify(members[2])).toContain("the tokens a section may carry");
  });
});

describe("plandraft serve", () => {
  it("prints where it listens, serves, and stops cleanly on SIGTERM", async () => {
    const store = createTestStore();
    const server = spawnCli(["serve", "--port", "0"], store.env);
    try {
      await waitFor(
        () => /serving on http:\/\/127\.0\.0\.1:\d+/.test(server.stderr()),
        30_000,
        "the server to listen",
      );
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stderr())![1]!;
      expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
      const port = new URL(url).port;
      const clashStore = createTestStore();
      try {
        const clash = spawnCli(["serve", "--port", port], clashStore.env);
        expect(await clash.exited).toBe(1);
        expect(clash.stderr()).toMatch(
          new RegExp(
            `SERVER_LISTEN_FAILED: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`,
          ),
        );
      } finally {
        await clashStore.drop();
      }
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toContain("plandraft: server stopped");
    } finally {
      server.child.kill("SIGKILL");
      await store.drop();
    }
  });

  it("resumes the drafts it was running after it was killed, without re-drafting finished sections", async () => {
    const store = createTestStore();
    const llm = await startScriptedLlm({ latencyMs: 400 });
    const env = {
      ...store.env,
      PLANDRAFT_SERVER_ID: "test-server",
      ...scriptedModelEnv(llm),
      PLANDRAFT_LEASE_MS: "1000",
    };
    const listening = (server: ReturnType<typeof spawnCli>) =>
      waitFor(
        () => /serving on http:\/\/127\.0\.0\.1:\d+/.test(server.stderr()),
        30_000,
        "the server to listen",
      );
    const urlOf = (server: ReturnType<typeof spawnCli>) =>
      /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stderr())![1]!;
    const first = spawnCli(["serve", "--port", "0"], env);
    let second: ReturnType<typeof spawnCli> | undefined;
    try {
      await listening(first);
      const posted = await fetch(`${urlOf(first)}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "text/markdown" },
        body: FEATURE,
      });
      const { id } = (await posted.json()) as { id: string };
      const answered = (tool: string) =>
        llm.requests.some((r) => r.toolName === tool && r.endedAt !== undefined);
      await waitFor(
        () => answered("architecture") && llm.requests.some((r) => r.toolName === "testing"),
        30_000,
        "the second wave",
      );
      const killedAt = performance.now();
      first.child.kill("SIGKILL");
      await first.exited;
      const done = new Set(
        llm.requests
          .filter((r) => r.endedAt !== undefined && r.endedAt < killedAt)
          .map((r) => r.toolName),
      );
      const before = llm.requests.length;

      second = spawnCli(["serve", "--port", "0"], env);
      await listening(second);
      // The embedded store's server resumes what it was running; on Postgres the queue hands the
      // dead worker's job to a live one (this server's) once its lease has run out.
      if (store.kind === "embedded")
        expect(second.stderr()).toContain("resuming 1 unfinished draft(s)");
      const url = urlOf(second);
      const events = await watchEvents(`${url}/v1/drafts/${id}/events`).done;
      expect(events.at(-1)?.type).toBe("draft.completed");
      const draft = (await (await fetch(`${url}/v1/drafts/${id}`)).json()) as { status: string };
      expect(draft.status).toBe("completed");
      const again = llm.requests.slice(before).map((r) => r.toolName);
      for (const tool of done) expect(again).not.toContain(tool);
      const plan = await (await fetch(`${url}/v1/drafts/${id}/plan.md`)).text();
      expect(await checkPlan(plan, DEFAULT_TEMPLATE)).toEqual([]);
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      await second?.exited;
      await llm.close();
      await store.drop();
    }
  });
});
