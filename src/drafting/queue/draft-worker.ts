import { hasEnded } from "../../store/draft-store.js";
import type { FastifyBaseLogger } from "fastify";
import type { Deps } from "../../deps.js";
import type { DraftService, Watch } from "../draft-service.js";
import { AppError, isAppError } from "../../errors.js";
import { logRetries } from "../log-retries.js";
import { endUnheldDraft, endWaitingDraft, leaseStop } from "../cancel-draft.js";
import { hearControl } from "./control.js";
import type { Listener } from "./listen.js";
import type { DraftQueue, FetchedJob } from "./draft-queue.js";

export interface DraftWorker {
  /** Drafts this worker runs now. */
  readonly running: number;
  /** Stops fetching, interrupts its drafts and hands their jobs back at once, for another worker. */
  stop(): Promise<void>;
}

interface Taken {
  jobId: string;
  controller: AbortController;
  settled: Promise<void>;
}

/** Codes a job ends on without being completed: the draft goes on elsewhere. */
const NOT_ENDED = new Set(["SERVER_STOPPING", "DRAFT_TAKEN_OVER", "DATABASE_LOST"]);
/**
 * Takes of one job that did not end it, after which its draft ends failed rather than being
 * taken again: a draft whose run brings its worker down (out of memory, say) would otherwise
 * go round the cluster's workers and bring each down in turn. A worker stopping gracefully hands
 * its jobs back, which counts too: ten is room for rolling restarts during one draft.
 */
export const MAX_TAKES = 10;
/** Codes that say a job had nothing left to do: its draft ended already. */
const NOTHING_TO_DO = new Set(["DRAFT_NOT_RESUMABLE", "DRAFT_NOT_FOUND"]);

/**
 * Runs drafts from the queue, at most `slots` at once: our own fetch loop rather than pg-boss's
 * `work()`, which fails a job at its lease without stopping the handler (measured: the same
 * draft run three times at once). Each taken job has a heartbeat that keeps its lease, and each
 * run renews the draft's own lease, which is the fence: a worker that finds another process
 * holding its draft stops at once (DRAFT_TAKEN_OVER).
 */
