/**
 * A throwaway PostgreSQL 15 cluster per call, on a free loopback port, for tests that must stop
 * and start the database. It never touches the machine's shared Postgres (its own data dir in a
 * fresh temp folder, its own port, its own socket dir). initdb and postgres refuse to run as
 * root, so when we are root they run as the `postgres` OS user through `runuser`.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  /** Starts (again); resolves when it accepts connections (pg_ctl -w). */
  start(): Promise<void>;
  /** pg_ctl stop -m mode (default "fast"); resolves when stopped. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Stops it if running and removes the data dir. */
  destroy(): Promise<void>;
}

const BIN = "/usr/lib/postgresql/15/bin";
const INITDB = join(BIN, "initdb");
const PG_CTL = join(BIN, "pg_ctl");
const RUNUSER = "/usr/sbin/runuser";
const OS_USER = "postgres";
const isRoot = (): boolean => process.getuid?.() === 0;

/** Why clusters can't run here, or undefined when they can. */
export function pgClusterUnavailableReason(): string | undefined {
  for (const bin of [INITDB, PG_CTL, join(BIN, "postgres")]) {
    if (!existsSync(bin)) return `PostgreSQL 15 binary missing: ${bin}`;
  }
  if (isRoot()) {
    if (!existsSync(RUNUSER)) return `running as root but ${RUNUSER} is missing`;
    if (osUser() === undefined) return `running as root but there is no '${OS_USER}' OS user`;
  }
  return undefined;
}

/** True when the PostgreSQL 15 binaries (and, as root, a way to drop to `postgres`) exist. */
export function pgClusterAvailable(): boolean {
  return pgClusterUnavailableReason() === undefined;
}

function osUser(): { uid: number; gid: number } | undefined {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${OS_USER}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/** The command line for a binary, run as `postgres` when we are root. */
function asPgUser(bin: string, args: string[]): [string, string[]] {
  return isRoot() ? [RUNUSER, ["-u", OS_USER, "--", bin, ...args]] : [bin, args];
}

function run(bin: string, args: string[]): Promise<void> {
  const [cmd, argv] = asPgUser(bin, args);
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: 90_000 }, (err, stdout, stderr) => {
      if (err)
        reject(new Error(`${bin} ${args.join(" ")} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("no port from listen(0)"))));
    });
  });
}

/** Data dirs of clusters that may be running, stopped hard when the process ends. */
const live = new Set<string>();
let exitHooksInstalled = false;

/**
 * Synchronous last-resort cleanup: `pg_ctl stop -m immediate` for every live cluster, then remove
 * its folder. It does not wait (-W): vitest ends fork workers with SIGTERM and SIGKILLs them 500 ms
 * later, and postgres finishes an immediate shutdown on its own once signalled.
 */
function stopAllNow(): void {
  for (const dataDir of live) {
    const [cmd, argv] = asPgUser(PG_CTL, ["stop", "-D", dataDir, "-m", "immediate", "-W"]);
    spawnSync(cmd, argv, { stdio: "ignore", timeout: 5_000 });
  }
  for (const dataDir of live) rmSync(join(dataDir, ".."), { recursive: true, force: true });
  live.clear();
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", stopAllNow);
  // 'exit' does not fire when a signal ends the process (vitest stops its forks with SIGTERM):
  // clean up, then re-raise so the signal keeps its default effect unless someone else handles it.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      stopAllNow();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/** initdb (once) and start on a free loopback port, retrying another port if it was taken. */
export async function createPgCluster(): Promise<PgCluster> {
  const reason = pgClusterUnavailableReason();
  if (reason) throw new Error(`cannot create a PostgreSQL cluster: ${reason}`);
  installExitHooks();

  const root = await mkdtemp(join(tmpdir(), "pg-cluster-"));
  const dataDir = join(root, "data");
  const logFile = join(root, "postgres.log");
  const user = isRoot() ? osUser() : undefined;
  if (user) await chown(root, user.uid, user.gid);
  live.add(dataDir);

  let port = 0;
  let running = false;

  const startOn = (p: number): Promise<void> => {
    const opts = [
      "-c listen_addresses=127.0.0.1",
      `-c port=${p}`,
      `-c unix_socket_directories=${root}`,
      "-c fsync=off",
      "-c full_page_writes=off",
    ].join(" ");
    return run(PG_CTL, ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-o", opts]);
  };

  const cluster: PgCluster = {
    get port() {
      return port;
    },
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    async start() {
      if (running) return;
      await startOn(port);
      running = true;
    },
    async stop(mode = "fast") {
      if (!running) return;
      await run(PG_CTL, ["stop", "-D", dataDir, "-m", mode, "-w", "-t", "60"]);
      running = false;
    },
    async destroy() {
      try {
        if (running) await cluster.stop("immediate");
      } finally {
        live.delete(dataDir);
        await rm(root, { recursive: true, force: true });
      }
    },
  };

  try {
    await run(INITDB, ["-D", dataDir, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await startOn(port);
        running = true;
        break;
      } catch (err) {
        const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
        if (attempt >= 5 || !/could not bind|already in use/i.test(log)) {
          throw new Error(`${(err as Error).message}\n--- postgres log ---\n${log}`);
        }
        await rm(logFile, { force: true }); // the next attempt's log starts clean
      }
    }
  } catch (err) {
    await cluster.destroy().catch(() => undefined);
    throw err;
  }
  return cluster;
}
