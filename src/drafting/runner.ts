import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { DraftService, NewDraftRequest, RevisionRequest, Watch } from "./draft-service.js";
import type { DraftResult } from "./run-draft.js";
import { logRetries } from "./log-retries.js";
import { AppError, isAppError } from "../errors.js";
import type { ReviewAnswer } from "../events/contract.js";

/** What this process is doing with a draft: its events are still to come when it is active. */
export interface DraftActivity {
  /** Running here now, or waiting here for its turn. */
  isActive(draftId: string): boolean;
  /** Waiting for its turn (a new draft, or a revision of a finished one). */
  isQueued(draftId: string): boolean | Promise<boolean>;
}

export interface RunnerLimits {
  /** Drafts (and revisions) that run at once. */
  maxRunning: number;
  /** Drafts that may wait for a free slot; past that, new ones are refused with 429. */
  maxQueued: number;
}

/** A run waiting for its turn: started with the watch that lets the runner stop it. */
interface Waiting {
  id: string;
  run: (watch: Watch) => Promise<DraftResult>;
}

/** A guess for Retry-After when the queue is full: about how long a draft takes. */
const QUEUE_RETRY_AFTER_S = 30;

/**
 * Runs drafts in the server process, at most `maxRunning` at once; the rest wait in order of
 * arrival. A draft keeps running when the client that asked for it goes away. `stop` (on
 * shutdown) interrupts running drafts without ending them, so a restart resumes them.
 */