export async function startDraftWorker(
  deps: Deps,
  service: DraftService,
  queue: DraftQueue,
  listener: Listener,
  options: { slots: number; pollMs: number; log: FastifyBaseLogger },
): Promise<DraftWorker> {
  const { log } = options;
  const taken = new Map<string, Taken>();
  let stopping = false;
  let wakeUp: () => void = () => undefined;
  const wake = () => wakeUp();

  const stopDraft = (draftId: string, reason: AppError) => {
    taken.get(draftId)?.controller.abort(reason);
  };
  await hearControl(listener, deps.db.schema, {
    wake,
    cancel: (draftId) => stopDraft(draftId, leaseStop("cancel")),
  });

  const runJob = (job: FetchedJob) => {
    const draftId = job.data.draft;
    if (job.retryCount >= MAX_TAKES) return giveUp(job);
    const controller = new AbortController();
    const beat = setInterval(
      () => void queue.heartbeat(job.id).catch(() => undefined),
      heartbeatMs(deps),
    );
    beat.unref();
    const watch: Watch = {
      signal: controller.signal,
      onEvent: logRetries(log),
      takeOver: true,
      onLease: (state) => stopDraft(draftId, leaseStop(state)),
    };
    const settled = work(deps, service, job, watch)
      .then(
        async () => {
          await queue.complete(job.id);
          log.info({ draft: draftId, job: job.id }, "draft job done");
        },
        async (error: unknown) => {
          if (isAppError(error) && NOTHING_TO_DO.has(error.code)) return queue.complete(job.id);
          if (isAppError(error) && NOT_ENDED.has(error.code)) {
            log.info({ draft: draftId, code: error.code }, "draft left for another worker");
            return;
          }
          if (!(await endedOrEnd(deps, draftId, error))) {
            log.warn(
              { draft: draftId, err: error },
              "draft not started; tried again after its lease",
            );
            return;
          }
          log.warn({ draft: draftId, err: error }, "draft stopped");
          await queue.complete(job.id);
        },
      )
      .catch((error: unknown) => log.error({ draft: draftId, err: error }, "draft job not ended"))
      .finally(() => {
        clearInterval(beat);
        taken.delete(draftId);
        wake();
      });
    taken.set(draftId, { jobId: job.id, controller, settled });
  };

  /** Ends the draft of a job taken too often (once no live process holds it), and the job. */
  const giveUp = (job: FetchedJob) => {
    const draftId = job.data.draft;
    const why = {
      code: "DRAFT_KEEPS_FAILING",
      message: `the draft's run was taken ${job.retryCount} times without finishing (its workers died or stopped); resume it to try again`,
    };
    const settled = endUnheldDraft(deps, draftId, why)
      .then(async (ended) => {
        // Not ended, so held by a live process after all: the job comes back at its lease's end.
        const status = (await deps.drafts.get(draftId))?.status;
        // A missing draft has nothing left to run.
        if (!ended && status !== undefined && !hasEnded(status)) return;
        log.error({ draft: draftId, job: job.id, takes: job.retryCount }, "draft given up");
        await queue.complete(job.id);
      })
      .catch((error: unknown) => log.error({ draft: draftId, err: error }, "draft job not ended"))
      .finally(() => {
        taken.delete(draftId);
        wake();
      });
    taken.set(draftId, { jobId: job.id, controller: new AbortController(), settled });
  };

  const loop = async () => {
    while (!stopping) {
      const free = options.slots - taken.size;
      const jobs = free > 0 ? await queue.fetch(free).catch(logFetchError(log)) : [];
      for (const job of jobs) runJob(job);
      if (jobs.length > 0 && jobs.length === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const looping = loop();

  return {
    get running() {
      return taken.size;
    },
    async stop() {
      stopping = true;
      wake();
      await looping;
      const held = [...taken.values()];
      const reason = new AppError(
        "SERVER_STOPPING",
        "the worker stopped; another worker goes on with the draft",
      );
      for (const job of held) job.controller.abort(reason);
      await Promise.all(held.map((job) => job.settled));
      await queue.handBack(held.map((job) => job.jobId)).catch(() => undefined);
    },
  };
}

/**
 * What a job asks: a revision once the draft's run has ended, else to bring the draft up to
 * date (start it, or resume it from its last checkpoint). A revision whose own run a worker left
 * unfinished is resumed, not asked for again.
 */
async function work(
  deps: Deps,
  service: DraftService,
  job: FetchedJob,
  watch: Watch,
): Promise<unknown> {
  const { draft, revise, review } = job.data;
  // Cancelled while it waited (by any API node, or a CLI on the same database): nothing to do.
  if ((await deps.drafts.get(draft))?.status === "cancelled") return undefined;
  if (review) return service.continueReview(draft, review, watch);
  if (!revise) return service.resume(draft, watch);
  try {
    return await service.revise(draft, revise, watch);
  } catch (error) {
    if (isAppError(error) && error.code === "DRAFT_NOT_FINISHED") {
      return service.resume(draft, watch);
    }
    throw error;
  }
}

/**
 * After a job's error, whether its draft has ended (its run ended it, failed or cancelled), or
 * now does: a draft refused before its run began (an AppError: its template, a limit) ends
 * failed with that error, so it is not left waiting. Any other error before it began (the
 * database, say) leaves it waiting: false, and its job is tried again once its lease is out.
 */
async function endedOrEnd(deps: Deps, draftId: string, error: unknown): Promise<boolean> {
  const draft = await deps.drafts.get(draftId).catch(() => undefined);
  if (!draft) return false;
  if (draft.status !== "queued") return true;
  if (!isAppError(error)) return false;
  await endWaitingDraft(deps, draftId, "failed", { code: error.code, message: error.message });
  return true;
}

/** A job's heartbeat: three to a lease, as the draft's own lease is renewed. */
function heartbeatMs(deps: Deps): number {
  return Math.max(200, Math.floor(deps.config.leaseMs / 3));
}

function logFetchError(log: FastifyBaseLogger) {
  return (error: unknown): FetchedJob[] => {
    log.warn({ err: error }, "could not fetch drafts from the queue; trying again");
    return [];
  };
}
