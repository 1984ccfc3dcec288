/** The servers the bench loads: `plandraft serve` and `langgraph-cli dev`, each a child process. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import {
  CPU_PROFILE,
  DRAFTS,
  LANGGRAPH_CLI,
  LOGS,
  POSTGRES_URL,
  PROBE,
  ROOT,
  PLANDRAFT_ENTRY,
  STORE,
} from "./serve-settings.js";

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** A server under test, running as a child process (tree) of this one. */
export interface Served {
  url: string;
  pid: number;
  /** Its event-loop delay since the last call (bench/server-probe.ts), when it was preloaded. */
  loopDelay?: () => Promise<LoopDelay>;
  stop(): Promise<void>;
}

/** The last lines a child wrote, to say why it stopped. */
function tail(child: ChildProcess): () => string {
  let text = "";
  const keep = (part: Buffer) => (text = (text + part.toString()).slice(-4000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => text.trim().split("\n").slice(-8).join("\n");
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));

/** Stops a child (its whole process group when `group`), forcefully after 15 s. */
async function stopChild(child: ChildProcess, group: boolean): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      if (group && child.pid) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const done = await Promise.race([exited(child).then(() => true), sleep(15_000, false)]);
  if (!done) signal("SIGKILL");
  else if (group) signal("SIGKILL"); // what the group leader left behind
  await exited(child);
}

/** The environment without our own and the model's settings, so each server gets only ours. */
function baseEnv(): Record<string, string> {
  const skip = /^(PLANDRAFT_|OPENAI_|DATABASE_URL$|LANGCHAIN_|LANGSMITH_)/;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !skip.test(entry[0]),
    ),
  );
}

const modelEnv = (llmURL: string) => ({
  PLANDRAFT_MODEL: "openai:scripted",
  OPENAI_BASE_URL: llmURL,
  OPENAI_API_KEY: "bench",
  PLANDRAFT_MODEL_TIMEOUT_MS: "120000",
});

export interface Store {
  describe: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** Whether a Postgres answers at `url` within 2 s. */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Postgres in a schema of its own when it answers, else the embedded store in a temp folder. */
export async function openStore(): Promise<Store> {
  if (STORE !== "embedded" && (await postgresReachable(POSTGRES_URL))) {
    const schema = `bench_serve_${randomBytes(4).toString("hex")}`;
    return {
      describe: `postgres (${POSTGRES_URL.replace(/\/\/[^@]*@/, "//")}, schema ${schema})`,
      env: { DATABASE_URL: POSTGRES_URL, PLANDRAFT_DB_SCHEMA: schema },
      async drop() {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        // pg-boss keeps its queue in a schema of its own beside ours.
        for (const name of [schema, `${schema}_queue`])
          await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        await client.end();
      },
    };
  }
  const home = mkdtempSync(join(tmpdir(), "plandraft-bench-serve-"));
  return {
    describe: `embedded (${home})`,
    env: { PLANDRAFT_HOME: home },
    drop: () => Promise.resolve(rmSync(home, { recursive: true, force: true })),
  };
}

/** What every plandraft process of the bench gets: the store, the model, room for the drafts. */
export function plandraftEnv(
  llmURL: string,
  store: Store,
  limits: { maxRunning: number; maxQueued: number },
): Record<string, string> {
  return {
    ...baseEnv(),
    ...store.env,
    ...modelEnv(llmURL),
    PLANDRAFT_MAX_RUNNING: String(Math.min(256, limits.maxRunning)),
    PLANDRAFT_MAX_QUEUED: String(limits.maxQueued),
    PLANDRAFT_RATE_LIMIT: "1000000",
  };
}

/**
 * `plandraft <args>` from this work tree's sources (with the probe preloaded), once a line of its
 * stderr matches `ready`: that match, and the child.
 */
export async function spawnPlandraft(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; ready: RegExpExecArray }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", PROBE, PLANDRAFT_ENTRY, ...args],
    {
      cwd: ROOT,
      env,
      // Its log goes to stdout: dropped, as a log shipper would take it off its hands, unless
      // BENCH_SERVE_LOGS names a folder to keep it in.
      stdio: [
        "ignore",
        LOGS ? openSync(join(LOGS, `${args[0]}-${randomUUID()}.log`), "a") : "ignore",
        "pipe",
      ],
    },
  );
  const lastLines = tail(child);
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let seen = "";
    const read = (part: Buffer) => {
      seen += part.toString();
      const found = ready.exec(seen);
      if (!found) return;
      child.stderr?.off("data", read);
      resolve(found);
    };
    child.stderr?.on("data", read);
    child.once("exit", (code) =>
      reject(new Error(`plandraft ${args[0]} exited ${code}: ${lastLines()}`)),
    );
  });
  return { child, ready: match };
}

