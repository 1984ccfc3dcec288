/**
 * How much of a draft the model is not working: with the scripted model answering every call
 * at once after BENCH_GAPS_LATENCY_MS (300), the time from the first call's start to the last
 * call's end against the time with at least one call in flight, from the model's own request
 * log (the model runs in this process, so both ends are on one clock). Each gap between calls
 * is printed with the call that ended it: what plandraft does between the waves of sections.
 * Target (issue 15): at most 1.10. Median over BENCH_RUNS (5) drafts per doc, after a warm-up.
 */
import { startScriptedLlm, type ScriptedRequest } from "../tests/support/scripted-llm.js";
import { draftWith, fixturePath, scriptedConfig } from "../tests/support/drafting.js";

const LATENCY_MS = Number(process.env.BENCH_GAPS_LATENCY_MS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET = 1.1;
const DOCS = ["watchlist-feature.md", "features/01-kep-4639-oci-volume-source.md"];

interface Reading {
  ratio: number;
  gaps: string[];
}

/** Span over busy time of one draft's calls, and the gaps between them. */
function readCalls(requests: ScriptedRequest[]): Reading {
  const calls = requests
    .map((r) => ({ tool: r.toolName ?? "?", start: r.startedAt, end: r.endedAt ?? r.startedAt }))
    .sort((a, b) => a.start - b.start);
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
  const llm = await startScriptedLlm({ latencyMs: LATENCY_MS });
  const config = scriptedConfig(llm.baseURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "30000" });
  let ok = true;
  try {
    for (const doc of DOCS) {
      await draftWith(config, { path: fixturePath(doc) }); // warm-up: module loading, JIT
      const readings: Reading[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const before = llm.requests.length;
        await draftWith(config, { path: fixturePath(doc) });
        readings.push(readCalls(llm.requests.slice(before)));
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
    await llm.close();
  }
}
