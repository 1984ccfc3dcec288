import { z } from "zod";

/**
 * The data of each event of a draft's stream: the one description that the server's writer,
 * the CLI's reader, the page (as types only) and the OpenAPI document share. This module
 * imports nothing of the project, so the page can `import type` from it without pulling the
 * server in, and the bundle erases the import.
 */

const SectionId = z.string().describe("the section's id, as draft.started's sections name it");

const SectionOutline = z.object({
  id: z.string(),
  title: z.string(),
  dependsOn: z.array(z.string()).describe("the ids of the sections this one waits for"),
});

const Revision = z
  .object({
    section: z.string().describe("the section revised, by id"),
    feedback: z.string(),
    cascade: z.boolean(),
    sections: z.array(z.string()).describe("every section the revision re-drafts, by id"),
  })
  .describe("what a revision run re-drafts; null for a first draft or a resume");

const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  calls: z.number(),
});

/** How a section ended: `missing` when the run stopped before it. */
const SectionEnd = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["drafted", "no_changes", "failed", "missing"]),
  code: z.string().optional().describe("why a failed section failed"),
  message: z.string().optional(),
});

const Finding = z.object({
  line: z.number(),
  code: z.string(),
  message: z.string(),
  sectionId: z.string().optional(),
});

export const DraftStartedData = z.object({
  id: z.string(),
  title: z.string(),
  sections: z.array(SectionOutline),
  resumed: z.boolean(),
  revision: Revision.nullable(),
});

export const SectionStartedData = z
  .object({ section: SectionId })
  .describe("a section starts, or starts again from empty (a retried request): drop its text");

export const SectionGroundedData = z
  .object({
    section: SectionId,
    repository: z
      .string()
      .nullable()
      .describe("the section's own repository; null for one read against every mapped one"),
    unmapped: z
      .boolean()
      .describe("the workspace does not map that repository: drafted from the doc alone"),
    repositories: z
      .array(
        z.object({ name: z.string(), commit: z.string(), files: z.number(), tokens: z.number() }),
      )
      .describe("what was sent of each repository; empty when nothing fit or matched"),
    context: z.object({ docs: z.number(), tokens: z.number() }),
    budget: z.number().describe("the tokens a section may carry"),
  })
  .describe(
    "only when the server has a workspace and the model reads it: what a section's request " +
      "carries of the workspace, before the model is asked. Tokens are estimates; no local " +
      "path is ever sent.",
  );

export const SectionDeltaData = z
  .object({ section: SectionId, text: z.string() })
  .describe("text to append to the section; its deltas add up to its completed markdown");

export const SectionCompletedData = z.object({
  section: SectionId,
  status: z.enum(["drafted", "no_changes", "failed"]),
  markdown: z.string(),
});

export const SectionFailedData = z.object({
  section: SectionId,
  code: z.string(),
  message: z.string(),
});

export const DraftCompletedData = z.object({
  markdown: z.string(),
  version: z.number().nullable().describe("the plan's version this run saved"),
  dropped: z
    .literal(true)
    .optional()
    .describe(
      "a revision stopped at its review gate: nothing of it was kept, and the plan is still " +
        "`version`, which this run did not save",
    ),
  usage: Usage,
  model: z.string(),
  sections: z.array(SectionEnd),
  findings: z.array(Finding),
});

export const DraftFailedData = z
  .object({
    code: z.string(),
    message: z.string(),
    usage: Usage.optional(),
    model: z.string().optional(),
    sections: z.array(SectionEnd).optional(),
    findings: z.array(Finding).optional(),
  })
  .describe(
    "with usage, model, sections and findings when the run drafted and some sections failed; " +
      "code and message alone when the run failed as a whole (cancelled, an error)",
  );

/** The same bounds as the brief the model writes (src/template/schema.ts's LIMITS). */
const LINE = 600;
const NAME = 160;
const ITEMS = 30;
/** At most this many questions at the gate: the ones whose answers change the plan most. */
export const MAX_REVIEW_QUESTIONS = 5;

const BriefLine = z.string().min(1).max(LINE);
const BriefList = z.array(BriefLine).max(ITEMS);
const RepoScope = z.object({
  repo: z.string().min(1).max(NAME).describe("a repository, as the plan template names it"),
  touched: z.boolean().describe("whether the feature changes it"),
  why: BriefLine.describe("what changes there, or why nothing does"),
});

/** The part of the brief a person checks at the gate: what the sections are all drafted from. */
export const ReviewBrief = z.object({
  goal: BriefLine,
  in_scope: BriefList,
  out_of_scope: BriefList,
  repos: z.array(RepoScope).max(ITEMS),
  integrations: BriefList,
});

const ReviewQuestion = z.object({
  id: z.string().describe("what an answer names it by: q1, q2, ..."),
  question: z.string(),
  why: z.string().describe("why the answer matters: what in the plan depends on it"),
  suggestion: z
    .string()
    .describe("the answer the plan assumes when it is not given; empty: none (it stays TODO)"),
  choices: z
    .array(z.string())
    .describe("the answers to pick from, where the question has a few; empty: any answer"),
  sections: z.array(z.string()).describe("the plan's sections that depend on the answer"),
  blocking: z.boolean().describe("whether implementation cannot start without an answer"),
});

