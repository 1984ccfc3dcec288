import { describe, expect, it } from "vitest";
import { serverReaderErrors } from "../../src/cli/remote/client.js";
import { createRunReader as readerOf } from "../../src/drafting/run-reader.js";
import { readEvents } from "../../src/cli/remote/sse.js";
import type { RunEvent } from "../../src/drafting/drafts.js";
import { AppError } from "../../src/errors.js";
import type { StreamEvent } from "../../src/events/stream-event.js";

const createRunReader = (onEvent: (event: RunEvent) => void) =>
  readerOf(onEvent, serverReaderErrors);

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, calls: 1 };
const started: StreamEvent = {
  id: "1",
  type: "draft.started",
  data: {
    id: "d1",
    title: "Watchlist",
    sections: [
      { id: "a", title: "Architecture", dependsOn: [] },
      { id: "b", title: "Testing", dependsOn: ["a"] },
    ],
    resumed: false,
    revision: null,
  },
};

/** A response whose body arrives in the given pieces, as a network would cut it. */
function responseOf(pieces: string[]): Response {
  const bytes = pieces.map((piece) => new TextEncoder().encode(piece));
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of bytes) controller.enqueue(chunk);
        controller.close();
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

describe("the CLI's SSE reader", () => {
  it("reads events cut anywhere, skipping heartbeats and unknown events", async () => {
    const response = responseOf([
      ": heartbeat\n\nid: 1\nevent: section.sta",
      'rted\ndata: {"section":"a"}\n\nid: 1.1\nevent: section.delta\ndata: {"section":"a","te',
      'xt":"Hé"}\n\nid: 2\nevent: something.new\ndata: {}\n\n',
    ]);
    const events: StreamEvent[] = [];
    for await (const event of readEvents(response)) events.push(event);
    expect(events).toEqual([
      { id: "1", type: "section.started", data: { section: "a" } },
      { id: "1.1", type: "section.delta", data: { section: "a", text: "Hé" } },
    ]);
  });

  it("says SERVER_ERROR for an event whose data is not JSON", async () => {
    const events = readEvents(responseOf(["id: 1\nevent: draft.started\ndata: {oops\n\n"]));
    await expect(events.next()).rejects.toMatchObject({ code: "SERVER_ERROR" });
  });
});

describe("a server draft's events, read back as a local run's", () => {
  it("gives the progress display the contract's events and builds the local result", () => {
    const seen: RunEvent[] = [];
    const reader = createRunReader((event) => seen.push(event));
    reader.onStreamEvent(started);
    reader.onStreamEvent({ id: "2", type: "section.started", data: { section: "a" } });
    reader.onStreamEvent({
      id: "3",
      type: "section.completed",
      data: { section: "a", status: "drafted", markdown: "## A" },
    });
    expect(
      seen.map((e) => [e.type, e.type === "draft.started" ? e.data.id : "data" in e && e.data]),
    ).toEqual([
      ["draft.started", "d1"],
      ["section.started", { section: "a" }],
      ["section.completed", { section: "a", status: "drafted", markdown: "## A" }],
    ]);
    const result = reader.resultOf({
      id: "5",
      type: "draft.completed",
      data: {
        markdown: "# Plan\n",
        version: 2,
        usage,
        model: "openai:scripted",
        sections: [
          { id: "a", title: "Architecture", status: "drafted" },
          { id: "b", title: "Testing", status: "no_changes" },
        ],
        findings: [],
      },
    });
    expect(JSON.stringify(result)).toBe(
      JSON.stringify({
        id: "d1",
        title: "Watchlist",
        model: "openai:scripted",
        status: "completed",
        markdown: "# Plan\n",
        sections: [
          { id: "a", title: "Architecture", dependsOn: [], status: "drafted" },
          { id: "b", title: "Testing", dependsOn: ["a"], status: "no_changes" },
        ],
        usage,
        findings: [],
        version: 2,
      }),
    );
  });

  it("turns a draft.failed with its sections into a failed result", () => {
    const reader = createRunReader(() => {});
    reader.onStreamEvent(started);
    const result = reader.resultOf({
      id: "4",
      type: "draft.failed",
      data: {
        code: "SECTIONS_FAILED",
        message: "Testing: MODEL_ERROR: boom",
        usage,
        model: "openai:scripted",
        sections: [
          { id: "a", title: "Architecture", status: "drafted" },
          { id: "b", title: "Testing", status: "failed", code: "MODEL_ERROR", message: "boom" },
        ],
        findings: [],
      },
    });
    expect(result).toMatchObject({ status: "failed", markdown: "" });
    expect(result.sections[1]).toEqual({
      id: "b",
      title: "Testing",
      dependsOn: ["a"],
      status: "failed",
      code: "MODEL_ERROR",
      message: "boom",
    });
  });

  /** The error a run that failed as a whole, with this code and message, throws in the CLI. */
  const thrownFor = (code: string, message: string): unknown => {
    const reader = createRunReader(() => {});
    reader.onStreamEvent(started);
    try {
      reader.resultOf({ id: "2", type: "draft.failed", data: { code, message } });
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it("throws the server's error for a run that failed as a whole", () => {
    const error = thrownFor("DRAFT_CANCELLED", "the draft was cancelled");
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "DRAFT_CANCELLED",
      message: "draft d1: the draft was cancelled",
    });
  });

  it("says SERVER_ERROR, with the server's code and words, for a code this CLI does not know", () => {
    expect(thrownFor("QUOTA_SPENT", "the team's monthly tokens are spent")).toMatchObject({
      code: "SERVER_ERROR",
      exitCode: 1,
      message: "the server answered QUOTA_SPENT: draft d1: the team's monthly tokens are spent",
    });
  });

  it("refuses an event whose data the contract does not allow, with SERVER_ERROR", () => {
    const reader = createRunReader(() => {});
    reader.onStreamEvent(started);
    const malformed: StreamEvent = {
      id: "2",
      type: "section.completed",
      data: { section: "a", status: "finished", markdown: "## A" },
    };
    expect(() => reader.onStreamEvent(malformed)).toThrow(
      expect.objectContaining({
        code: "SERVER_ERROR",
        message: expect.stringContaining("a section.completed event this CLI does not understand"),
      }),
    );
    expect(() => reader.resultOf({ id: "3", type: "draft.completed", data: { model: 1 } })).toThrow(
      expect.objectContaining({ code: "SERVER_ERROR" }),
    );
  });
});
