/**
 * The API node and the workers apart (Postgres only): one `plandraft serve --role api` and N
 * `plandraft worker` processes on one throwaway schema, for each N of BENCH_SERVE_WORKERS; the
 * client talks to the API node, and the workers' events reach it over LISTEN/NOTIFY. For each N a
 * capacity sweep: p50/p99 chunk -> delta per size, the most drafts at once with p99 under 50 ms,
 * drafts/s there, and our CPU (API node and workers) per chunk the model streamed beside what
 * LangChain's client alone costs per chunk with as many streams at once.
 * Target: plandraft's part of that CPU, (ours - floor) / ours, at most 20 %.
 */
import os from "node:os";
import { buildLayout } from "../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../tests/support/drafting.js";
import { measureClientFloor, widestStep, type ClientFloor } from "./client-floor.js";
import type { LlmProcess } from "./scripted-llm-process.js";
import { createReader, oursDraft, sweep, warmUp } from "./serve-client.js";
import { mostWithin } from "./serve-report.js";
import {
  openStore,
  plandraftEnv,
  postgresReachable,
  spawnPlandraft,
  stopPlandraft,
  type Store,
} from "./serve-servers.js";
import {
  PLANDRAFT_ENTRY,
  POSTGRES_URL,
  STORE,
  WARMUP_DRAFTS,
  WORKERS,
  WORKERS_DB_POOL,
  WORKERS_SWEEP,
  WORKERS_TARGET_OWN_SHARE,
  WORKERS_TARGET_P99_MS,
} from "./serve-settings.js";
import {
  ownShare,
  printSweep,
  printWorkers,
  printWorkersLegend,
  type Topology,
} from "./serve-workers-report.js";

/** One API node and `workers` worker processes on the store's schema. */
async function startTopology(llmURL: string, store: Store, workers: number) {
  const most = Math.max(...WORKERS_SWEEP);
  // Each worker takes its share of the largest batch: a worker with room for all of it could
  // take all of it, leaving the other idle.
  const env = {
    ...plandraftEnv(llmURL, store, {
      maxRunning: Math.ceil(most / workers),
      maxQueued: Math.max(100, most),
    }),
    PLANDRAFT_DB_POOL_SIZE: String(WORKERS_DB_POOL),
  };
  const api = await spawnPlandraft(
    ["serve", "--role", "api", "--port", "0"],
    env,
    /serving on (http:\/\/[^\s]+)/,
  );
  const started = await Promise.allSettled(
    Array.from({ length: workers }, () => spawnPlandraft(["worker"], env, /worker running/)),
  );
  const children = [api, ...started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []))];
  const stop = () => Promise.all(children.map((c) => stopPlandraft(c.child))).then(() => {});
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { url: api.ready[1] ?? "", pids: children.map((c) => c.child.pid ?? 0), stop };
}

async function runTopology(llm: LlmProcess, workers: number): Promise<Topology> {
  const store = await openStore();
  const load = os.loadavg()[0] ?? NaN;
  try {
    const topology = await startTopology(llm.baseURL, store, workers);
    try {
      await warmUp(topology.url, oursDraft, WARMUP_DRAFTS * workers);
      const rows = await sweep({
        url: topology.url,
        one: oursDraft,
        sizes: WORKERS_SWEEP,
        targetMs: WORKERS_TARGET_P99_MS,
        read: createReader(() => topology.pids, llm),
      });
      return { workers, rows, load };
    } finally {
      await topology.stop();
    }
  } finally {
    await store.drop();
  }
}

/** LangChain's client alone with as many streams at once as each size's widest step has. */
async function floors(llm: LlmProcess): Promise<Map<number, ClientFloor>> {
  const layout = buildLayout(DEFAULT_TEMPLATE);
  const widest = widestStep(layout).length;
  const byDrafts = new Map<number, ClientFloor>();
  for (const drafts of WORKERS_SWEEP)
    byDrafts.set(drafts, await measureClientFloor(llm.baseURL, layout, widest * drafts));
  return byDrafts;
}

/** Runs each topology of WORKERS, prints them side by side; false when a target is missed. */
export async function benchWorkers(llm: LlmProcess): Promise<boolean> {
  console.log(
    `\n-- the API node and workers apart: 1 plandraft serve --role api + N plandraft worker ` +
      `(N = ${WORKERS.join(", ")}), ${PLANDRAFT_ENTRY} --`,
  );
  if (STORE === "embedded" || !(await postgresReachable(POSTGRES_URL))) {
    console.log("skipped: needs Postgres (BENCH_DATABASE_URL, and not BENCH_SERVE_STORE=embedded)");
    return true;
  }
  printWorkersLegend();
  const floor = await floors(llm);
  const topologies: Topology[] = [];
  let failed = false;
  for (const workers of WORKERS) {
    const topology = await runTopology(llm, workers).catch((error: unknown) => {
      console.log(`\nN = ${workers}: failed: ${String(error)}`);
      failed = true;
    });
    if (!topology) continue;
    console.log("");
    printSweep(topology, floor);
    topologies.push(topology);
  }
  console.log("");
  printWorkers(topologies, floor);
  const ok = topologies.map((t) => {
    const at = mostWithin(t.rows, WORKERS_TARGET_P99_MS);
    return at !== undefined && ownShare(at, floor) <= WORKERS_TARGET_OWN_SHARE;
  });
  return !failed && ok.every(Boolean);
}
