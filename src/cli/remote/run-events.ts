import { z } from "zod";
import type { DraftEvent } from "../../drafting/run-draft.js";
import { AppError } from "../../errors.js";
import type { StreamEvent } from "../../events/stream-event.js";
import type { ShownResult } from "../result.js";
import { serverError } from "./client.js";

const Outline = z.object({ id: z.string(), title: z.string(), dependsOn: z.array(z.string()) });

const Started = z.object({
  id: z.string(),
  title: z.string(),
  sections: z.array(Outline),
  resumed: z.boolean(),
  revision: z
    .object({
      section: z.string(),
      feedback: z.string(),
      cascade: z.boolean(),
      sections: z.array(z.string()),
    })
    .nullable(),
});

const Usage = z.object({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number(),
  calls: z.number(),
});

const Section = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(["drafted", "no_changes", "failed", "missing"]),
  code: z.string().optional(),
  message: z.string().optional(),
});

const Finding = z.object({
  line: z.number(),
  code: z.string(),
  message: z.string(),
  sectionId: z.string().optional(),
});

const Completed = z.object({
  markdown: z.string(),
  version: z.number().nullable(),
  usage: Usage,
  model: z.string(),
  sections: z.array(Section),
  findings: z.array(Finding),
});

const Failed = z.object({
  code: z.string(),
  message: z.string(),
  usage: Usage.optional(),
  model: z.string().optional(),
  sections: z.array(Section).optional(),
  findings: z.array(Finding).optional(),
});

const SectionStarted = z.object({ section: z.string() });
const SectionDelta = z.object({ section: z.string(), text: z.string() });
const SectionCompleted = z.object({
  section: z.string(),
  status: z.enum(["drafted", "no_changes", "failed"]),
  markdown: z.string(),
});
const SectionFailed = z.object({ section: z.string(), code: z.string(), message: z.string() });

type StartedData = Pick<z.infer<typeof Started>, "id" | "title" | "sections">;

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
      const sectionsOf = (sections: z.infer<typeof Section>[]) =>
        sections.map(({ id, title, status, code, message }) => ({
          id,
          title,
          dependsOn: outline.get(id)?.dependsOn ?? [],
          status,
          ...(code !== undefined ? { code, message } : {}),
        }));
      const draft = { id: started.id, title: started.title };
      if (end.type === "draft.completed") {
        const done = parse(Completed, end);
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
      const failed = parse(Failed, end);
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
      const started = parse(Started, event);
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
      return { type: "section.started", unit: parse(SectionStarted, event).section };
    case "section.delta": {
      const { section, text } = parse(SectionDelta, event);
      return { type: "section.delta", unit: section, text };
    }
    case "section.completed": {
      const { section, status, markdown } = parse(SectionCompleted, event);
      return { type: "section.completed", unit: section, status, markdown };
    }
    case "section.failed": {
      const { section, code, message } = parse(SectionFailed, event);
      return { type: "section.failed", unit: section, code, message };
    }
    default:
      return undefined;
  }
}

function findingOf(finding: z.infer<typeof Finding>) {
  return { ...finding, sectionId: finding.sectionId };
}

function parse<T>(schema: z.ZodType<T>, event: { type: string; data: unknown }): T {
  const parsed = schema.safeParse(event.data);
  if (!parsed.success) {
    throw new AppError(
      "SERVER_ERROR",
      `the server sent a ${event.type} event this CLI does not understand: ${parsed.error.issues[0]?.message ?? ""}`,
      { hint: "use a plandraft CLI of the same version as the server" },
    );
  }
  return parsed.data;
}
