import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { draftAgainst, faultOn, requestsFor, tooMany } from "../support/faults.js";
import { startScriptedLlm, type ScriptedReply } from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { createTestStore } from "../support/store.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Issue 10, finding 4: what is retried (and what is not) is what the README says.
const FEATURE = fixturePath("watchlist-feature.md");
const RETRIES = 2;
const LIMITS = {
  PLANDRAFT_MODEL_TIMEOUT_MS: "2000",
  PLANDRAFT_MODEL_IDLE_TIMEOUT_MS: "300",
  PLANDRAFT_MODEL_RETRIES: String(RETRIES),
};

describe("retried, then the plan completes", () => {
  it.each<[string, string, ScriptedReply]>([
    ["a 429 without Retry-After", "architecture", tooMany()],
    ["a 429 without Retry-After on the brief", "brief", tooMany()],
    ["a 503", "summary", { kind: "error", status: 503 }],
    ["a 408", "testing", { kind: "error", status: 408 }],
    ["a stream dropped midway", "dataFlow", { kind: "dropMidStream", chunks: 4 }],
    ["a dropped brief", "brief", { kind: "dropMidStream", chunks: 2 }],
    ["a connection reset", "repoChanges_gain", { kind: "reset" }],
  ])("%s (%s)", async (_, tool, fault) => {
    const { llm, run } = await draftAgainst(faultOn(tool, [fault, fault]), LIMITS);
    if (!("result" in run)) throw run.error;
    expect(run.result.status).toBe("completed");
    expect(requestsFor(llm, tool)).toHaveLength(3);
    expect(llm.requests).toHaveLength(13);
    // Every request sent counts, the failed ones too.
    expect(run.result.usage.calls).toBe(13);
    const retries = run.events.filter((e) => e.type === "model.retry");
    expect(retries.map((e) => e.type === "model.retry" && [e.attempt, e.attempts])).toEqual([
      [1, 3],
      [2, 3],
    ]);
  });

  it("waits as long as retry-after-ms (or Retry-After) asks", async () => {
    const asks: ScriptedReply = tooMany({ "retry-after-ms": "300" });
    const inSeconds: ScriptedReply = tooMany({ "retry-after": "1" });
    const { llm, run } = await draftAgainst(faultOn("phases", [asks, inSeconds]), LIMITS);
    if (!("result" in run)) throw run.error;
    expect(run.result.status).toBe("completed");
    const [first, second, third] = requestsFor(llm, "phases");
    expect(second!.startedAt - first!.endedAt!).toBeGreaterThanOrEqual(290);
    expect(third!.startedAt - second!.endedAt!).toBeGreaterThanOrEqual(990);
    const waits = run.events.flatMap((e) => (e.type === "model.retry" ? [e.waitMs] : []));
    expect(waits[0]).toBeGreaterThanOrEqual(300);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
  });
});

describe("given up", () => {
  it("after retries + 1 attempts of a 500: the section fails MODEL_ERROR, the others finish", async () => {
    const boom: ScriptedReply = { kind: "error", status: 500, message: "boom" };
    const { llm, run } = await draftAgainst(faultOn("phases", Array(9).fill(boom)), LIMITS);
    if (!("result" in run)) throw run.error;
    const phases = run.result.sections.find((s) => s.node === "phases");
    expect(phases).toMatchObject({ status: "failed", code: "MODEL_ERROR" });
    expect(phases?.message).toMatch(/answered 500 .*boom.*after 3 attempts/);
    expect(requestsFor(llm, "phases")).toHaveLength(RETRIES + 1);
    expect(run.result.sections.filter((s) => s.status === "drafted")).toHaveLength(9);
  });

  it("after retries + 1 attempts on the brief: the draft fails", async () => {
    const { llm, run } = await draftAgainst(faultOn("brief", Array(9).fill(tooMany())), LIMITS);
    expect(run).toMatchObject({ error: { code: "MODEL_ERROR" } });
    expect(llm.requests).toHaveLength(RETRIES + 1);
  });

  it.each<[string, ScriptedReply]>([
    ["400", { kind: "error", status: 400 }],
    ["401", { kind: "error", status: 401 }],
    ["403", { kind: "error", status: 403 }],
    ["404", { kind: "error", status: 404 }],
    ["422", { kind: "error", status: 422 }],
    [
      "429 insufficient_quota",
      { kind: "error", status: 429, type: "insufficient_quota", code: "insufficient_quota" },
    ],
    ["429 asking to wait past 60 s", tooMany({ "retry-after": "3600" })],
  ])("at once on a %s", async (_, fault) => {
    const { llm, run } = await draftAgainst(faultOn("architecture", Array(9).fill(fault)), LIMITS);
    if (!("result" in run)) throw run.error;
    const architecture = run.result.sections.find((s) => s.node === "architecture");
    expect(architecture).toMatchObject({ status: "failed", code: "MODEL_ERROR" });
    expect(requestsFor(llm, "architecture")).toHaveLength(1);
    expect(run.events.filter((e) => e.type === "model.retry")).toEqual([]);
  });
});

describe("each retry is told", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it("by the CLI, one line on stderr per retry", async () => {
    const asks: ScriptedReply = tooMany({ "retry-after-ms": "20" });
    const llm = await startScriptedLlm({ respond: faultOn("phases", [asks, asks]) });
    const store = createTestStore();
    const run = await runCli(["draft", FEATURE, "-m", "openai:scripted"], {
      env: { ...store.env, OPENAI_BASE_URL: llm.baseURL, OPENAI_API_KEY: "test", ...LIMITS },
    }).finally(() => Promise.all([store.drop(), llm.close()]));
    expect(run.code).toBe(0);
    const lines = run.stderr.split("\n").filter((line) => /retrying/.test(line));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^plandraft: Implementation Phases: attempt 1 of 3 failed \(MODEL_ERROR: the model server answered 429 .*\); retrying in 0\.0\d s$/,
    );
    expect(lines[1]).toMatch(/attempt 2 of 3 failed/);
  });

  it("by the server, one warning in its log per retry", async () => {
    const asks: ScriptedReply = tooMany({ "retry-after-ms": "20" });
    const server = await startTestServer(LIMITS, { respond: faultOn("brief", [asks]) });
    servers.push(server);
    const posted = await fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "text/markdown" },
      body: "# Retry me\n\nA feature.",
    });
    const { id } = (await posted.json()) as { id: string };
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)?.type).toBe("draft.completed");
    const warnings = server.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === "model call retried");
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 40,
        draft: id,
        call: "brief",
        attempt: 1,
        attempts: 3,
        code: "MODEL_ERROR",
        waitMs: expect.any(Number),
        reason: expect.stringMatching(/answered 429/),
      }),
    ]);
  });
});
