import { join } from "node:path";
import { PostgresSaver } from "@langchain/langgraph-checkpoint-postgres";
import { runner } from "node-pg-migrate";
import type pg from "pg";
import { PACKAGE_ROOT } from "../package-root.js";
import type { Database } from "./database.js";

const MIGRATIONS_DIR = join(PACKAGE_ROOT, "migrations");

/**
 * Brings the schema up to date: plandraft's own tables by versioned migrations (node-pg-migrate),
 * then the checkpoint tables (PostgresSaver.setup). Both run under one advisory lock, so
 * processes starting together take turns instead of racing on a fresh schema.
 */
export async function migrate(db: Database): Promise<void> {
  const client = await db.pool.connect();
  const lockKey = `plandraft:migrate:${db.schema}`;
  try {
    await client.query("SELECT pg_advisory_lock(hashtext($1))", [lockKey]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${db.schema}"`);
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
    await new PostgresSaver(onOneClient(client), undefined, { schema: db.schema }).setup();
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey]).catch(() => undefined);
    client.release();
  }
}

/** PostgresSaver.setup() asks its pool for a client: give it the one that holds the lock. */
function onOneClient(client: pg.PoolClient): pg.Pool {
  const borrowed = { query: client.query.bind(client), release: () => undefined };
  return { connect: () => Promise.resolve(borrowed) } as unknown as pg.Pool;
}
