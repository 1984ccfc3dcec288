import type { Retention } from "../config.js";
import type { Database } from "./database.js";
import type { Queryable } from "./draft-store.js";
import { inTransaction } from "./transaction.js";

/** What one sweep removed, for `plandraft gc` to report. */
export interface Swept {
  drafts: number;
  checkpoints: number;
  writes: number;
  blobs: number;
  events: number;
}

const FINISHED = "('completed', 'failed', 'cancelled')";

/**
 * Prunes a finished draft's checkpoints (`pruneThread`) under its row lock and only while it is
 * finished, so a revision or a resume that claims it meanwhile waits for this to end and then
 * finds the last checkpoint. Nothing when the draft is not finished.
 */
export async function pruneCheckpoints(db: Database, draftId: string): Promise<Swept | undefined> {
  return inTransaction(db.pool, async (client) => {
    const { rowCount } = await client.query(
      `SELECT 1 FROM drafts WHERE id = $1 AND status IN ${FINISHED} FOR UPDATE`,
      [draftId],
    );
    return rowCount === 1 ? pruneThread(client, db.schema, draftId) : undefined;
  });
}

/**
 * Drops what a finished draft no longer needs: every checkpoint but the last of each namespace,
 * the pending writes of the others, and the channel values only they refer to. The last
 * checkpoint is the whole state a revision starts from, and with its writes what a resume
 * continues (a failed section's siblings are writes of it); nothing reads the earlier ones
 * (plandraft does not travel back in a draft's history). The caller holds the draft finished.
 */
export async function pruneThread(
  client: Queryable,
  schema: string,
  thread: string,
): Promise<Swept> {
  const table = (name: string) => `"${schema}".${name}`;
  // The last checkpoint of each namespace: checkpoint ids sort in the order they were taken.
  const last = `SELECT DISTINCT ON (checkpoint_ns) checkpoint_ns, checkpoint_id, checkpoint
    FROM ${table("checkpoints")} WHERE thread_id = $1 ORDER BY checkpoint_ns, checkpoint_id DESC`;
  const writes = await client.query(
    `WITH last AS (${last}) DELETE FROM ${table("checkpoint_writes")} w WHERE w.thread_id = $1
     AND NOT EXISTS (SELECT 1 FROM last l WHERE l.checkpoint_ns = w.checkpoint_ns AND l.checkpoint_id = w.checkpoint_id)`,
    [thread],
  );
  // A channel's value is kept while the last checkpoint names its version.
  const blobs = await client.query(
    `WITH last AS (${last}) DELETE FROM ${table("checkpoint_blobs")} b WHERE b.thread_id = $1
     AND NOT EXISTS (SELECT 1 FROM last l WHERE l.checkpoint_ns = b.checkpoint_ns
       AND l.checkpoint -> 'channel_versions' ->> b.channel = b.version)`,
    [thread],
  );
  const checkpoints = await client.query(
    `WITH last AS (${last}) DELETE FROM ${table("checkpoints")} c WHERE c.thread_id = $1
     AND NOT EXISTS (SELECT 1 FROM last l WHERE l.checkpoint_ns = c.checkpoint_ns AND l.checkpoint_id = c.checkpoint_id)`,
    [thread],
  );
  return {
    drafts: 1,
    checkpoints: checkpoints.rowCount ?? 0,
    writes: writes.rowCount ?? 0,
    blobs: blobs.rowCount ?? 0,
    events: 0,
  };
}

/**
 * One sweep over every finished draft, as `retention` says: their checkpoints pruned (with
 * "final"), and their events older than `eventsDays` dropped but the last run's start and
 * the draft's last event: a client following it still sees it start, with its outline, and end
 * at once. A running, queued or waiting draft is never touched; each draft is pruned in its own
 * short transaction.
 */
export async function sweepFinished(db: Database, retention: Retention): Promise<Swept> {
  const total: Swept = { drafts: 0, checkpoints: 0, writes: 0, blobs: 0, events: 0 };
  if (retention.checkpoints === "final") {
    for (const id of await draftsWithEarlierCheckpoints(db)) {
      const swept = await pruneCheckpoints(db, id);
      if (swept) addTo(total, swept);
    }
  }
  if (retention.eventsDays !== undefined)
    total.events = await dropOldEvents(db, retention.eventsDays);
  await reclaimSpace(db);
  return total;
}

/** The tables that retention deletes from. */
const PRUNED_TABLES = ["checkpoints", "checkpoint_writes", "checkpoint_blobs", "draft_events"];

/** The size of one WAL file of the embedded store (Postgres's default). */
const WAL_SEGMENT_BYTES = 16 * 2 ** 20;

/**
 * What a Postgres server's own workers do, done for the embedded store, whose single backend
 * (PGlite) runs none of them:
 * - autovacuum, so that the room retention frees is used by the next rows: without it the
 *   tables grew 141 KiB a finished draft, against 55 KiB (`npm run bench -- storage`); 2-51 ms
 *   on a store of 81 drafts (the first in a process the dearest), the pages vacuumed before
 *   being skipped;
 * - the checkpointer, so that old WAL is recycled: while the store is open (a `serve` that runs
 *   for weeks) nothing checkpoints, and the WAL grew without bound (224 MiB over 200 MB of rows
 *   written, measured). A checkpoint once a segment's worth was written keeps it at 32 MB
 *   (`max_wal_size`, `./embedded.ts`).
 */
export async function reclaimSpace(db: Database): Promise<void> {
  if (db.kind !== "embedded") return;
  await db.pool.query(`VACUUM ${PRUNED_TABLES.map((name) => `"${db.schema}".${name}`).join(", ")}`);
  const { rows } = await db.pool.query<{ written: string }>(
    "SELECT pg_current_wal_lsn() - redo_lsn AS written FROM pg_control_checkpoint()",
  );
  if (Number(rows[0]?.written) > WAL_SEGMENT_BYTES) await db.pool.query("CHECKPOINT");
}

/** Finished drafts with more than one checkpoint in a namespace (only those have writes to drop). */
async function draftsWithEarlierCheckpoints(db: Database): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(
    `SELECT d.id FROM drafts d WHERE d.status IN ${FINISHED} AND EXISTS (
       SELECT 1 FROM "${db.schema}".checkpoints c WHERE c.thread_id = d.id::text
       GROUP BY c.checkpoint_ns HAVING count(*) > 1)
     ORDER BY d.updated_at`,
  );
  return rows.map((row) => row.id);
}

async function dropOldEvents(db: Database, days: number): Promise<number> {
  const { rowCount } = await db.pool.query(
    `DELETE FROM draft_events e USING drafts d
     WHERE e.draft_id = d.id AND d.status IN ${FINISHED}
       AND e.created_at < now() - $1 * interval '1 day'
       AND e.seq < (SELECT max(seq) FROM draft_events l WHERE l.draft_id = e.draft_id)
       AND e.seq <> (SELECT coalesce(max(seq), 0) FROM draft_events s
                     WHERE s.draft_id = e.draft_id AND s.type = 'draft.started')`,
    [days],
  );
  return rowCount ?? 0;
}

function addTo(total: Swept, swept: Swept): void {
  for (const key of Object.keys(total) as (keyof Swept)[]) total[key] += swept[key];
}
