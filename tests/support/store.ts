import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * Where integration tests keep drafts: a schema of their own in the Postgres at
 * TEST_DATABASE_URL (CI sets it to the machine's server), else the embedded store in a
 * temporary PLANDRAFT_HOME, so a fresh machine without Postgres still passes.
 */
export interface TestStore {
  kind: "postgres" | "embedded";
  /** Environment for the CLI (or loadConfig) that points at this store. */
  env: Record<string, string>;
  /** Runs SQL against the store's schema (Postgres only; undefined for the embedded store). */
  query: ((sql: string, params?: unknown[]) => Promise<pg.QueryResult>) | undefined;
  drop(): Promise<void>;
}

let counter = 0;

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** A fresh, empty store for one test (or one file). */
export function createTestStore(kind: "postgres" | "embedded" | "any" = "any"): TestStore {
  const url = testDatabaseUrl();
  if (kind === "postgres" && !url) throw new Error("TEST_DATABASE_URL is not set");
  if (url && kind !== "embedded") return postgresStore(url);
  const home = mkdtempSync(join(tmpdir(), "plandraft-home-"));
  return {
    kind: "embedded",
    env: { PLANDRAFT_HOME: home },
    query: undefined,
    drop: () => Promise.resolve(rmSync(home, { recursive: true, force: true })),
  };
}

function postgresStore(url: string): TestStore {
  counter += 1;
  const schema = `t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    options: `-c search_path=${schema},public`,
  });
  return {
    kind: "postgres",
    env: { DATABASE_URL: url, PLANDRAFT_DB_SCHEMA: schema },
    query: (sql, params) => pool.query(sql, params),
    async drop() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