/** What the brief's gate asks: the brief and its questions (the graph's interrupt value). */
const BriefGate = z.object({
  kind: z.literal("brief"),
  brief: ReviewBrief,
  questions: z.array(ReviewQuestion).max(MAX_REVIEW_QUESTIONS),
});

const SectionName = z.object({ id: z.string(), title: z.string() });

/** What a revision's gate asks: keep the re-drafted section, before its dependents are paid for. */
const RevisionGate = z.object({
  kind: z.literal("revision"),
  section: SectionName.describe("the section the revision re-drafted"),
  feedback: z.string(),
  before: z.string().describe("the section's markdown before the revision"),
  after: z.string().describe("the section's markdown as the revision re-drafted it"),
  dependents: z
    .array(SectionName)
    .describe("the sections re-drafted next (the cascade) once it is approved; empty: none"),
});

/**
 * Where a draft can wait for a person: after the analysis (the brief, `review`), or after the
 * section a revision re-drafted (`revise` with review), before the sections that depend on it.
 */
export const ReviewGate = z.discriminatedUnion("kind", [BriefGate, RevisionGate]);

const spent = {
  model: z.string(),
  usage: Usage.describe("what the draft spent so far"),
};

export const ReviewRequestedData = z
  .discriminatedUnion("kind", [BriefGate.extend(spent), RevisionGate.extend(spent)])
  .describe(
    "the draft stopped at a review gate. kind brief: after the analysis, before any section " +
      "was drafted, with the brief and the questions whose answers would change the plan most. " +
      "kind revision: after a revision re-drafted its section, before its dependents. It waits " +
      "(status awaiting_review) until POST /v1/drafts/{id}/review answers; this run's stream " +
      "ends here.",
  );

/**
 * A person's answer at the gate: approve (with the brief edited and questions answered) or
 * stop. What is left out stays as the brief has it; a question left unanswered stays open.
 */
export const ReviewAnswer = z
  .object({
    approve: z
      .boolean()
      .describe(
        "at the brief: true drafts the plan, false stops the draft (cancelled); at a " +
          "revision: true keeps the section and re-drafts its dependents, false drops the " +
          "revision (the plan stays the version it was)",
      ),
    brief: ReviewBrief.partial()
      .strict()
      .optional()
      .describe("at the brief only: replaces these parts of it; repos are matched by name"),
    answers: z
      .record(z.string().max(NAME), BriefLine)
      .optional()
      .describe("at the brief only: answers by question id; the suggestion's text is one too"),
  })
  .strict();
export type ReviewAnswer = z.infer<typeof ReviewAnswer>;

/** Each event's data by its SSE `event:` name, in the order a run sends them. */
export const STREAM_EVENT_DATA = {
  "draft.started": DraftStartedData,
  "section.started": SectionStartedData,
  "section.grounded": SectionGroundedData,
  "section.delta": SectionDeltaData,
  "section.completed": SectionCompletedData,
  "section.failed": SectionFailedData,
  "draft.completed": DraftCompletedData,
  "draft.failed": DraftFailedData,
  "review.requested": ReviewRequestedData,
} as const;

export type StreamEventType = keyof typeof STREAM_EVENT_DATA;

export const STREAM_EVENT_TYPES = Object.keys(STREAM_EVENT_DATA) as StreamEventType[];

export type StreamEventData<T extends StreamEventType> = z.infer<(typeof STREAM_EVENT_DATA)[T]>;

/** An event as `{ type, data }`, narrowed by its type: `StreamEventOf<"section.delta">`. */
export type StreamEventOf<T extends StreamEventType> = { type: T; data: StreamEventData<T> };

/** Any one event of the stream, discriminated by `type`. */
export type StreamEventBody = { [T in StreamEventType]: StreamEventOf<T> }[StreamEventType];

/** A section's events: what the graph's nodes report as they draft, as clients get them. */
export type SectionEvent = Extract<StreamEventBody, { type: `section.${string}` }>;

/** An event as `[type, data]`, the way a run writes it. */
export type StreamEventPayload = {
  [T in StreamEventType]: [T, StreamEventData<T>];
}[StreamEventType];

const eventOf = <T extends StreamEventType>(type: T) =>
  z.object({ type: z.literal(type), data: STREAM_EVENT_DATA[type] });

type EventSchema = ReturnType<typeof eventOf>;

/** The union as a schema, one member per type above: what the OpenAPI document shows. */
export const StreamEventSchema = z
  .discriminatedUnion(
    "type",
    STREAM_EVENT_TYPES.map((type) => eventOf(type)) as [EventSchema, ...EventSchema[]],
  )
  .meta({
    // The id makes it a component of the OpenAPI document (see src/server/app.ts).
    id: "StreamEvent",
    description:
      "one event of the stream: `type` is the SSE `event:` name and `data` the JSON of its " +
      "`data:` line",
  });
