import { setTimeout as sleep } from "node:timers/promises";
import type { Deps } from "../deps.js";
import { AppError, errorOfCode } from "../errors.js";
import { isTerminal, parseId, START, type StreamEvent } from "../events/stream-event.js";
import { hasEnded } from "../store/draft-store.js";
import { findDraft } from "./find-draft.js";
import { hasPendingJob } from "./queue/pending-job.js";
import type { DraftRun, RunWatch } from "./drafts.js";
import { createRunReader, type ReaderErrors } from "./run-reader.js";

/** How often the store is read again for a draft another process on the database runs. */
const POLL_MS = 500;
/** Reads after a draft ended in which its last event may still be on its way to the table. */
const END_READS = 3;

/**
 * Follows a draft in this process's store from its saved events: each of its runs so far, then,
 * while another process on the database runs it, each event as it is saved, until its run ends.
 * The text of a section as it streams is not saved, so it is not shown: each section is seen
 * starting and ending, which is what the terminal's progress shows of a run anyway.
 */
export async function watchDraft(
  deps: Deps,
  idOrPrefix: string,
  watch: RunWatch,
): Promise<DraftRun> {
  const { id } = await findDraft(deps, idOrPrefix);
  const reader = createRunReader(watch.onEvent, storeReaderErrors);
  const follow = async () => {
    let after = START;
    let last: StreamEvent | undefined;
    let readsSinceEnd = 0;
    for (;;) {
      // The status first: events saved before it changed are then in the read that follows.
      const { status } = await findDraft(deps, id);
      for (const event of await deps.events.saved(id, after)) {
        reader.onStreamEvent(event);
        after = parseId(event.id) ?? after;
        last = event;
      }
      // Interrupted with its job still queued: its worker died, and the queue hands it on.
      if (status === "interrupted" && !(await hasPendingJob(deps.db, id))) throw interrupted(id);
      // The embedded store is one process's at a time: while this one holds it, nothing else
      // can run a draft that has not ended, so waiting would be for good.
      if (deps.db.kind === "embedded" && !hasEnded(status)) throw waitingForServer(id, status);
      if (hasEnded(status)) {
        if (last && isTerminal(last)) return reader.resultOf(last);
        if ((readsSinceEnd += 1) >= END_READS) throw endedUnseen(id, status);
      }
      await sleep(POLL_MS);
    }
  };
  return { id, done: follow() };
}

/** The store's events are our own: a code that is not in our table is a fault of ours. */
const storeReaderErrors: ReaderErrors = {
  failed: (code, message) =>
    errorOfCode(code, message) ?? new AppError("INTERNAL", `${message} (an unknown code ${code})`),
  unreadable: (problem) => new AppError("INTERNAL", `the store holds ${problem}`),
};

function interrupted(id: string): AppError {
  return new AppError("DRAFT_NOT_RUNNING", `draft ${id} was interrupted: nothing runs it now`, {
    hint: `finish it with \`plandraft resume ${id}\``,
  });
}

function waitingForServer(id: string, status: string): AppError {
  return new AppError(
    "DRAFT_NOT_RUNNING",
    `draft ${id} is ${status}, and nothing runs it: the embedded store is one process's at a time`,
    { hint: "start `plandraft serve`, which takes up its drafts, and watch it with --server" },
  );
}

function endedUnseen(id: string, status: string): AppError {
  return new AppError(
    "DRAFT_NOT_RUNNING",
    `draft ${id} is ${status} and has no last event to show`,
    {
      hint: `see where it stands with \`plandraft show ${id} --json\``,
    },
  );
}
