import type { Config } from "../config.js";
import type { Database } from "../store/database.js";
import { sweepFinished } from "../store/retention.js";

/** How often a server sweeps what finished drafts no longer need (`plandraft gc` at once). */
export const SWEEP_EVERY_MS = 60 * 60 * 1000;

interface Log {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Sweeps the store every hour while the server runs. A draft's end already prunes its own
 * checkpoints; this catches the drafts ended otherwise (a lease that ran out) and drops old
 * events when PLANDRAFT_KEEP_EVENTS_DAYS asks. Any node may sweep: each draft is pruned under its
 * row lock. A failed sweep is logged and tried again at the next hour. Returns the stop.
 */
export function sweepEveryHour(db: Database, config: Config, log: Log): () => Promise<void> {
  let sweeping: Promise<void> | undefined;
  const sweep = () =>
    (sweeping ??= sweepFinished(db, config.retention)
      .then((swept) => log.info({ swept }, "swept finished drafts"))
      .catch((error: unknown) => log.error({ err: error }, "sweep of finished drafts failed"))
      .finally(() => (sweeping = undefined)));
  const timer = setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
  return async () => {
    clearInterval(timer);
    await sweeping; // the store closes after it, not under it
  };
}
