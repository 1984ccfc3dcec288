import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { AppError } from "../errors.js";
import { firstOpenOptions } from "./fresh-cluster.js";
import { takePidLock } from "./pid-lock.js";

export interface EmbeddedPostgres {
  /** Where pg connects: a unix socket folder and port, as `pg` expects them. */
  host: string;
  port: number;
  dataDir: string;
  close(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * pg's pool holds one connection (DESIGN.md), but drops it at any SQL error and dials again at
 * once: with room for one, the socket server still counts the old one, closing, and hangs up on
 * the new one (seen: EPIPE at the migration that followed the probe for a fresh schema's stamp).
 * The server queues every query through PGlite in turn whatever the count.
 */
const CONNECTIONS = 2;

/**
 * Postgres's default 128 MB of shared buffers is for a server of many clients; zeroing them cost
 * about 300 ms of every open and 110 MiB of memory (measured: 800 -> 510 ms, 280 -> 170 MiB). A
 * store of one user's drafts stays far smaller than 16 MB of hot pages.
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  "-c",
  "shared_buffers=16MB",
  // Postgres keeps up to max_wal_size (1 GB) of old WAL for reuse after a checkpoint: the
  // embedded store's folder kept 224 MiB of it after 200 MB of rows written. Two segments
  // (32 MB, the least Postgres allows) bound it; `reclaimSpace` (./retention.ts) checkpoints,
  // since PGlite's single backend does not on its own.
  "-c",
  "min_wal_size=32MB",
  "-c",
  "max_wal_size=32MB",
];

/**
 * Postgres without a server: PGlite in this process, served on a private unix socket so that
 * `pg` (and so PostgresSaver) speaks the same protocol and SQL as with a real server. PGlite is
 * one process's database, so a lock file keeps a second plandraft process out with a clear error.
 */
export async function startEmbeddedPostgres(home: string): Promise<EmbeddedPostgres> {
  const dataDir = join(home, "pgdata");
  mkdirSync(dataDir, { recursive: true });
  const release = lockStore(home);
  const socketDir = mkdtempSync(join(tmpdir(), "plandraft-"));
  try {
    const db = await PGlite.create(dataDir, {
      startParams: START_PARAMS,
      ...firstOpenOptions(dataDir),
    });
    const server = new PGLiteSocketServer({
      db,
      path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
      maxConnections: CONNECTIONS,
    });
    await server.start();
    return {
      host: socketDir,
      port: SOCKET_PORT,
      dataDir,
      async close() {
        await server.stop();
        await db.close();
        rmSync(socketDir, { recursive: true, force: true });
        release();
      },
    };
  } catch (error) {
    rmSync(socketDir, { recursive: true, force: true });
    release();
    throw new AppError(
      "DATABASE_UNREACHABLE",
      `cannot open the embedded store in ${dataDir}: ${(error as Error).message}`,
      {
        hint: "move that folder aside to start afresh, or set DATABASE_URL to use a Postgres server",
        cause: error,
      },
    );
  }
}

function lockStore(home: string): () => void {
  const lock = takePidLock(join(home, "store.lock"));
  if ("heldBy" in lock) {
    throw new AppError(
      "STORE_BUSY",
      `the embedded store in ${home} is in use by plandraft process ${lock.heldBy}`,
      {
        hint: "wait for it to finish, or set DATABASE_URL so that several processes share one Postgres",
      },
    );
  }
  return lock.release;
}
