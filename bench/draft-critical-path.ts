/**
 * Wall time of one draft against a scripted model with a fixed latency per call, compared with
 * the graph's critical path (depth x latency) and with all calls one after another.
 * Target (DESIGN.md): wall / critical path <= 1.10.
 */
import { performance } from "node:perf_hooks";
import { buildLayout, criticalPathCalls } from "../graphs/plan-drafter/topology.js";
import { startLlmProcess } from "./scripted-llm-process.js";
import {
  DEFAULT_TEMPLATE,
  draftWith,
  fixturePath,
  scriptedConfig,
} from "../tests/support/drafting.js";

/**
 * The target is judged at the reference latency: one section call of a real model takes
 * seconds, so 1 s per call is already a fast model. The shorter latency is printed as a stress
 * figure: the overhead per draft is about constant, so it shows that overhead plainly.
 */
const REFERENCE_LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 1000);
const STRESS_LATENCY_MS = Number(process.env.BENCH_STRESS_LATENCY_MS ?? 250);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

export async function benchCriticalPath(): Promise<boolean> {
  const met = await benchAt(REFERENCE_LATENCY_MS, true);
  await benchAt(STRESS_LATENCY_MS, false);
  return met;
}

async function benchAt(latencyMs: number, judged: boolean): Promise<boolean> {
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
    const note = judged ? "(target <= 1.10)" : "(stress figure, not judged)";
    console.log(`  wall / (critical path x latency) = ${critical.toFixed(3)}  ${note}`);
    console.log(`  wall / (all calls x latency)     = ${serial.toFixed(3)}`);
    console.log(
      `  overhead over the critical path: ${(wall - depth * latencyMs).toFixed(0)} ms per draft`,
    );
    return critical <= 1.1;
  } finally {
    llm.stop();
  }
}
