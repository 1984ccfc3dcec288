/**
 * Preloaded into the server under test (`--import`). On each SIGUSR2 it writes the event-loop
 * delay seen since the one before to stderr, as `bench-probe {"p50":ms,"p99":ms,"max":ms}`: a
 * delay there is CPU the server spent elsewhere while chunks waited to be read. With
 * BENCH_PROBE_PROFILE=<file>, the first SIGUSR2 also starts the CPU profiler and the second
 * writes the profile of what ran in between to that file (the batch alone, not the start-up).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";

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

process.on("SIGUSR2", () => {
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  const report = {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
  histogram.reset();
  void toggleProfiler().then(() => process.stderr.write(`bench-probe ${JSON.stringify(report)}\n`));
});
