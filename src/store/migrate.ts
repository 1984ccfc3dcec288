import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { runner } from "node-pg-migrate";
import type pg from "pg";
import type { Database } from "./database.js";
import { currentStamp, MIGRATIONS_DIR } from "./schema-stamp.js";

/**
 * Brings the schema up to date: the checkpoint tables (PostgresSaver.setup), then plandraft's
 * own tables by versioned migrations (node-pg-migrate). Both run under one advisory lock, so
 * processes starting together take turns instead of racing on a fresh schema. Last, the schema is
 * stamped as current, so the next command knows it from one row (`ensureSchema`).
 */
export async function migrate(db: Database): Promise<void> {
  const client = await db.pool.connect();
  const lockKey = `plandraft:migrate:${db.schema}`;
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
    // The checkpoint tables first: plandraft's migrations fence writes to them.
    await new PostgresSaver(onOneClient(client), undefined, { schema: db.schema }).setup();
    await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      migrationsTable: "plandraft_migrations",
      schema: db.schema,
      direction: "up",
      checkOrder: true,
      singleTransaction: true,
      noLock: true, // the lock above already covers the whole step
      log: () => undefined,
    });
    await stamp(client, db.schema);
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey]).catch(() => undefined);
    client.release();
  }
}

/** One statement, so the table never holds no stamp or two. */
async function stamp(client: pg.PoolClient, schema: string): Promise<void> {
  const table = `"${schema}".plandraft_schema`;
  await client.query(
    `WITH old AS (DELETE FROM ${table}) INSERT INTO ${table} (stamp) VALUES ($1)`,
    [currentStamp()],
  );
}

/** PostgresSaver.setup() asks its pool for a client: give it the one that holds the lock. */
function onOneClient(client: pg.PoolClient): pg.Pool {
  const borrowed = { query: client.query.bind(client), release: () => undefined };
  return { connect: () => Promise.resolve(borrowed) } as unknown as pg.Pool;
}
