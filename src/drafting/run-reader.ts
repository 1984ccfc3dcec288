import type { RunEvent, RunResult } from "./drafts.js";
import type { AppError } from "../errors.js";
import {
  STREAM_EVENT_DATA,
  type StreamEventBody,
  type StreamEventData,
  type StreamEventType,
} from "../events/contract.js";
import type { StreamEvent } from "../events/stream-event.js";

type StartedData = Pick<StreamEventData<"draft.started">, "id" | "title" | "sections">;

/** What a reader throws, in the words of where the events come from (a server, the store). */
export interface ReaderErrors {
  /** A run that failed as a whole (cancelled, an error), by the code its last event gives. */
  failed(code: string, message: string): AppError;
  /** Events that the contract does not describe, or a stream that ended before it started. */
  unreadable(problem: string): AppError;
}

/**
 * Checks a draft's events against the contract before the progress display sees them, and
 * turns its last event into the same result a run in this process returns: how a draft run
 * elsewhere (on a server, or by another process on the database) is followed.
 */
export function createRunReader(onEvent: (event: RunEvent) => void, errors: ReaderErrors) {
  let started: StartedData | undefined;

  return {
    onStreamEvent: (event: StreamEvent): void => {
      const checked = bodyOf(event, errors);
      if (checked.type === "draft.started") {
        const { id, title, sections } = checked.data;
        started = { id, title, sections };
      }
      onEvent(checked);
    },

    /** The run's result; a run that failed as a whole (cancelled, an error) is thrown. */
    resultOf: (end: StreamEvent): RunResult => {
      if (!started) {
        throw errors.unreadable("the draft's event stream ended before it started");
      }
      const outline = new Map(started.sections.map((s) => [s.id, s]));
      const sectionsOf = (sections: StreamEventData<"draft.completed">["sections"]) =>
        sections.map(({ id, title, status, code, message }) => ({
          id,
          title,
          dependsOn: outline.get(id)?.dependsOn ?? [],
          status,
          ...(code !== undefined ? { code, message } : {}),
        }));
      const draft = { id: started.id, title: started.title };
      if (end.type === "draft.completed") {
        const done = parse("draft.completed", end, errors);
        return {
          ...draft,
          model: done.model,
          status: "completed",
          markdown: done.markdown,
          sections: sectionsOf(done.sections),
          usage: done.usage,
          findings: done.findings.map(findingOf),
          ...(done.version !== null ? { version: done.version } : {}),
          ...(done.dropped ? { dropped: true } : {}),
        };
      }
      if (end.type === "review.requested") {
        // Stopped at the gate: nothing drafted, nothing paid for the sections yet.
        const { model, usage, ...review } = parse("review.requested", end, errors);
        return {
          ...draft,
          model,
          status: "awaiting_review",
          markdown: "",
          sections: [],
          usage,
          findings: [],
          review,
        };
      }
      const failed = parse("draft.failed", end, errors);
      if (!failed.sections || !failed.usage || failed.model === undefined) {
        // The codes are ours, as a run in this process would have thrown them.
        throw errors.failed(failed.code, `draft ${started.id}: ${failed.message}`);
      }
      return {
        ...draft,
        model: failed.model,
        status: "failed",
        markdown: "",
        sections: sectionsOf(failed.sections),
        usage: failed.usage,
        findings: (failed.findings ?? []).map(findingOf),
      };
    },
  };
}

/** The event with its data as the contract describes it. */
function bodyOf(event: StreamEvent, errors: ReaderErrors): StreamEventBody {
  // TypeScript cannot tie the data parsed for `event.type` to that type; `parse` does.
  return { type: event.type, data: parse(event.type, event, errors) } as StreamEventBody;
}

function findingOf(finding: StreamEventData<"draft.completed">["findings"][number]) {
  return { ...finding, sectionId: finding.sectionId };
}

/** The event's data as the contract describes it; anything else is its source's fault. */
function parse<T extends StreamEventType>(
  type: T,
  event: { type: string; data: unknown },
  errors: ReaderErrors,
): StreamEventData<T> {
  const parsed = STREAM_EVENT_DATA[type].safeParse(event.data);
  if (!parsed.success) {
    throw errors.unreadable(
      `a ${event.type} event this CLI does not understand: ${parsed.error.issues[0]?.message ?? ""}`,
    );
  }
  // TypeScript cannot tie the schema picked by `type` to `T`; the table above does.
  return parsed.data as StreamEventData<T>;
}
