import type { Deps } from "../../deps.js";
import type { ReviewAnswer } from "../../events/contract.js";
import type { DraftService, NewDraftRequest, RevisionRequest } from "../draft-service.js";
import { AppError, isAppError } from "../../errors.js";
import { cancelDraft } from "../cancel-draft.js";
import type { Control } from "./control.js";
import type { DraftJob, DraftQueue } from "./draft-queue.js";
import { inTransaction } from "../../store/transaction.js";

/** A guess for Retry-After when the queue is full: about how long a draft takes. */
const QUEUE_RETRY_AFTER_S = 30;

/**
 * The API's side of the queue: a new draft, a revision or a cancel is saved with its job in
 * one transaction (a restart cannot lose an accepted draft), and any worker of the cluster runs
 * it. The queue's length is held across the cluster: counted under a lock in that transaction.
 */
export function createQueuedRunner(
  deps: Deps,
  service: DraftService,
  queue: DraftQueue,
  control: Control,
) {
  const { maxQueued } = deps.config.server;

  /** Saves the draft's change and its job in one transaction, under the queue's lock. */
  const enqueue = async (job: DraftJob, save: (client: Queryable) => Promise<void>) => {
    await inTransaction(deps.db.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `plandraft:queue:${deps.db.schema}`,
      ]);
      const waiting = await deps.drafts.countQueued(client);
      if (waiting >= maxQueued) throw queueFull(waiting);
      await save(client);
      if (!(await queue.send(job, client))) throw busy(job.draft);
    });
    await control.wake().catch(() => undefined); // idle workers fetch now, not at their poll
  };

  return {
    /** Drafts run by workers: events reach this process on the bus, not from a run here. */
    isActive: (_draftId: string) => false,
    isQueued: async (draftId: string) => (await deps.drafts.get(draftId))?.status === "queued",

    async start(request: NewDraftRequest): Promise<{ id: string; status: "queued" }> {
      const draft = service.prepare(request);
      await enqueue({ draft: draft.id }, (client) =>
        deps.drafts.create(draft, deps.owner, deps.config.leaseMs, "queued", client),
      );
      return { id: draft.id, status: "queued" };
    },

    /** A revision, checked at once (unknown section, draft not finished), run by a worker. */
    async revise(id: string, change: RevisionRequest): Promise<{ id: string; status: "queued" }> {
      const revision = await service.prepareRevision(id, change);
      await enqueue({ draft: revision.id, revise: change }, async (client) => {
        if (!(await deps.drafts.queueAgain(revision.id, client))) throw busy(revision.id);
      });
      return { id: revision.id, status: "queued" };
    },

    /** An answer to a draft's review gate, checked at once, run by a worker with its job. */
    async review(id: string, answer: ReviewAnswer): Promise<{ id: string; status: "queued" }> {
      const review = await service.prepareReview(id, answer);
      await enqueue({ draft: review.id, review: answer }, (client) => review.take(null, client));
      return { id: review.id, status: "queued" };
    },

    /**
     * Drafts queued before the queue existed (an older server's) go through it now; one whose
     * job is already queued needs nothing.
     */
    async resume(id: string): Promise<void> {
      await enqueue({ draft: id }, () => Promise.resolve()).catch((error: unknown) => {
        if (!(isAppError(error) && error.code === "DRAFT_BUSY")) throw error;
      });
    },

    /**
     * Stops a draft wherever it is: one still waiting ends at once; one running is stopped by
     * its worker (told at once, or at its next heartbeat), and this answers once it has.
     */
    async cancel(id: string): Promise<boolean> {
      const cancelled = await cancelDraft(deps, id, (draft) => control.cancel(draft));
      // A job still waiting is dropped; a worker that takes one meanwhile finds it cancelled.
      if (cancelled) await queue.cancelWaiting(id);
      return cancelled;
    },

    /** Nothing to stop: the drafts are the workers'. */
    stop: () => Promise.resolve(),
  };
}

type Queryable = Parameters<Deps["drafts"]["countQueued"]>[0];

function queueFull(waiting: number): AppError {
  return new AppError(
    "QUEUE_FULL",
    `${waiting} drafts are waiting for a worker, the most this cluster holds`,
    {
      hint: "try again later, or raise PLANDRAFT_MAX_QUEUED",
      retryAfterS: QUEUE_RETRY_AFTER_S,
    },
  );
}

function busy(id: string): AppError {
  return new AppError("DRAFT_BUSY", `draft ${id} is already being drafted`, {
    hint: "wait for it to finish, then revise it",
  });
}
