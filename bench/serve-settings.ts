/** The server bench's settings, from the environment, shared by its modules. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DRAFTS = Number(process.env.BENCH_SERVE_DRAFTS ?? 100);
export const WARMUP_DRAFTS = Number(process.env.BENCH_SERVE_WARMUP ?? 5);
export const LATENCY_MS = Number(process.env.BENCH_SERVE_LATENCY_MS ?? 200);
export const CHUNK_DELAY_MS = Number(process.env.BENCH_SERVE_CHUNK_DELAY_MS ?? 20);
/**
 * A random extra wait in [0, JITTER) before each call answers: calls that start together then
 * write their chunks spread over the pace, as a real model server's streams do. 0 keeps them in
 * lockstep, every stream of every draft writing in the same millisecond.
 */
export const JITTER_MS = Number(process.env.BENCH_SERVE_JITTER_MS ?? CHUNK_DELAY_MS);
/** Smaller batches run on the same server after the main one: the most drafts within target. */
const counts = (text: string) =>
  text
    .split(",")
    .map(Number)
    .filter((n) => n > 0);
export const SWEEP = counts(process.env.BENCH_SERVE_SWEEP ?? "1,5,10,25,50");
/** "0" skips `plandraft serve` as one process (API and worker), its langgraph-cli and floor. */
export const ONE_PROCESS = process.env.BENCH_SERVE_ONE_PROCESS !== "0";
/**
 * How many `plandraft worker` processes to run beside one `serve --role api` node, one topology
 * after the other (Postgres only); "0" skips them.
 */
export const WORKERS = counts(process.env.BENCH_SERVE_WORKERS ?? "1,2");
/** The sweep of the API node and workers apart: their target is looser, so it goes further. */
export const WORKERS_SWEEP = counts(process.env.BENCH_SERVE_SWEEP ?? "1,5,10,20,40");
/**
 * Each process's pool of Postgres connections there (the default is 20): each also holds about 7
 * of its own (the queue's, the bus's, LISTEN), and the shared Postgres allows 100 in all.
 */
export const WORKERS_DB_POOL = Number(process.env.BENCH_SERVE_DB_POOL ?? 12);
/** Chunk -> delta p99 that a size of the workers' sweep must keep under. */
export const WORKERS_TARGET_P99_MS = 50;
/** The most of our CPU per chunk that may be plandraft's own, beside LangChain's client floor. */
export const WORKERS_TARGET_OWN_SHARE = 0.2;
/** "0" skips measuring LangChain's client alone. */
export const FLOOR = process.env.BENCH_SERVE_FLOOR !== "0";
/** Stamped words per slot shown as it streams: one chunk each. */
export const STAMP_WORDS = Number(process.env.BENCH_SERVE_WORDS ?? 4);
export const TARGET_P99_MS = 5;
/** When set, our server's CPU profile of the measured batch goes to this file, summed up. */
export const CPU_PROFILE = process.env.BENCH_SERVE_CPU_PROFILE;
/** A folder to keep each plandraft process's log (its stdout) in; by default it is dropped. */
export const LOGS = process.env.BENCH_SERVE_LOGS;
/** "embedded" forces the embedded store; otherwise Postgres when it answers. */
export const STORE = process.env.BENCH_SERVE_STORE;
export const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";
export const LANGGRAPH_CLI = process.env.BENCH_LANGGRAPH_CLI ?? "@langchain/langgraph-cli@1.5.1";
/** "0" skips the LangGraph comparison. */
export const LANGGRAPH = process.env.BENCH_SERVE_LANGGRAPH !== "0";

export const ROOT = new URL("..", import.meta.url).pathname;
export const PLANDRAFT_ENTRY = new URL("plandraft-process.ts", import.meta.url).pathname;
export const PROBE = new URL("server-probe.ts", import.meta.url).pathname;
export const FEATURE = readFileSync(join(ROOT, "examples/feature.md"), "utf8");
