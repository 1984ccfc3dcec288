import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import type pg from "pg";
import type { Database } from "./database.js";

/** What a checkpoint write refused by the fence fails with (migrations/…_fence-checkpoints.sql). */
const TAKEN_OVER_SQLSTATE = "PD409";

/**
 * The checkpointer of the drafts `owner` runs. Each transaction it begins names the owner, and
 * the database refuses a checkpoint write for a draft that another process holds: a run that
 * stalled past its lease (a paused VM, a long GC, a partition) and was taken over stops at its
 * next write, instead of writing beside the new run until its heartbeat notices, a third of a
 * lease later.
 */
export function createCheckpointer(db: Database, owner: string): PostgresSaver {
  return new PostgresSaver(ownerNamedTransactions(db.pool, owner), undefined, {
    schema: db.schema,
  });
}

/** True for a checkpoint write the database refused because another process holds the draft. */
export function isTakenOver(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === TAKEN_OVER_SQLSTATE;
}

/**
 * The pool as PostgresSaver uses it (`connect`, `query`), whose clients name `owner` in every
 * transaction they begin: the checkpointer writes each checkpoint in a transaction of its own.
 * `set_config(..., true)` lasts to the transaction's end, so the pooled connection goes back to
 * other users (the store's queries, another owner's checkpointer) naming nobody; sent with the
 * BEGIN, it costs no round trip.
 */
function ownerNamedTransactions(pool: pg.Pool, owner: string): pg.Pool {
  const connect = async () => {
    const client = await pool.connect();
    const begin = `BEGIN; SELECT set_config('plandraft.owner', ${client.escapeLiteral(owner)}, true)`;
    return {
      query: (text: unknown, ...rest: unknown[]) =>
        (client.query as (...args: unknown[]) => unknown)(text === "BEGIN" ? begin : text, ...rest),
      release: (error?: Error | boolean) => client.release(error),
    };
  };
  return { connect, query: pool.query.bind(pool) } as unknown as pg.Pool;
}
