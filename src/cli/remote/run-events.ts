import type { RunEvent, RunResult } from "../../drafting/drafts.js";
import { AppError } from "../../errors.js";
import {
  STREAM_EVENT_DATA,
  type StreamEventBody,
  type StreamEventData,
  type StreamEventType,
} from "../../events/contract.js";
import type { StreamEvent } from "../../events/stream-event.js";
import { serverError } from "./client.js";

type StartedData = Pick<StreamEventData<"draft.started">, "id" | "title" | "sections">;

/**
 * Checks a draft's server events against the contract before the progress display sees them,
 * and turns its last event into the same result a run in this process returns.
 */
export function createRunReader(onEvent: (event: RunEvent) => void) {
  let started: StartedData | undefined;

  return {
    onStreamEvent: (event: StreamEvent): void => {
      const checked = bodyOf(event);
      if (checked.type === "draft.started") {
        const { id, title, sections } = checked.data;
        started = { id, title, sections };
      }
      onEvent(checked);
    },

    /** The run's result; a run that failed as a whole (cancelled, an error) is thrown. */
    resultOf: (end: StreamEvent): RunResult => {
      if (!started) {
        throw new AppError("SERVER_ERROR", "the draft's event stream ended before it started");
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
        const done = parse("draft.completed", end);
        return {
          ...draft,
          model: done.model,
          status: "completed",
          markdown: done.markdown,
          sections: sectionsOf(done.sections),
          usage: done.usage,
          findings: done.findings.map(findingOf),
          ...(done.version !== null ? { version: done.version } : {}),
        };
      }
      const failed = parse("draft.failed", end);
      if (!failed.sections || !failed.usage || failed.model === undefined) {
        // The codes are the server's, as the local run would have thrown them.
        throw serverError(failed.code, `draft ${started.id}: ${failed.message}`);
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
function bodyOf(event: StreamEvent): StreamEventBody {
  // TypeScript cannot tie the data parsed for `event.type` to that type; `parse` does.
  return { type: event.type, data: parse(event.type, event) } as StreamEventBody;
}

function findingOf(finding: StreamEventData<"draft.completed">["findings"][number]) {
  return { ...finding, sectionId: finding.sectionId };
}

/** The event's data as the contract describes it; anything else is the server's fault. */
function parse<T extends StreamEventType>(
  type: T,
  event: { type: string; data: unknown },
): StreamEventData<T> {
  const parsed = STREAM_EVENT_DATA[type].safeParse(event.data);
  if (!parsed.success) {
    throw new AppError(
      "SERVER_ERROR",
      `the server sent a ${event.type} event this CLI does not understand: ${parsed.error.issues[0]?.message ?? ""}`,
      { hint: "use a plandraft CLI of the same version as the server" },
    );
  }
  // TypeScript cannot tie the schema picked by `type` to `T`; the table above does.
  return parsed.data as StreamEventData<T>;
}
