import { describe, expect, it, vi } from "vitest";
import type { DraftEvent } from "../../src/drafting/run-draft.js";
import { draftAgainst, faultOn, heldFor, requestsFor, spanOf } from "../support/faults.js";
import type { ScriptedReply } from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { startTestServer } from "../support/test-server.js";

// Issue 10, finding 3: a model call that stalls, mid-stream or before, ends within its deadlines.
const DEADLINE_MS = 1000;
const IDLE_MS = 250;
const RETRIES = 2;
const ATTEMPTS = RETRIES + 1;
const LIMITS = {
  PLANDRAFT_MODEL_TIMEOUT_MS: String(DEADLINE_MS),
  PLANDRAFT_MODEL_IDLE_TIMEOUT_MS: String(IDLE_MS),
  PLANDRAFT_MODEL_RETRIES: String(RETRIES),
};
/** What a request may take beyond its deadline on a busy machine. */
const SLACK_MS = 1500;
/**
 * How much sooner than the client's deadline the scripted server may see a request end: the
 * client's clock starts before the request reaches the server (52 ms seen on a busy CI machine).
 * The bound it leaves (750 ms) is still far above the idle deadline, so an attempt cut by that
 * one could not pass.
 */
const TRANSIT_MS = 250;
/** What the rest of the draft may take on a busy machine. */
const DRAFT_MS = 8000;

const stallMidStream: ScriptedReply = { kind: "stallMidStream", chunks: 3 };

describe("every attempt of a model call ends within its deadlines", () => {
  it("a stream that stalls midway, socket open, ends at the idle deadline on each attempt, then fails MODEL_TIMEOUT", async () => {
    const { llm, run, tookMs } = await draftAgainst(
      faultOn("phases", Array(9).fill(stallMidStream)),
      LIMITS,
    );
    if (!("result" in run)) throw run.error;
    const phases = run.result.sections.find((s) => s.node === "phases");
    expect(phases).toMatchObject({ status: "failed", code: "MODEL_TIMEOUT" });
    expect(phases?.message).toMatch(/sent nothing for 250 ms.*after 3 attempts/);
    const requests = requestsFor(llm, "phases");
    expect(requests).toHaveLength(ATTEMPTS);
    for (const request of requests) expect(heldFor(request)).toBeLessThan(IDLE_MS + SLACK_MS);
    expect(spanOf(requests)).toBeLessThan(ATTEMPTS * (IDLE_MS + SLACK_MS));
    expect(tookMs).toBeLessThan(ATTEMPTS * IDLE_MS + DRAFT_MS);
    // The other sections finished.
    expect(run.result.sections.filter((s) => s.status === "drafted")).toHaveLength(9);
  });

  it("a stream that keeps trickling ends at the deadline of the whole attempt", async () => {
    // A chunk every 100 ms never trips the idle deadline, and takes seconds in all.
    const trickle: ScriptedReply = { kind: "auto", chunkDelayMs: 100 };
    const { llm, run, tookMs } = await draftAgainst(
      faultOn("testing", Array(9).fill(trickle)),
      LIMITS,
    );
    if (!("result" in run)) throw run.error;
    const testing = run.result.sections.find((s) => s.node === "testing");
    expect(testing).toMatchObject({ status: "failed", code: "MODEL_TIMEOUT" });
    expect(testing?.message).toMatch(/did not finish testing within 1000 ms.*after 3 attempts/);
    const requests = requestsFor(llm, "testing");
    expect(requests).toHaveLength(ATTEMPTS);
    for (const request of requests) {
      expect(heldFor(request)).toBeGreaterThanOrEqual(DEADLINE_MS - TRANSIT_MS);
      expect(heldFor(request)).toBeLessThan(DEADLINE_MS + SLACK_MS);
    }
    expect(spanOf(requests)).toBeLessThan(ATTEMPTS * (DEADLINE_MS + SLACK_MS));
    expect(tookMs).toBeLessThan(ATTEMPTS * DEADLINE_MS + DRAFT_MS);
  });

  it("a brief that never gets headers ends at the deadline (the idle deadline starts at the first chunk), then the draft fails", async () => {
    const { llm, run, tookMs } = await draftAgainst(
      faultOn("brief", Array(9).fill({ kind: "stall" })),
      LIMITS,
    );
    expect(run).toMatchObject({ error: { code: "MODEL_TIMEOUT" } });
    const requests = requestsFor(llm, "brief");
    expect(requests).toHaveLength(ATTEMPTS);
    for (const request of requests) {
      expect(heldFor(request)).toBeGreaterThanOrEqual(DEADLINE_MS - TRANSIT_MS);
      expect(heldFor(request)).toBeLessThan(DEADLINE_MS + SLACK_MS);
    }
    expect(tookMs).toBeLessThan(ATTEMPTS * (DEADLINE_MS + SLACK_MS));
    expect(llm.requests.filter((r) => r.toolName !== "brief")).toEqual([]);
  });

  it("a section that stalls once is drafted again from empty, and the plan completes", async () => {
    // The second answer comes slowly enough to be shown as it streams.
    const slow: ScriptedReply = { kind: "auto", chunkDelayMs: 5 };
    const { llm, run, tookMs } = await draftAgainst(
      faultOn("dataFlow", [stallMidStream, slow]),
      LIMITS,
    );
    if (!("result" in run)) throw run.error;
    expect(run.result.status).toBe("completed");
    expect(requestsFor(llm, "dataFlow")).toHaveLength(2);
    expect(tookMs).toBeLessThan(IDLE_MS + DRAFT_MS);
    const unit = run.result.sections.find((s) => s.node === "dataFlow")!.id;
    const mine = run.events.filter(
      (e) => ("unit" in e && e.unit === unit) || ("data" in e && e.data.section === unit),
    );
    const starts = mine.flatMap((e, i) => (e.type === "section.started" ? [i] : []));
    expect(starts).toHaveLength(2);
    const completed = mine.find((e) => e.type === "section.completed");
    const deltas = mine
      .slice(starts[1])
      .flatMap((e: DraftEvent) => (e.type === "section.delta" ? [e.data.text] : []));
    expect(deltas.join("")).toBe(
      completed?.type === "section.completed" && completed.data.markdown,
    );
    expect(mine.find((e) => e.type === "model.retry")).toMatchObject({
      attempt: 1,
      attempts: ATTEMPTS,
      code: "MODEL_TIMEOUT",
    });
  });
});

describe("a cancel", () => {
  it("stops a draft whose model stalls midway at once, long before any deadline", async () => {
    const server = await startTestServer(
      { PLANDRAFT_MODEL_TIMEOUT_MS: "60000", PLANDRAFT_MODEL_IDLE_TIMEOUT_MS: "60000" },
      { respond: () => stallMidStream },
    );
    try {
      const posted = await fetch(`${server.base}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "text/markdown" },
        body: "# Stalled\n\nA feature.",
      });
      const { id } = (await posted.json()) as { id: string };
      await vi.waitFor(() => expect(server.llm.requests).toHaveLength(1), { timeout: 20_000 });
      const started = performance.now();
      const cancelled = await fetch(`${server.base}/v1/drafts/${id}/cancel`, { method: "POST" });
      expect(cancelled.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(SLACK_MS);
      const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
      expect(events.at(-1)).toMatchObject({
        type: "draft.failed",
        data: { code: "DRAFT_CANCELLED" },
      });
      await vi.waitFor(() => expect(server.llm.requests[0]?.endedAt).toBeDefined());
    } finally {
      await server.close();
    }
  });
});
