import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath } from "../support/drafting.js";
import {
  idsIncrease,
  readEvents,
  sectionTexts,
  watchEvents,
  type Received,
} from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** Every completed section's streamed text (since its last start) equals its markdown. */
function expectDeltasAddUp(events: Received[]) {
  const texts = sectionTexts(events);
  const completed = events.filter((e) => e.type === "section.completed");
  expect(completed.length).toBeGreaterThan(0);
  for (const event of completed) {
    expect(texts.get(event.data.section as string), event.data.section as string).toBe(
      event.data.markdown,
    );
  }
}

describe("a draft's events over SSE", () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    // A steady token pace, so sections stream in many deltas.
    server = await startTestServer(
      { PLANDRAFT_HEARTBEAT_MS: "100" },
      { latencyMs: 40, chunkDelayMs: 3 },
    );
    base = server.base;
  });
  afterAll(() => server.close());

  async function post(body: object = { feature: FEATURE }): Promise<{ id: string }> {
    const response = await fetch(`${base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { id: string };
  }

  it("sends draft.started first, each section's deltas adding up to its text, and draft.completed last", async () => {
    const { id } = await post();
    const { done } = watchEvents(`${base}/v1/drafts/${id}/events`);
    const events = await done;

    const first = events[0];
    expect(first?.type).toBe("draft.started");
    const sections = first?.data.sections as { id: string; title: string; dependsOn: string[] }[];
    expect(sections.map((s) => s.title)).toContain("Testing Strategy");
    expect(sections.find((s) => s.title === "Testing Strategy")?.dependsOn.length).toBeGreaterThan(
      0,
    );
    expect(first?.data).toMatchObject({ id, title: "Supplier Risk Watchlist", resumed: false });

    const last = events.at(-1);
    expect(last?.type).toBe("draft.completed");
    expect(last?.data).toMatchObject({
      version: 1,
      usage: { calls: expect.any(Number) as number },
    });
    const plan = await (await fetch(`${base}/v1/drafts/${id}/plan.md`)).text();
    expect(last?.data.markdown).toBe(plan);

    expect(idsIncrease(events)).toBe(true);
    // Every section of the outline starts before it completes, and completes exactly once.
    for (const section of sections) {
      const types = events.filter((e) => e.data.section === section.id).map((e) => e.type);
      expect(types[0], section.id).toBe("section.started");
      expect(
        types.filter((t) => t === "section.completed"),
        section.id,
      ).toHaveLength(1);
    }
    expectDeltasAddUp(events);
    const detail = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as {
      sections: { id: string; state: string }[];
    };
    expect(detail.sections.map((s) => [s.id, s.state])).toEqual(
      sections.map((s) => [s.id, "done"]),
    );
    const deltas = events.filter((e) => e.type === "section.delta");
    expect(deltas.length).toBeGreaterThan(sections.length * 3);
    // Every section appears in the plan exactly as it streamed.
    for (const completed of events.filter((e) => e.type === "section.completed")) {
      expect(plan).toContain(completed.data.markdown as string);
    }
  });

  it("gives a client that reconnects with Last-Event-ID exactly what it missed, mid-draft", async () => {
    const { id } = await post();
    const url = `${base}/v1/drafts/${id}/events`;
    // Drop the connection in the middle of a section, after some of its deltas.
    const part1 = await readEvents(url, {
      stop: (_e, all) => all.filter((x) => x.type === "section.delta").length >= 25,
    });
    // Mid-draft, the draft says where each section stands.
    const detail = (await (await fetch(`${base}/v1/drafts/${id}`)).json()) as {
      status: string;
      sections: { id: string; state: string }[];
    };
    expect(detail.status).toBe("running");
    expect(detail.sections.map((s) => s.id)).toEqual(
      (part1.events[0]?.data.sections as { id: string }[]).map((s) => s.id),
    );
    expect(detail.sections.some((s) => s.state === "drafting")).toBe(true);
    expect(detail.sections.some((s) => s.state === "waiting")).toBe(true);
    const lastId = part1.events.at(-1)?.id ?? "";
    expect(lastId).toMatch(/^\d+\.\d+$/);
    const part2 = await readEvents(url, { headers: { "last-event-id": lastId } });
    const all = [...part1.events, ...part2.events];
    expect(all.at(-1)?.type).toBe("draft.completed");
    expect(idsIncrease(all)).toBe(true); // nothing twice
    expectDeltasAddUp(all); // nothing lost

    // The kept events, replayed from the start once finished, are all there in the same order.
    const replay = await readEvents(url);
    const kept = all.filter((e) => e.type !== "section.delta").map((e) => `${e.id} ${e.type}`);
    expect(replay.events.map((e) => `${e.id} ${e.type}`)).toEqual(kept);
  });

  it("replays a finished draft after any id up to draft.completed, and answers 204 after the last", async () => {
    const { id } = await post();
    const events = await watchEvents(`${base}/v1/drafts/${id}/events`).done;
    const url = `${base}/v1/drafts/${id}/events`;
    const middle = events.find((e) => e.type === "section.completed");
    const rest = await readEvents(url, { headers: { "last-event-id": middle?.id ?? "" } });
    expect(rest.events[0]?.id).not.toBe(middle?.id);
    expect(rest.events.at(-1)?.type).toBe("draft.completed");
    const restIds = rest.events.map((e) => e.id);
    const expected = events
      .filter((e) => e.type !== "section.delta")
      .filter((e) => Number(e.id) > Number(middle?.id))
      .map((e) => e.id);
    expect(restIds).toEqual(expected);

    const after = await readEvents(url, { headers: { "last-event-id": events.at(-1)?.id ?? "" } });
    expect(after.status).toBe(204);
    const json = await fetch(url, { headers: { accept: "application/json" } });
    expect(json.status).toBe(406);
    expect(await json.json()).toMatchObject({ code: "NOT_ACCEPTABLE" });
    const bad = await fetch(url, { headers: { "last-event-id": "not-an-id" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "EVENT_ID_INVALID" });
  });

  it("streams the draft in the response of a POST with Accept: text/event-stream", async () => {
    const streamed = await readEvents(`${base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ feature: FEATURE }),
    });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(streamed.headers.get("location")).toMatch(/^\/v1\/drafts\/[0-9a-f-]{36}$/);
    expect(streamed.events[0]?.type).toBe("draft.started");
    expect(streamed.events.at(-1)?.type).toBe("draft.completed");
    expectDeltasAddUp(streamed.events);
  });

  it("sends a revision's events on the same stream, after the first run's", async () => {
    const { id } = await post();
    const first = await watchEvents(`${base}/v1/drafts/${id}/events`).done;
    const revised = await fetch(`${base}/v1/drafts/${id}/revisions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ section: "Testing Strategy", feedback: "Add load tests" }),
    });
    expect(revised.status).toBe(202);
    const after = first.at(-1)?.id ?? "";
    const events = await watchEvents(`${base}/v1/drafts/${id}/events?after=${after}`).done;
    expect(events[0]).toMatchObject({
      type: "draft.started",
      data: { revision: { feedback: "Add load tests", cascade: false } },
    });
    const started = events
      .filter((e) => e.type === "section.started")
      .map((e) => e.data.section as string);
    expect(new Set(started)).toEqual(new Set([events[0]?.data.revision.section]));
    expect(events.at(-1)).toMatchObject({ type: "draft.completed", data: { version: 2 } });
    expectDeltasAddUp(events);
    expect(Number(events[0]?.id)).toBeGreaterThan(Number(after));
  });

  it("keeps an idle stream open with heartbeats, and never stops a draft when its client leaves", async () => {
    const { id } = await post();
    const comments: string[] = [];
    const started = Date.now();
    const part = await readEvents(`${base}/v1/drafts/${id}/events`, {
      onComment: (c) => comments.push(c),
      stop: () => Date.now() - started > 400,
    });
    expect(part.events[0]?.type).toBe("draft.started");
    expect(comments.some((c) => c.trim() === "heartbeat")).toBe(true);
    // The client left mid-draft; the draft still completes.
    const events = await watchEvents(`${base}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)?.type).toBe("draft.completed");
  });
});
