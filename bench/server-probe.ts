/**
 * Preloaded into the server under test (`--import`). On each SIGUSR2 it writes the event-loop
 * delay seen since the one before to stderr, as `bench-probe {"p50":ms,"p99":ms,"max":ms}`: a
 * delay there is CPU the server spent elsewhere while chunks waited to be read. With
 * BENCH_PROBE_PROFILE=<file>, the first SIGUSR2 also starts the CPU profiler and the second
 * writes the profile of what ran in between to that file (the batch alone, not the start-up).
 * With BENCH_PROBE_GC=1 it first collects all garbage and adds the live heap and RSS (MiB); with
 * BENCH_PROBE_SNAPSHOTS=<folder> as well, it writes a heap snapshot there each time (open two in
 * Chrome's DevTools, Comparison view, to see what the drafts between them left alive).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { join } from "node:path";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const profileTo = process.env.BENCH_PROBE_PROFILE;
let session: Session | undefined;

async function toggleProfiler(): Promise<void> {
  if (!profileTo) return;
  if (!session) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    return;
  }
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(profileTo, JSON.stringify(profile));
  session.disconnect();
  session = undefined;
}

/** A full collection on demand, without starting the server with --expose-gc. */
const collect = process.env.BENCH_PROBE_GC === "1" ? exposeGc() : undefined;

function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function liveMemory(): { heapMiB: number; rssMiB: number } | object {
  if (!collect) return {};
  collect();
  collect(); // a second pass takes what the first one's finalizers let go
  const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(2));
  const snapshots = process.env.BENCH_PROBE_SNAPSHOTS;
  if (snapshots) writeHeapSnapshot(join(snapshots, `plandraft-${Date.now()}.heapsnapshot`));
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: mib(heapUsed), rssMiB: mib(rss) };
}

process.on("SIGUSR2", () => {
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  const report = {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    ...liveMemory(),
  };
  histogram.reset();
  void toggleProfiler().then(() => process.stderr.write(`bench-probe ${JSON.stringify(report)}\n`));
});
