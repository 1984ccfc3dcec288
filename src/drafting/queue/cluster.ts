import type { FastifyBaseLogger } from "fastify";
import { asOwner, type Deps } from "../../deps.js";
import { createDraftService } from "../draft-service.js";
import { AppError } from "../../errors.js";
import { workerOwner } from "../../store/draft-owner.js";
import { createControl } from "./control.js";
import { openListener } from "./listen.js";
import { openDraftQueue } from "./draft-queue.js";
import { startDraftWorker, type DraftWorker } from "./draft-worker.js";
import { openEventBus } from "./event-bus.js";
import { createQueuedRunner } from "./queued-runner.js";

/** What a process of the cluster does: take requests (`api`), run drafts (`worker`), or both. */
export type Role = "all" | "api" | "worker";

/** How often an idle worker looks for a job it was not woken for. */
const POLL_MS = 500;

/**
 * A process's place in a cluster on one Postgres: its drafts go through the queue, its events
 * through the bus, and (unless it only takes requests) it runs drafts as a worker.
 */
export async function joinCluster(deps: Deps, role: Role, log: FastifyBaseLogger) {
  const url = deps.config.databaseUrl;
  if (!url || deps.db.kind !== "postgres") {
    throw new AppError("USAGE", "API nodes and workers apart need Postgres (DATABASE_URL)", {
      hint: "set DATABASE_URL, or run `plandraft serve` alone on the embedded store",
    });
  }
  const service = createDraftService(deps);
  const queue = await openDraftQueue({
    pool: deps.db.pool,
    schema: deps.db.schema,
    leaseMs: deps.config.leaseMs,
    onError: (error) => log.warn({ err: error }, "draft queue"),
  });
  const listener = await openListener(url);
  const bus = await openEventBus(listener, deps.db.schema, { hear: role !== "worker" });
  deps.events.connect(bus);
  const control = createControl(deps.db.pool, deps.db.schema);
  const runner = createQueuedRunner(deps, service, queue, control);
  // Its drafts' leases name this process alone, whatever the server's id.
  const workerDeps = role === "worker" ? deps : asOwner(deps, workerOwner());
  const worker: DraftWorker | undefined =
    role === "api"
      ? undefined
      : await startDraftWorker(workerDeps, createDraftService(workerDeps), queue, listener, {
          slots: deps.config.server.maxRunning,
          pollMs: POLL_MS,
          log,
        });
  return {
    runner,
    worker,
    /** Hands this worker's drafts back at once, then lets go of the queue and the bus. */
    async leave(): Promise<void> {
      await worker?.stop();
      await Promise.allSettled([queue.close(), bus.close(), listener.close()]);
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof joinCluster>>;