export function createDraftRunner(
  service: DraftService,
  limits: RunnerLimits,
  log: FastifyBaseLogger,
): DraftRunner & { readonly running: number; readonly queued: number } {
  const running = new Map<string, { controller: AbortController; settled: Promise<void> }>();
  const queue: Waiting[] = [];
  /** Drafts given a slot that are still being recorded: a burst must not all see room. */
  let starting = 0;
  let stopping = false;

  const launch = ({ id, run }: Waiting, controller = new AbortController()) => {
    const settled = run(watchOf(controller))
      .then(
        (result) =>
          log.info({ draft: id, status: result.status, usage: result.usage }, "draft ended"),
        (error: unknown) =>
          isAppError(error) && error.code === "SERVER_STOPPING"
            ? log.info({ draft: id }, "draft interrupted by the shutdown; resumed on restart")
            : log.warn({ draft: id, err: error }, "draft stopped"),
      )
      .finally(() => {
        running.delete(id);
        next();
      });
    running.set(id, { controller, settled });
  };

  /** What the runner watches in a run: its cancel, and each retried model request, logged. */
  const watchOf = (controller: AbortController): Watch => ({
    signal: controller.signal,
    onEvent: logRetries(log),
  });

  const next = () => {
    while (!stopping && running.size + starting < limits.maxRunning && queue.length > 0) {
      launch(queue.shift() as Waiting);
    }
  };

  const refuseIfFull = () => {
    if (stopping)
      throw new AppError("SERVER_STOPPING", "the server is shutting down", { retryAfterS: 5 });
    if (queue.length >= limits.maxQueued) {
      throw new AppError(
        "QUEUE_FULL",
        `${running.size} drafts are running and ${queue.length} are waiting, the most this server holds`,
        {
          hint: "try again later, or raise PLANDRAFT_MAX_QUEUED",
          retryAfterS: QUEUE_RETRY_AFTER_S,
        },
      );
    }
  };

  const hasRoom = () => running.size + starting < limits.maxRunning && queue.length === 0;

  return {
    get running(): number {
      return running.size;
    },
    get queued(): number {
      return queue.length;
    },

    isActive(id: string): boolean {
      return running.has(id) || queue.some((w) => w.id === id);
    },

    isQueued(id: string): boolean {
      return queue.some((w) => w.id === id);
    },

    /** Starts a new draft now, or queues it; answers once it is recorded. */
    async start(request: NewDraftRequest): Promise<{ id: string; status: "running" | "queued" }> {
      refuseIfFull();
      if (hasRoom()) {
        starting += 1;
        try {
          const controller = new AbortController();
          const { id, done } = await service.begin(request, watchOf(controller));
          launch({ id, run: () => done }, controller);
          return { id, status: "running" };
        } finally {
          starting -= 1;
        }
      }
      // The place in the queue is taken on arrival, before the draft is recorded, so drafts
      // start in the order they came even when their records are written out of order.
      const id = randomUUID();
      const recorded = service.enqueue(request, id);
      const waiting: Waiting = {
        id,
        run: async (watch) => {
          await recorded;
          return service.resume(id, watch);
        },
      };
      queue.push(waiting);
      try {
        await recorded;
      } catch (error) {
        queue.splice(queue.indexOf(waiting), 1);
        throw error;
      }
      next();
      return { id, status: "queued" };
    },

    /** A revision, checked at once (unknown section, draft not finished), run in turn. */
    async revise(
      id: string,
      change: Parameters<DraftService["prepareRevision"]>[1],
    ): Promise<{ id: string; status: "running" | "queued" }> {
      const revision = await service.prepareRevision(id, change);
      refuseIfFull();
      if (running.has(revision.id) || queue.some((w) => w.id === revision.id)) {
        throw new AppError("DRAFT_BUSY", `draft ${revision.id} is already being drafted`, {
          hint: "wait for it to finish, then revise it",
        });
      }
      queue.push({ id: revision.id, run: revision.run });
      next();
      return { id: revision.id, status: running.has(revision.id) ? "running" : "queued" };
    },

    /**
     * An answer to a draft's review gate, checked at once (not waiting, an answer that does not
     * fit), taken from the gate (of two answers at once, the second is refused), run in turn.
     */
    async review(
      id: string,
      answer: ReviewAnswer,
    ): Promise<{ id: string; status: "running" | "queued" }> {
      const review = await service.prepareReview(id, answer);
      refuseIfFull();
      await review.take();
      queue.push({ id: review.id, run: (watch) => review.run(watch) });
      next();
      return { id: review.id, status: running.has(review.id) ? "running" : "queued" };
    },

    /** Picks up a draft this server was running (or had queued) when it stopped. */
    resume(id: string): void {
      queue.push({ id, run: (watch) => service.resume(id, watch) });
      next();
    },

    /** Stops a running or queued draft of this server; it ends as cancelled. */
    async cancel(id: string): Promise<boolean> {
      const waiting = queue.findIndex((w) => w.id === id);
      if (waiting >= 0) {
        queue.splice(waiting, 1);
        await service.cancelQueued(id);
        return true;
      }
      const active = running.get(id);
      if (!active) return false;
      active.controller.abort(new AppError("DRAFT_CANCELLED", "the draft was cancelled"));
      await active.settled;
      return true;
    },

    /** Interrupts every running draft (they stay resumable) and keeps queued ones queued. */
    async stop(): Promise<void> {
      stopping = true;
      const reason = new AppError(
        "SERVER_STOPPING",
        "the server stopped; it resumes the draft on restart",
      );
      for (const active of running.values()) active.controller.abort(reason);
      await Promise.all([...running.values()].map((active) => active.settled));
    },
  };
}

/**
 * How the API has its drafts run: in this process (the embedded store, `createDraftRunner`), or
 * by the cluster's workers through the queue (Postgres, `createQueuedRunner`).
 */
export interface DraftRunner extends DraftActivity {
  start(request: NewDraftRequest): Promise<{ id: string; status: "running" | "queued" }>;
  revise(
    id: string,
    change: RevisionRequest,
  ): Promise<{ id: string; status: "running" | "queued" }>;
  /** Goes on with a draft waiting at its review gate, with a person's answer. */
  review(id: string, answer: ReviewAnswer): Promise<{ id: string; status: "running" | "queued" }>;
  /** Picks up a draft a server was running (or had queued) when it stopped. */
  resume(id: string): void | Promise<void>;
  /** Stops a running or queued draft; false when it is neither. */
  cancel(id: string): Promise<boolean>;
  /** On shutdown: interrupts the drafts it runs, which stay resumable. */
  stop(): Promise<void>;
}
