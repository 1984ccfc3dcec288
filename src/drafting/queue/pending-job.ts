import { isNeverMade, type Database } from "../../store/database.js";

/** The one queue of drafts: a job is "bring this draft up to date" (start, resume or revise). */
export const DRAFT_QUEUE = "draft";

/** Where the cluster's queue keeps its jobs: pg-boss's schema, beside the drafts' own. */
export const queueSchemaOf = (schema: string): string => `${schema}_queue`;

/**
 * True when the cluster's queue holds a job for the draft that a worker will run: waiting, due
 * again because its worker died, or taken. Read with SQL alone, so a command that only asks
 * (`watch`) does not load the queue library. False on a database no cluster has used.
 */
export async function hasPendingJob(db: Database, draftId: string): Promise<boolean> {
  if (db.kind !== "postgres") return false;
  try {
    const { rowCount } = await db.pool.query(
      `SELECT 1 FROM "${queueSchemaOf(db.schema)}".job
       WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry', 'active') LIMIT 1`,
      [DRAFT_QUEUE, draftId],
    );
    return (rowCount ?? 0) > 0;
  } catch (error) {
    if (isNeverMade(error)) return false;
    throw error;
  }
}
