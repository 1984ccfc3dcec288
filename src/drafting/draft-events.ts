import type { DraftEvent, DraftResult } from "./run-draft.js";
import type { StreamEventPayload } from "../events/contract.js";

/**
 * A drafting event as clients receive it. Graph steps (ingest, check, ...) are not sent, nor
 * retries of model requests: the section's `section.started` again is all a client needs, and
 * the CLI and the server's log tell each retry.
 */
export function streamEventOf(event: DraftEvent): StreamEventPayload | undefined {
  switch (event.type) {
    case "draft.started":
      return [
        "draft.started",
        {
          id: event.id,
          title: event.title,
          sections: event.sections.map(({ id, title, dependsOn }) => ({ id, title, dependsOn })),
          resumed: event.resumed,
          revision: event.revision ?? null,
        },
      ];
    case "section.started":
    case "section.grounded":
    case "section.delta":
    case "section.completed":
    case "section.failed":
      // The graph reports a section's events in the contract's own words: they go as they are.
      return [event.type, event.data] as StreamEventPayload;
    case "step":
    case "model.retry":
      return undefined;
  }
}

/**
 * The last event of a run that finished drafting: completed, or failed with the sections that
 * could not be drafted. Both say how each section ended, so a client needs nothing else.
 */
export function endEventOf(
  result: DraftResult,
  error: { code: string; message: string } | undefined,
): StreamEventPayload {
  const sections = result.sections.map(({ id, title, status, code, message }) => ({
    id,
    title,
    status,
    ...(code ? { code, message } : {}),
  }));
  const common = { usage: result.usage, model: result.model, sections, findings: result.findings };
  return error
    ? ["draft.failed", { ...error, ...common }]
    : [
        "draft.completed",
        {
          markdown: result.markdown,
          version: result.version ?? null,
          ...(result.dropped ? { dropped: true as const } : {}),
          ...common,
        },
      ];
}
