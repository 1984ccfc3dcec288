import type { DraftEvent } from "./run-draft.js";

/** The part of a logger (pino's, Fastify's) a run's log needs. */
export interface WarnLog {
  warn(fields: object, message: string): void;
}

/** Logs each retried model request of one run as a warning; the run's first event names the draft. */
export function logRetries(log: WarnLog): (event: DraftEvent) => void {
  let draft: string | undefined;
  return (event) => {
    if (event.type === "draft.started") draft = event.id;
    if (event.type !== "model.retry") return;
    const { unit, attempt, attempts, code, reason, waitMs } = event;
    log.warn(
      { draft, call: unit ?? "brief", attempt, attempts, code, reason, waitMs },
      "model call retried",
    );
  };
}
