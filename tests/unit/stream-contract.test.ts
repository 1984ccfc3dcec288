import { describe, expect, it } from "vitest";
import { endEventOf, streamEventOf } from "../../src/drafting/draft-events.js";
import type { DraftEvent, DraftResult } from "../../src/drafting/run-draft.js";
import { watchlistBrief } from "../support/brief.js";
import { reviewRequestOf } from "../../src/drafters/review.js";
import {
  STREAM_EVENT_DATA,
  STREAM_EVENT_TYPES,
  StreamEventSchema,
} from "../../src/events/contract.js";

/** A brief with one open question: what a run stopped at the review gate sends. */
const brief = watchlistBrief({
  open_questions: [
    { question: "How many items?", assumption: "100", sections: ["Architecture"], blocking: false },
  ],
});

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15, calls: 1 };

/** A run's events as the drafting code reports them, one of each kind the stream carries. */
const run: DraftEvent[] = [
  {
    type: "draft.started",
    id: "d1",
    title: "Watchlist",
    sections: [
      { id: "a", title: "Architecture", node: "architecture", dependsOn: [] },
      { id: "b", title: "Testing", node: "testing", dependsOn: ["a"] },
    ],
    resumed: false,
    revision: { section: "a", feedback: "shorter", cascade: true, sections: ["a", "b"] },
  },
  { type: "step", step: "ingest", state: "started" },
  { type: "section.started", data: { section: "a" } },
  {
    type: "section.grounded",
    data: {
      section: "a",
      repository: null,
      unmapped: false,
      repositories: [{ name: "/gain", commit: "abc1234", files: 2, tokens: 300 }],
      context: { docs: 1, tokens: 20 },
      budget: 6000,
    },
  },
  { type: "section.delta", data: { section: "a", text: "## Arch" } },
  {
    type: "section.completed",
    data: { section: "a", status: "drafted", markdown: "## Architecture" },
  },
  {
    type: "section.failed",
    data: { section: "b", code: "MODEL_OUTPUT_INVALID", message: "no JSON" },
  },
];

const result: DraftResult = {
  id: "d1",
  title: "Watchlist",
  status: "failed",
  model: "openai:gpt-4o-mini",
  markdown: "# Plan",
  sections: [
    { id: "a", title: "Architecture", node: "architecture", dependsOn: [], status: "drafted" },
    {
      id: "b",
      title: "Testing",
      node: "testing",
      dependsOn: ["a"],
      status: "failed",
      code: "MODEL_OUTPUT_INVALID",
      message: "no JSON",
    },
  ],
  usage,
  findings: [{ line: 3, code: "HEADING", message: "a heading is missing", sectionId: undefined }],
};

describe("the stream's events and their contract", () => {
  it("lets every event a run writes through the contract, each kind at least once", () => {
    const written = [
      ...run.map(streamEventOf).filter((event) => event !== undefined),
      endEventOf({ ...result, status: "completed", version: 2 }, undefined),
      endEventOf(result, { code: "SECTIONS_FAILED", message: "b failed" }),
      ["review.requested", { ...reviewRequestOf(brief), model: "none", usage }] as const,
    ];
    // What goes on the wire is JSON: undefined fields are dropped before a client parses them.
    const onWire = written.map(([type, data]): unknown =>
      JSON.parse(JSON.stringify({ type, data })),
    );
    for (const event of onWire) {
      expect(StreamEventSchema.safeParse(event).error).toBeUndefined();
    }
    expect(new Set(written.map(([type]) => type))).toEqual(new Set(STREAM_EVENT_TYPES));
  });

  it("lets through a draft.failed with only a code and a message (a run that failed as a whole)", () => {
    expect(
      STREAM_EVENT_DATA["draft.failed"].safeParse({ code: "DRAFT_CANCELLED", message: "stopped" })
        .success,
    ).toBe(true);
  });

  it("refuses an event whose data does not match its type", () => {
    const mixedUp = { type: "section.delta", data: { section: "a", markdown: "## A" } };
    expect(StreamEventSchema.safeParse(mixedUp).success).toBe(false);
    expect(StreamEventSchema.safeParse({ type: "draft.paused", data: {} }).success).toBe(false);
  });
});
