/**
 * The server under load: BENCH_SERVE_DRAFTS drafts (default 100) streaming at once from
 * `plandraft serve`, run as a process of its own, against the scripted model in another process
 * with a fixed latency per call and a steady pace of chunks. Reports the delay from the model
 * writing a chunk to the client receiving the section.delta that shows it (p50, p99), drafts
 * per second, and the server's peak RSS; then the same for the same graph served by
 * `langgraph-cli dev` (when it can run here) and the ratios ours / theirs.
 * Target (our design): chunk -> delta p99 under 5 ms on 2 cores with 100 drafts streaming.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { createParser } from "eventsource-parser";
import pg from "pg";
import { readStamps } from "../tests/support/scripted-llm.js";
import { summarizeProfile } from "./cpu-profile.js";
import { cpuBetween, cpuSeconds, treeUsage, type TreeUsage } from "./processes.js";
import { startLlmProcess } from "./scripted-llm-process.js";

const DRAFTS = Number(process.env.BENCH_SERVE_DRAFTS ?? 100);
const WARMUP_DRAFTS = Number(process.env.BENCH_SERVE_WARMUP ?? 5);
const LATENCY_MS = Number(process.env.BENCH_SERVE_LATENCY_MS ?? 200);
const CHUNK_DELAY_MS = Number(process.env.BENCH_SERVE_CHUNK_DELAY_MS ?? 20);
/** Stamped words per slot shown as it streams: one chunk each. */
const STAMP_WORDS = Number(process.env.BENCH_SERVE_WORDS ?? 4);
const TARGET_P99_MS = 5;
/** When set, our server's CPU profile of the measured batch goes to this file, summed up. */
const CPU_PROFILE = process.env.BENCH_SERVE_CPU_PROFILE;
/** "embedded" forces the embedded store; otherwise Postgres when it answers. */
const STORE = process.env.BENCH_SERVE_STORE;
const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
const LANGGRAPH_CLI = process.env.BENCH_LANGGRAPH_CLI ?? "@langchain/langgraph-cli@1.5.1";
/** "0" skips the LangGraph comparison. */
const LANGGRAPH = process.env.BENCH_SERVE_LANGGRAPH !== "0";

const ROOT = new URL("..", import.meta.url).pathname;
const SERVE_ENTRY = new URL("serve-process.ts", import.meta.url).pathname;
const PROBE = new URL("server-probe.ts", import.meta.url).pathname;
const FEATURE = readFileSync(join(ROOT, "examples/feature.md"), "utf8");

/** Milliseconds since the epoch, sub-millisecond: the clock the scripted server stamps with. */
const now = (): number => performance.timeOrigin + performance.now();

/** What the client saw of one batch of drafts run at once. */
class Batch {
  readonly started = now();
  /** When the last draft ended, as its client saw it (its last event, or its stream's end). */
  ended = 0;
  /** When the last draft's graph finished (LangGraph's stream ends ~500 ms after that). */
  graphEnded = 0;
  /** Chunk -> delta delay of every stamped chunk, ms. */
  readonly delays: number[] = [];
  deltas = 0;
  completed = 0;
  readonly failures: string[] = [];

  /** One draft: stamps already seen per section, so a restarted section is not counted twice. */
  draft() {
    const seen = new Map<string, Set<number>>();
    return {
      delta: (section: string, text: string, at: number) => {
        this.deltas += 1;
        const mine = seen.get(section) ?? new Set<number>();
        seen.set(section, mine);
        for (const stamp of readStamps(text)) {
          if (mine.has(stamp)) continue;
          mine.add(stamp);
          this.delays.push(at - stamp);
        }
      },
      end: (at: number, graphAt = at) => {
        this.completed += 1;
        this.ended = Math.max(this.ended, at);
        this.graphEnded = Math.max(this.graphEnded, graphAt);
      },
      fail: (why: string) => {
        this.failures.push(why);
        this.ended = Math.max(this.ended, now());
      },
    };
  }
}

type DraftClient = ReturnType<Batch["draft"]>;

