/**
 * Wall time of one draft against a scripted model with a fixed latency per call, compared with
 * the graph's critical path (depth x latency) and with all calls one after another.
 * Target (DESIGN.md): wall / critical path <= 1.10.
 */
import { performance } from "node:perf_hooks";
import { buildLayout, criticalPathCalls } from "../src/template/layout.js";
import { startLlmProcess } from "./scripted-llm-process.js";
import {
  DEFAULT_TEMPLATE,
  draftWith,
  fixturePath,
  scriptedConfig,
} from "../tests/support/drafting.js";

const LATENCIES_MS = (process.env.BENCH_LATENCY_MS ?? "250,1000").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** At each latency: the target holds when every ratio is within 10 % of the critical path. */
export async function benchCriticalPath(): Promise<boolean> {
  let met = true;
  for (const latency of LATENCIES_MS) met = (await benchAt(latency)) && met;
  return met;
}

async function benchAt(latencyMs: number): Promise<boolean> {
  const llm = await startLlmProcess(latencyMs);
  try {
    const config = scriptedConfig(llm.baseURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "30000" });
    const depth = criticalPathCalls(buildLayout(DEFAULT_TEMPLATE));
    await draftWith(config, { path: fixturePath("watchlist-feature.md") }); // warm-up: module loading, JIT
    const walls: number[] = [];
    let calls = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const started = performance.now();
      const { result } = await draftWith(config, { path: fixturePath("watchlist-feature.md") });
      walls.push(performance.now() - started);
      calls = result.usage.calls;
      if (result.status !== "completed")
        throw new Error(`bench draft failed: ${JSON.stringify(result.sections)}`);
    }
    walls.sort((a, b) => a - b);
    const wall = walls[Math.floor(walls.length / 2)] ?? 0;
    const critical = wall / (depth * latencyMs);
    const serial = wall / (calls * latencyMs);
    console.log(
      `draft wall time (median of ${RUNS}, latency ${latencyMs} ms per call): ${wall.toFixed(0)} ms`,
    );
    console.log(`  critical path: ${depth} calls deep, ${calls} calls in all`);
    console.log(`  wall / (critical path x latency) = ${critical.toFixed(3)}  (target <= 1.10)`);
    console.log(`  wall / (all calls x latency)     = ${serial.toFixed(3)}`);
    return critical <= 1.1;
  } finally {
    llm.stop();
  }
}
