import PgBoss from "pg-boss";
import type pg from "pg";
import type { RevisionRequest } from "../draft-service.js";
import type { ReviewAnswer } from "../../events/contract.js";
import { DRAFT_QUEUE, queueSchemaOf } from "./pending-job.js";

export interface DraftJob {
  draft: string;
  /** A revision to make once the draft's run has ended; none: start or resume the draft. */
  revise?: RevisionRequest | undefined;
  /** A person's answer to the draft's review gate, to go on with. */
  review?: ReviewAnswer | undefined;
}

export interface FetchedJob {
  id: string;
  data: DraftJob;
  /** How many times a worker took it before and did not end it (it died, or handed it back). */
  retryCount: number;
}

export interface DraftQueue {
  /** Queues a job in the caller's transaction: the draft and its job are saved together. */
  send(job: DraftJob, client: pg.ClientBase): Promise<boolean>;
  fetch(slots: number): Promise<FetchedJob[]>;
  /** The job is done: the draft's run ended (or had nothing to do). */
  complete(jobId: string): Promise<void>;
  /** Gives the job back at once, for another worker (a worker stopping). */
  handBack(jobIds: string[]): Promise<void>;
  /** Drops a job still waiting (a draft cancelled before it started). */
  cancelWaiting(draftId: string): Promise<void>;
  /** Keeps a taken job this worker's; without it, the job goes back after the lease. */
  heartbeat(jobId: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The draft queue on pg-boss 10 (see docs/spikes/job-queue): one job per draft at a time
 * ("stately" on the draft's id: one waiting, one taken), a lease of `leaseMs` kept alive by each
 * worker's heartbeat, and a job whose worker died is given to another at the lease's end, as
 * many times as it takes, at once (no retry delay).
 */
export async function openDraftQueue(options: {
  pool: pg.Pool;
  schema: string;
  leaseMs: number;
  onError: (error: Error) => void;
}): Promise<DraftQueue> {
  const schema = queueSchemaOf(options.schema);
  const boss = new PgBoss({
    // On the process's own pool: a process of the cluster holds no connections of the queue's.
    db: { executeSql: (text, values) => options.pool.query(text, values) },
    schema,
    // Maintenance is what hands a dead worker's job on: it runs every second (one process of
    // the cluster per turn); no cron schedules are used.
    maintenanceIntervalSeconds: 1,
    schedule: false,
  });
  boss.on("error", options.onError);
  const expireInSeconds = Math.max(2, Math.ceil(options.leaseMs / 1000));
  await installedOnce(options.pool, schema, async () => {
    await boss.start();
    await boss.createQueue(DRAFT_QUEUE, {
      name: DRAFT_QUEUE,
      policy: "stately",
      retryLimit: 1_000,
      retryDelay: 0,
      retryBackoff: false,
      expireInSeconds,
    });
  });
  // pg-boss 10 has no heartbeat of its own: a job expires `expireIn` after `started_on`, so a
  // heartbeat moves `started_on` (an internal column; pinned version, covered by the tests).
  const touch = `UPDATE "${schema}".job SET started_on = now()
                 WHERE name = $1 AND id = $2 AND state = 'active'`;
  return {
    async send(job, client) {
      const id = await boss.send(DRAFT_QUEUE, job, {
        singletonKey: job.draft,
        db: { executeSql: (text, values) => client.query(text, values) },
      });
      return id !== null;
    },
    async fetch(slots) {
      const jobs = await boss.fetch<DraftJob>(DRAFT_QUEUE, {
        batchSize: slots,
        includeMetadata: true,
      });
      return jobs.map((job) => ({ id: job.id, data: job.data, retryCount: job.retryCount }));
    },
    async complete(jobId) {
      await boss.complete(DRAFT_QUEUE, jobId);
    },
    async handBack(jobIds) {
      if (jobIds.length > 0) await boss.fail(DRAFT_QUEUE, jobIds);
    },
    async cancelWaiting(draftId) {
      await boss.getDb().executeSql(
        `UPDATE "${schema}".job SET state = 'cancelled', completed_on = now()
           WHERE name = $1 AND singleton_key = $2 AND state < 'active'`,
        [DRAFT_QUEUE, draftId],
      );
    },
    async heartbeat(jobId) {
      await boss.getDb().executeSql(touch, [DRAFT_QUEUE, jobId]);
    },
    // Graceful: with no `work()` handlers it shuts down at once (measured: `graceful: false`
    // left the process running).
    close: () => boss.stop({ graceful: true, wait: true }),
  };
}

/**
 * Runs pg-boss's start (which creates or migrates its schema) and the queue's creation one
 * process at a time: processes starting together on a fresh database otherwise race on CREATE
 * SCHEMA, which pg-boss 10 only forgives when Postgres words it "already exists" (measured: it
 * can say "duplicate key value" instead), and two `create_queue` calls at once can deadlock
 * (CI saw "deadlock detected" from two API nodes starting together).
 */
async function installedOnce(pool: pg.Pool, schema: string, start: () => Promise<unknown>) {
  const client = await pool.connect();
  const key = `plandraft:queue:${schema}`;
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [key]);
    await start();
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [key]).catch(() => undefined);
    client.release();
  }
}