/** Reads an SSE response to its end; each event comes with when its bytes reached us. */
async function readSse(
  response: Response,
  onEvent: (type: string, data: string, at: number) => void,
): Promise<number> {
  let at = 0;
  const parser = createParser({ onEvent: (m) => onEvent(m.event ?? "message", m.data, at) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    at = now();
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  return now();
}

async function runBatch(
  count: number,
  one: (client: DraftClient) => Promise<void>,
): Promise<Batch> {
  const batch = new Batch();
  const runs = Array.from({ length: count }, async () => {
    const client = batch.draft();
    await one(client).catch((error: unknown) => client.fail(String(error)));
  });
  await Promise.all(runs);
  return batch;
}

/** One draft on our server: POST with Accept: text/event-stream, the stream in the response. */
async function oursDraft(url: string, client: DraftClient): Promise<void> {
  const response = await fetch(`${url}/v1/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ feature: FEATURE }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`POST /v1/drafts answered ${response.status}: ${await response.text()}`);
  let outcome = "no draft.completed";
  await readSse(response, (type, data, at) => {
    if (type === "section.delta") {
      const { section, text } = JSON.parse(data) as { section: string; text: string };
      client.delta(section, text, at);
    } else if (type === "draft.completed") {
      outcome = "";
      client.end(at);
    } else if (type === "draft.failed") outcome = `draft.failed: ${data.slice(0, 300)}`;
  });
  if (outcome) client.fail(outcome);
}

/** One draft on the LangGraph API server: a thread, then a streamed run of it. */
async function langGraphDraft(url: string, client: DraftClient): Promise<void> {
  const created = await fetch(`${url}/threads`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const { thread_id: thread } = (await created.json()) as { thread_id: string };
  const response = await fetch(`${url}/threads/${thread}/runs/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({
      assistant_id: "plan-drafter",
      input: { featureText: FEATURE, featureSource: "feature.md" },
      stream_mode: ["custom"],
    }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`POST runs/stream answered ${response.status}: ${await response.text()}`);
  let problem = "";
  let assembled = 0;
  const end = await readSse(response, (type, data, at) => {
    if (type === "error") problem ||= `error event: ${data.slice(0, 300)}`;
    if (type !== "custom") return;
    const event = JSON.parse(data) as { type: string; unit?: string; text?: string; step?: string };
    if (event.type === "section.delta") client.delta(event.unit ?? "", event.text ?? "", at);
    else if (event.type === "section.failed") problem ||= `section.failed: ${data.slice(0, 300)}`;
    else if (event.type === "step" && event.step === "assemble") assembled = at;
  });
  if (!assembled) problem ||= "the run ended before its assemble step";
  if (problem) client.fail(problem);
  else client.end(end, assembled);
}

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

/** A server under test, running as a child process (tree) of this one. */
interface Served {
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

interface Store {
  describe: string;
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function postgresReachable(url: string): Promise<boolean> {
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
async function openStore(): Promise<Store> {
  if (STORE !== "embedded" && (await postgresReachable(POSTGRES_URL))) {
    const schema = `bench_serve_${randomBytes(4).toString("hex")}`;
    return {
      describe: `postgres (${POSTGRES_URL.replace(/\/\/[^@]*@/, "//")}, schema ${schema})`,
      env: { DATABASE_URL: POSTGRES_URL, PLANDRAFT_DB_SCHEMA: schema },
      async drop() {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
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

/** `plandraft serve --port 0` from this work tree's sources. */
async function startOurs(llmURL: string, store: Store): Promise<Served> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", PROBE, SERVE_ENTRY, "--port", "0"],
    {
      cwd: ROOT,
      env: {
        ...baseEnv(),
        ...store.env,
        ...modelEnv(llmURL),
        PLANDRAFT_MAX_RUNNING: String(Math.min(256, DRAFTS)),
        PLANDRAFT_MAX_QUEUED: String(Math.max(100, DRAFTS)),
        PLANDRAFT_RATE_LIMIT: "1000000",
        ...(CPU_PROFILE ? { BENCH_PROBE_PROFILE: CPU_PROFILE } : {}),
      },
      // Its request log goes to stdout: dropped, as a log shipper would take it off its hands.
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const lastLines = tail(child);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    child.stderr?.on("data", (part: Buffer) => {
      seen += part.toString();
      const match = /serving on (http:\/\/[^\s]+)/.exec(seen);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`plandraft serve exited ${code}: ${lastLines()}`)),
    );
  });
  const loopDelay = () =>
    new Promise<LoopDelay>((resolve) => {
      let seen = "";
      const read = (part: Buffer) => {
        seen += part.toString();
        const match = /bench-probe (\{.*\})\n/.exec(seen);
        if (!match?.[1]) return;
        child.stderr?.off("data", read);
        resolve(JSON.parse(match[1]) as LoopDelay);
      };
      child.stderr?.on("data", read);
      child.kill("SIGUSR2");
    });
  return { url, pid: child.pid ?? 0, loopDelay, stop: () => stopChild(child, false) };
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
async function startLangGraph(llmURL: string): Promise<Served | string> {
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

interface Measured {
  p50: number;
  p90: number;
  p99: number;
  /** Share of chunks within the target. */
  withinTarget: number;
  min: number;
  max: number;
  chunks: number;
  deltas: number;
  draftsPerS: number;
  wallS: number;
  /** Drafts per second to the last graph event, before LangGraph's stream-join wait. */
  graphDraftsPerS: number;
  mainPeakRss: number;
  treePeakRss: number;
  serverCpuS: number;
  loop: LoopDelay | undefined;
  clientCpuS: number;
  modelCpuS: number;
  failures: string[];
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** Warm-up drafts, then DRAFTS at once, with the server's usage read from /proc around them. */
async function measure(
  served: Served,
  llmPid: number | undefined,
  one: (url: string, client: DraftClient) => Promise<void>,
): Promise<Measured> {
  const warm = await runBatch(WARMUP_DRAFTS, (client) => one(served.url, client));
  if (warm.failures.length > 0) throw new Error(`warm-up failed: ${warm.failures[0]}`);
  await served.loopDelay?.(); // from here on
  const before: TreeUsage = treeUsage(served.pid);
  const clientBefore = process.cpuUsage();
  const modelBefore = llmPid ? cpuSeconds(llmPid) : 0;
  const batch = await runBatch(DRAFTS, (client) => one(served.url, client));
  const after = treeUsage(served.pid);
  const loop = await served.loopDelay?.();
  const client = process.cpuUsage(clientBefore);
  const delays = [...batch.delays].sort((a, b) => a - b);
  const wallS = (batch.ended - batch.started) / 1000;
  return {
    p50: percentile(delays, 0.5),
    p90: percentile(delays, 0.9),
    p99: percentile(delays, 0.99),
    withinTarget: delays.filter((d) => d < TARGET_P99_MS).length / Math.max(1, delays.length),
    min: delays[0] ?? NaN,
    max: delays.at(-1) ?? NaN,
    chunks: delays.length,
    deltas: batch.deltas,
    draftsPerS: batch.completed / wallS,
    wallS,
    graphDraftsPerS: batch.completed / ((batch.graphEnded - batch.started) / 1000),
    mainPeakRss: after.mainPeakRss,
    treePeakRss: after.treePeakRss,
    serverCpuS: cpuBetween(before, after),
    loop,
    clientCpuS: (client.user + client.system) / 1e6,
    modelCpuS: llmPid ? cpuSeconds(llmPid) - modelBefore : NaN,
    failures: batch.failures,
  };
}

function printProfile(file: string): void {
  if (!existsSync(file)) {
    console.log(`no CPU profile in ${file}`);
    return;
  }
  const { totalMs, functions, packages } = summarizeProfile(file);
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(
    `\nCPU profile of plandraft serve during the batch (${file}), ${(totalMs / 1000).toFixed(1)} s sampled`,
  );
  console.log("  self time by package:");
  for (const p of packages.slice(0, 10)) console.log(`    ${pct(p.ms)}  ${p.name}`);
  console.log("  self time by function:");
  for (const f of functions) console.log(`    ${pct(f.ms)}  ${f.name}`);
}

const MiB = (bytes: number) => bytes / (1 << 20);

function printTable(ours: Measured, theirs: Measured | string): void {
  const other = typeof theirs === "string" ? undefined : theirs;
  const rows: [string, (m: Measured) => number, number][] = [
    ["chunk -> delta p50 (ms)", (m) => m.p50, 2],
    ["chunk -> delta p90 (ms)", (m) => m.p90, 2],
    ["chunk -> delta p99 (ms)", (m) => m.p99, 2],
    [`chunks within ${TARGET_P99_MS} ms (%)`, (m) => 100 * m.withinTarget, 1],
    ["chunk -> delta min (ms)", (m) => m.min, 2],
    ["chunk -> delta max (ms)", (m) => m.max, 1],
    ["chunks measured", (m) => m.chunks, 0],
    ["section.delta events", (m) => m.deltas, 0],
    ["completed drafts/s (first POST -> last end)", (m) => m.draftsPerS, 2],
    ["  wall time (s)", (m) => m.wallS, 1],
    ["drafts/s to the last graph event", (m) => m.graphDraftsPerS, 2],
    ["peak RSS, server process (MiB)", (m) => MiB(m.mainPeakRss), 0],
    ["peak RSS, its process tree (MiB)", (m) => MiB(m.treePeakRss), 0],
    ["server CPU during the batch (s)", (m) => m.serverCpuS, 1],
    ["  per draft started (ms)", (m) => (1000 * m.serverCpuS) / DRAFTS, 0],
    ["server event-loop delay p99 (ms)", (m) => m.loop?.p99 ?? NaN, 1],
    ["server event-loop delay max (ms)", (m) => m.loop?.max ?? NaN, 1],
    ["client CPU during the batch (s)", (m) => m.clientCpuS, 1],
    ["scripted model CPU (s)", (m) => m.modelCpuS, 1],
    ["failed drafts", (m) => m.failures.length, 0],
  ];
  const head = ["", "plandraft serve", "langgraph-cli dev", "ours/theirs"];
  const widths = [44, 16, 18, 12];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join("");
  console.log(line(head));
  for (const [label, get, digits] of rows) {
    const a = get(ours);
    const b = other ? get(other) : NaN;
    const shown = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(digits));
    const ratio = other && b !== 0 && !Number.isNaN(a / b) ? (a / b).toFixed(2) : "-";
    console.log(line([label, shown(a), other ? shown(b) : "-", ratio]));
  }
  if (typeof theirs === "string") console.log(`langgraph-cli dev: skipped: ${theirs}`);
  for (const [name, m] of [
    ["ours", ours],
    ["theirs", other],
  ] as const) {
    const kinds = new Map<string, number>();
    for (const why of m?.failures ?? []) kinds.set(why, (kinds.get(why) ?? 0) + 1);
    for (const [why, count] of kinds) console.log(`${name}: ${count} failed: ${why}`);
  }
}

export async function benchServe(): Promise<boolean> {
  console.log(
    `${DRAFTS} drafts at once (after ${WARMUP_DRAFTS} warm-up drafts) of examples/feature.md; ` +
      `scripted model in its own process: ${LATENCY_MS} ms per call, then a chunk every ` +
      `${CHUNK_DELAY_MS} ms; ${STAMP_WORDS} stamped words per slot shown as it streams`,
  );
  console.log(
    "chunk -> delta: for every chunk whose text the server shows as soon as it arrives (prose, " +
      "topics, the last item of a list: each chunk ends with a whole stamped word and a space), " +
      "the time from the scripted server stamping it right before writing it to the client " +
      "receiving the first section.delta that carries it (both read performance.timeOrigin + " +
      "performance.now(), on this machine); text shown only once its block is complete " +
      "(tables, checklists, diagrams) is not stamped. It includes the client's own lag.",
  );
  const llm = await startLlmProcess(LATENCY_MS, CHUNK_DELAY_MS, STAMP_WORDS);
  try {
    const store = await openStore();
    console.log(`plandraft serve: ${SERVE_ENTRY} (sources via tsx), store ${store.describe}`);
    let ours: Measured;
    const served = await startOurs(llm.baseURL, store);
    try {
      ours = await measure(served, llm.pid, oursDraft);
    } finally {
      await served.stop();
      await store.drop();
    }
    if (CPU_PROFILE) printProfile(CPU_PROFILE);

    let theirs: Measured | string = "BENCH_SERVE_LANGGRAPH=0";
    if (LANGGRAPH) {
      const langGraph = await startLangGraph(llm.baseURL);
      if (typeof langGraph === "string") theirs = langGraph;
      else {
        console.log(`langgraph-cli dev: npx --offline ${LANGGRAPH_CLI} dev, in-memory checkpoints`);
        try {
          theirs = await measure(langGraph, llm.pid, langGraphDraft);
        } catch (error) {
          theirs = `failed: ${String(error)}`;
        } finally {
          await langGraph.stop();
        }
      }
    }
    console.log("");
    printTable(ours, theirs);
    const met = ours.failures.length === 0 && ours.p99 < TARGET_P99_MS;
    console.log(
      `chunk -> delta p99 ${ours.p99.toFixed(2)} ms (target < ${TARGET_P99_MS} ms): ${met ? "met" : "MISSED"}`,
    );
    return met;
  } finally {
    llm.stop();
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  process.exitCode = (await benchServe()) ? 0 : 1;
}
