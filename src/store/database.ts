import { join } from "node:path";
import pg from "pg";
import { AppError } from "../errors.js";

export interface Database {
  pool: pg.Pool;
  /** The schema holding plandraft's tables and the checkpoints. */
  schema: string;
  kind: "postgres" | "embedded";
  /** Where the data is, for messages: host:port/database (never the password), or a folder. */
  where: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  home: string;
  schema: string;
  /** Connections to Postgres; the embedded store always has one. */
  poolSize?: number | undefined;
}

/** How long to wait for Postgres to answer at start before saying it cannot be reached. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The Postgres at DATABASE_URL, or the embedded one under PLANDRAFT_HOME: the same pg driver and
 * SQL either way. Fails at once, naming where it looked, when the database cannot be reached.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.schema, options.poolSize ?? 20)
    : openEmbedded(options);
}

async function openPostgres(url: string, schema: string, poolSize: number): Promise<Database> {
  const where = describeUrl(url);
  // Idle connections go back after 2 s: processes of a cluster (and a test suite's servers)
  // share the database's connection limit, and a busy process keeps its connections in use.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 2_000,
    Client: DialingClient,
    ...searchPath(schema),
  });
  watchConnectionErrors(pool);
  // The first query dials the connection the commands then use: one connection, not a probe's
  // and then the pool's (a command with Postgres answers 10-20 ms sooner).
  await assertReachable(
    pool,
    `Postgres at ${where}`,
    "check DATABASE_URL and that the server is running",
  );
  return { pool, schema, kind: "postgres", where, close: () => pool.end() };
}

/**
 * A connection that gives up dialling after CONNECT_TIMEOUT_MS. On the connection, not the pool:
 * the pool's own timeout would also apply to waiting for a free connection, and fail drafts on a
 * busy server.
 */
class DialingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    const given = typeof config === "string" ? { connectionString: config } : config;
    super({ ...given, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  }
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  // PGlite is loaded only by a process that uses it: not by one whose store is a Postgres server.
  const { startEmbeddedPostgres } = await import("./embedded.js");
  const embedded = await startEmbeddedPostgres(options.home);
  // PGlite serves one connection reliably (DESIGN.md): every query goes through it in turn.
  const pool = new pg.Pool({
    host: embedded.host,
    port: embedded.port,
    user: "postgres",
    database: "postgres",
    max: 1,
    ...searchPath(options.schema),
  });
  watchConnectionErrors(pool);
  try {
    await assertReachable(
      pool,
      `the embedded store in ${embedded.dataDir}`,
      "move that folder aside to start afresh",
    );
  } catch (error) {
    await embedded.close();
    throw error;
  }
  return {
    pool,
    schema: options.schema,
    kind: "embedded",
    where: join(options.home, "pgdata"),
    async close() {
      await pool.end();
      await embedded.close();
    },
  };
}

function searchPath(schema: string): { options?: string } {
  return schema === "public" ? {} : { options: `-c search_path="${schema}",public` };
}

/**
 * A dropped connection must not crash the process: pg emits it as an `error` event, which with no
 * listener is thrown. Dropped while idle, the pool's listener takes it and the next query reports
 * it. Dropped while a client is checked out (the checkpointer holds one across a write), pg
 * rejects that client's queries with it, which is how the draft learns of it (DATABASE_LOST); the
 * client's own listener only keeps the event from being thrown.
 */
function watchConnectionErrors(pool: pg.Pool): void {
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
}

async function assertReachable(pool: pg.Pool, what: string, hint: string): Promise<void> {
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new AppError(
      "DATABASE_UNREACHABLE",
      `cannot reach ${what}: ${(error as Error).message}`,
      { hint, cause: error },
    );
  }
}

/** "postgres://user:secret@db.example:5432/plans" -> "db.example:5432/plans" */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = parsed.pathname.replace(/^\//, "") || "(default database)";
    return `${parsed.hostname || "localhost"}:${parsed.port || "5432"}/${database}`;
  } catch {
    return "(a DATABASE_URL that is not a valid URL)";
  }
}

/**
 * The query named a table or schema that was never made (42P01: no such table; 3F000: no such
 * schema): a store not migrated yet, or a queue no cluster has used.
 */
export function isNeverMade(error: unknown): boolean {
  return ["42P01", "3F000"].includes((error as { code?: string }).code ?? "");
}

/** Errors that mean the database went away, rather than a bad query (looking through causes). */
export function isConnectionError(error: unknown, depth = 0): boolean {
  if (!error || depth > 5) return false;
  const code = (error as { code?: string }).code ?? "";
  const message = error instanceof Error ? error.message : "";
  return (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "EPIPE",
      "ETIMEDOUT",
      "57P01",
      "57P02",
      "57P03",
      "08006",
      "08003",
      "08001",
    ].includes(code) ||
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|ECONNREFUSED|ECONNRESET|terminating connection/i.test(
      message,
    ) ||
    isConnectionError((error as { cause?: unknown }).cause, depth + 1)
  );
}
