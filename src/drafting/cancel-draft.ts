import type { Deps } from "../deps.js";
import { AppError } from "../errors.js";

/** How long a cancel waits for the process running the draft to stop it. */
const STOP_WAIT_MS = 15_000;
const STOP_POLL_MS = 100;

const BEFORE_START = {
  code: "DRAFT_CANCELLED",
  message: "the draft was cancelled before it started",
};

/**
 * Cancels a draft wherever it is: one still waiting ends at once (its stream told so); one
 * running is asked to stop (`tell` reaches its process at once where it can; its heartbeat
 * reads the request otherwise), and this resolves once it has. False when it neither waits nor
 * runs.
 */
export async function cancelDraft(
  deps: Deps,
  id: string,
  tell: (id: string) => Promise<void> = () => Promise.resolve(),
): Promise<boolean> {
  if (await endWaitingDraft(deps, id, "cancelled", BEFORE_START)) return true;
  if (!(await deps.drafts.requestCancel(id))) return false;
  await tell(id).catch(() => undefined); // the heartbeat reads the request anyway
  return stopped(deps, id);
}

/**
 * Ends a draft still waiting for its turn (cancelled, or failed when its worker could not start
 * it), told on its stream as its last event; false when it is not waiting.
 */
export async function endWaitingDraft(
  deps: Deps,
  id: string,
  status: "cancelled" | "failed",
  why: { code: string; message: string },
): Promise<boolean> {
  if (!(await deps.drafts.endIfQueued(id, status, why))) return false;
  await tellEnded(deps, id, why);
  return true;
}

/**
 * Ends a draft no live process holds (waiting, or its runner's lease ran out) as failed, told on
 * its stream; false when it has ended already or a live process holds it.
 */
export async function endUnheldDraft(
  deps: Deps,
  id: string,
  why: { code: string; message: string },
): Promise<boolean> {
  if (!(await deps.drafts.endUnheld(id, why))) return false;
  await tellEnded(deps, id, why);
  return true;
}

/** The last event of a draft ended from outside its run. */
async function tellEnded(deps: Deps, id: string, why: { code: string; message: string }) {
  const events = await deps.events.open(id);
  events.emit("draft.failed", why);
  await events.close();
}

/** Why a run stops on what its heartbeat found: a cancel asked for, or the draft taken over. */
export function leaseStop(state: "cancel" | "lost"): AppError {
  return state === "cancel"
    ? new AppError("DRAFT_CANCELLED", "the draft was cancelled")
    : new AppError("DRAFT_TAKEN_OVER", "another process took the draft over; it goes on there");
}

async function stopped(deps: Deps, id: string): Promise<boolean> {
  const until = Date.now() + STOP_WAIT_MS;
  for (;;) {
    const draft = await deps.drafts.get(id);
    if (draft?.status !== "running") return draft?.status === "cancelled";
    if (Date.now() > until) {
      throw new AppError("DRAFT_BUSY", `draft ${id} did not stop within 15 s`, {
        hint: "its process stops it at its next heartbeat; ask again to see",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, STOP_POLL_MS));
  }
}
