import type { DraftEvent } from "../../drafting/run-draft.js";
import { AppError } from "../../errors.js";
import {
  STREAM_EVENT_DATA,
  type StreamEventData,
  type StreamEventType,
} from "../../events/contract.js";
import type { StreamEvent } from "../../events/stream-event.js";
import type { ShownResult } from "../result.js";
import { serverError } from "./client.js";

type StartedData = Pick<StreamEventData<"draft.started">, "id" | "title" | "sections">;

/**
 * Turns a draft's server events back into the events the local run reports (for the same
 * progress display), and its last event into the same result the local run returns.
 */
export function createRunReader(onEvent: (event: DraftEvent) => void) {
  let started: StartedData | undefined;

  return {
    onStreamEvent: (event: StreamEvent): void => {
      const local = draftEventOf(event);
      if (local?.type === "draft.started") {
        const { id, title, sections } = local;
        started = { id, title, sections };
      }
      if (local) onEvent(local);
    },

    /** The run's result; a run that failed as a whole (cancelled, an error) is thrown. */
    resultOf: (end: StreamEvent): ShownResult => {
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

/** The local event for a server event; the graph node of a section is not on the stream. */
function draftEventOf(event: StreamEvent): DraftEvent | undefined {
  switch (event.type) {
    case "draft.started": {
      const started = parse("draft.started", event);
      return {
        type: "draft.started",
        id: started.id,
        title: started.title,
        sections: started.sections.map((s) => ({ ...s, node: "" })),
        resumed: started.resumed,
        revision: started.revision ?? undefined,
      };
    }
    case "section.started":
      return { type: "section.started", unit: parse("section.started", event).section };
    case "section.delta": {
      const { section, text } = parse("section.delta", event);
      return { type: "section.delta", unit: section, text };
    }
    case "section.completed": {
      const { section, status, markdown } = parse("section.completed", event);
      return { type: "section.completed", unit: section, status, markdown };
    }
    case "section.failed": {
      const { section, code, message } = parse("section.failed", event);
      return { type: "section.failed", unit: section, code, message };
    }
    default:
      return undefined;
  }
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
