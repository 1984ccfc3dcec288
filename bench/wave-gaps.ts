/**
 * How much of a draft the model is not working: with the scripted model answering every call
 * at once after BENCH_GAPS_LATENCY_MS (300), the time from the first call's start to the last
 * call's end against the time with at least one call in flight, from the model's own log of its
 * calls (both ends of every call on its clock). Each gap between calls is printed with the call
 * that ended it: what plandraft does between the waves of sections. The model runs in a process
 * of its own, as in the other benches: in this one, its own work (making and writing six whole
 * replies at once) ran on plandraft's thread and counted in plandraft's gaps.
 * Target (issue 15): at most 1.10. Median over BENCH_RUNS (5) drafts per doc, after a warm-up.
 */
import { draftWith, fixturePath, scriptedConfig } from "../tests/support/drafting.js";
import { startLlmProcess, type ServedCall } from "./scripted-llm-process.js";

const LATENCY_MS = Number(process.env.BENCH_GAPS_LATENCY_MS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 1.1;
const DOCS = ["watchlist-feature.md", "features/01-kep-4639-oci-volume-source.md"];

interface Reading {
  ratio: number;
  gaps: string[];
}

/** Span over busy time of one draft's calls, and the gaps between them. */
function readCalls(served: ServedCall[]): Reading {
  const calls = [...served].sort((a, b) => a.start - b.start);
  let busy = 0;
  let from = calls[0]?.start ?? 0;
  let until = from;
  const gaps: string[] = [];
  for (const call of calls) {
    if (call.start > until) {
      busy += until - from;
      gaps.push(`${(call.start - until).toFixed(0)} ms before ${call.tool}`);
      from = call.start;
    }
    until = Math.max(until, call.end);
  }
  busy += until - from;
  const span = until - (calls[0]?.start ?? 0);
  return { ratio: busy > 0 ? span / busy : 0, gaps };
}

export async function benchWaveGaps(): Promise<boolean> {
  const llm = await startLlmProcess(LATENCY_MS);
  const config = scriptedConfig(llm.baseURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "30000" });
  let ok = true;
  try {
    for (const doc of DOCS) {
      await draftWith(config, { path: fixturePath(doc) }); // warm-up: module loading, JIT
      await llm.calls();
      const readings: Reading[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        await draftWith(config, { path: fixturePath(doc) });
        readings.push(readCalls(await llm.calls()));
      }
      readings.sort((a, b) => a.ratio - b.ratio);
      const median = readings[Math.floor(readings.length / 2)]!;
      const met = median.ratio <= TARGET;
      ok &&= met;
      console.log(
        `${doc}: span / busy ${median.ratio.toFixed(3)} ${met ? "ok" : "MISSED"} (<= ${TARGET}); gaps: ${median.gaps.join(", ") || "none"}`,
      );
    }
    return ok;
  } finally {
    llm.stop();
  }
}
