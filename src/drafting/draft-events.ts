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
      return ["section.started", { section: event.unit }];
    case "section.grounded":
      // Field by field: what reaches a client is counts and names, never what else comes along.
      return [
        "section.grounded",
        {
          section: event.unit,
          repository: event.repository ?? null,
          unmapped: event.unmapped,
          repositories: event.repositories.map(({ name, commit, files, tokens }) => ({
            name,
            commit,
            files,
            tokens,
          })),
          context: { docs: event.context.docs, tokens: event.context.tokens },
          budget: event.budget,
        },
      ];
    case "section.delta":
      return ["section.delta", { section: event.unit, text: event.text }];
    case "section.completed":
      return [
        "section.completed",
        { section: event.unit, status: event.status, markdown: event.markdown },
      ];
    case "section.failed":
      return ["section.failed", { section: event.unit, code: event.code, message: event.message }];
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
        { markdown: result.markdown, version: result.version ?? null, ...common },
      ];
}
