/**
 * A server that runs for months: 1,000 drafts through one `plandraft serve` (its own process,
 * the probe preloaded), a few at a time, against the scripted model in its own process. At
 * fixed counts the probe collects all garbage and reports the live heap and RSS; the target is
 * the live heap at the last count within 10 % of the one at draft 200 (the first ones warm the
 * caches: templates, graphs, the model client's schemas). The store's bytes per finished draft
 * are `npm run bench -- storage`.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { draftEvents } from "../tests/support/sse.js";
import { fixturePath } from "../tests/support/drafting.js";
import { startLlmProcess } from "./scripted-llm-process.js";
import {
  openStore,
  plandraftEnv,
  readProbe,
  spawnPlandraft,
  stopPlandraft,
} from "./serve-servers.js";

const DRAFTS = Number(process.env.BENCH_SOAK_DRAFTS ?? 1000);
const AT_ONCE = Number(process.env.BENCH_SOAK_AT_ONCE ?? 4);
const LATENCY_MS = Number(process.env.BENCH_SOAK_LATENCY_MS ?? 20);
/** The count the heap is compared from: after the caches have filled. */
const BASELINE = Math.min(200, Math.floor(DRAFTS / 5));
const TARGET_GROWTH = 1.1;

interface Memory {
  heapMiB: number;
  rssMiB: number;
}

export async function benchSoak(): Promise<boolean> {
  const feature = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
  const llm = await startLlmProcess(LATENCY_MS);
  const store = await openStore();
  const env = {
    ...plandraftEnv(llm.baseURL, store, { maxRunning: AT_ONCE, maxQueued: 100 }),
    BENCH_PROBE_GC: "1",
    ...(process.env.BENCH_SOAK_SNAPSHOTS
      ? { BENCH_PROBE_SNAPSHOTS: process.env.BENCH_SOAK_SNAPSHOTS }
      : {}),
  };
  const { child, ready } = await spawnPlandraft(
    ["serve", "--port", "0"],
    env,
    /serving on (http:\/\/[^\s]+)/,
  );
  const url = ready[1] ?? "";
  const marks = new Set([BASELINE, ...[0.4, 0.6, 0.8, 1].map((f) => Math.round(DRAFTS * f))]);
  const heap = new Map<number, Memory>();
  try {
    console.log(
      `${DRAFTS} drafts, ${AT_ONCE} at a time, model latency ${LATENCY_MS} ms, ${store.describe}`,
    );
    const started = performance.now();
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < DRAFTS) {
        next += 1;
        const { events } = await draftEvents(url, feature);
        if (events.at(-1)?.type !== "draft.completed")
          throw new Error(`a draft ended ${events.at(-1)?.type}: ${JSON.stringify(events.at(-1))}`);
        done += 1;
        // Read while the others keep running: what a live server holds, not an idle one.
        if (marks.has(done)) heap.set(done, await readProbe<Memory>(child));
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${(DRAFTS / seconds).toFixed(1)} drafts/s over ${seconds.toFixed(0)} s`);
    for (const [count, memory] of [...heap].sort((a, b) => a[0] - b[0]))
      console.log(
        `  after ${String(count).padStart(5)} drafts: live heap ${memory.heapMiB.toFixed(1)} MiB, RSS ${memory.rssMiB.toFixed(0)} MiB`,
      );
    const first = heap.get(BASELINE);
    const last = heap.get(DRAFTS);
    if (!first || !last) throw new Error("the probe did not report");
    const growth = last.heapMiB / first.heapMiB;
    const perDraft = ((last.heapMiB - first.heapMiB) * 1024) / (DRAFTS - BASELINE);
    const ok = growth <= TARGET_GROWTH;
    console.log(
      `  live heap at ${DRAFTS} / at ${BASELINE}: ${growth.toFixed(3)} (${perDraft.toFixed(1)} KiB a draft; target <= ${TARGET_GROWTH}) ${ok ? "ok" : "MISSED"}`,
    );
    return ok;
  } finally {
    await stopPlandraft(child);
    llm.stop();
    await store.drop();
  }
}