/** A plandraft process the bench started, stopped with SIGTERM (forcefully after 15 s). */
export const stopPlandraft = (child: ChildProcess) => stopChild(child, false);

/** `plandraft serve --port 0` from this work tree's sources. */
export async function startOurs(llmURL: string, store: Store): Promise<Served> {
  const env = {
    ...plandraftEnv(llmURL, store, { maxRunning: DRAFTS, maxQueued: Math.max(100, DRAFTS) }),
    ...(CPU_PROFILE ? { BENCH_PROBE_PROFILE: CPU_PROFILE } : {}),
  };
  const { child, ready } = await spawnPlandraft(
    ["serve", "--port", "0"],
    env,
    /serving on (http:\/\/[^\s]+)/,
  );
  const url = ready[1] ?? "";
  const loopDelay = () => readProbe<LoopDelay>(child);
  return { url, pid: child.pid ?? 0, loopDelay, stop: () => stopChild(child, false) };
}

/** What the probe preloaded into a plandraft process reports on SIGUSR2 (bench/server-probe.ts). */
export function readProbe<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve) => {
    let seen = "";
    const read = (part: Buffer) => {
      seen += part.toString();
      const match = /bench-probe (\{.*\})\n/.exec(seen);
      if (!match?.[1]) return;
      child.stderr?.off("data", read);
      resolve(JSON.parse(match[1]) as T);
    };
    child.stderr?.on("data", read);
    child.kill("SIGUSR2");
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

/**
 * `npx --offline <langgraph-cli> dev` on the project's langgraph.json, copied into a temp folder
 * (the dev server keeps its state in `.langgraph_api` beside it: not in the work tree), or why
 * it cannot run here.
 */
export async function startLangGraph(llmURL: string): Promise<Served | string> {
  const probe = spawnSync("npx", ["--offline", LANGGRAPH_CLI, "--version"], {
    cwd: tmpdir(),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || "").trim().split("\n")[0] ?? "";
    return `npx --offline ${LANGGRAPH_CLI} cannot run here (not in the npm cache?): ${why}`;
  }
  const dir = mkdtempSync(join(tmpdir(), "plandraft-bench-langgraph-"));
  const config = JSON.parse(readFileSync(join(ROOT, "langgraph.json"), "utf8")) as {
    graphs: Record<string, string>;
    env?: unknown;
  };
  // Graph paths are taken relative to the config's folder, even absolute ones.
  for (const [name, spec] of Object.entries(config.graphs))
    config.graphs[name] = relative(dir, join(ROOT, spec));
  delete config.env; // the environment is the bench's, not a .env file's
  writeFileSync(join(dir, "langgraph.json"), JSON.stringify(config));
  const port = await freePort();
  const child = spawn(
    "npx",
    [
      "--offline",
      LANGGRAPH_CLI,
      "dev",
      "--no-browser",
      "--no-reload",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--n-jobs-per-worker",
      String(DRAFTS),
      "--config",
      join(dir, "langgraph.json"),
    ],
    {
      cwd: dir,
      env: { ...baseEnv(), ...modelEnv(llmURL), LANGSMITH_TRACING: "false" },
      detached: true, // its own process group: npx, the CLI, tsx and the server stop together
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lastLines = tail(child);
  const stop = async () => {
    await stopChild(child, true);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/ok`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, pid: child.pid ?? 0, stop };
    await sleep(500);
  }
  const why = child.exitCode === null ? "not ready within 180 s" : `exited ${child.exitCode}`;
  await stop();
  return `langgraph-cli dev ${why}: ${lastLines()}`;
}
