/**
 * The server under load: BENCH_SERVE_DRAFTS drafts (default 100) streaming at once from
 * `plandraft serve`, run as a process of its own, against the scripted model in another process
 * with a fixed latency per call and a steady pace of chunks. Reports the delay from the model
 * writing a chunk to the client receiving the section.delta that shows it (p50, p99), drafts
 * per second, and the server's peak RSS; then the same for the same graph served by
 * `langgraph-cli dev` (when it can run here) and the ratios ours / theirs.
 * Target (our design): chunk -> delta p99 under 5 ms on 2 cores with 100 drafts streaming.
 * Then, on Postgres, the API node and workers apart (bench/serve-workers.ts).
 */
import { buildLayout } from "../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../tests/support/drafting.js";
import { measureClientFloor, widestStep } from "./client-floor.js";
import { cpuBetween, cpuSeconds, treeUsage, type TreeUsage } from "./processes.js";
import { startLlmProcess, type LlmProcess } from "./scripted-llm-process.js";
import {
  createReader,
  langGraphDraft,
  oursDraft,
  runBatch,
  sweep,
  warmUp,
  type OneDraft,
} from "./serve-client.js";
import {
  percentile,
  printCapacity,
  printFloor,
  printProfile,
  printTable,
  type Capacity,
  type Measured,
} from "./serve-report.js";
import { openStore, startLangGraph, startOurs, type Served } from "./serve-servers.js";
import {
  CHUNK_DELAY_MS,
  CPU_PROFILE,
  DRAFTS,
  FLOOR,
  JITTER_MS,
  LANGGRAPH,
  LANGGRAPH_CLI,
  LATENCY_MS,
  ONE_PROCESS,
  PLANDRAFT_ENTRY,
  STAMP_WORDS,
  SWEEP,
  TARGET_P99_MS,
  WARMUP_DRAFTS,
  WORKERS,
} from "./serve-settings.js";
import { benchWorkers } from "./serve-workers.js";

/** DRAFTS at once on a warm server, with the server's usage read from /proc around them. */
async function measure(
  served: Served,
  llmPid: number | undefined,
  one: OneDraft,
): Promise<Measured> {
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

export async function benchServe(): Promise<boolean> {
  console.log(
    `${DRAFTS} drafts at once (after ${WARMUP_DRAFTS} warm-up drafts) of examples/feature.md; ` +
      `scripted model in its own process: ${LATENCY_MS} ms per call, then a chunk every ` +
      `${CHUNK_DELAY_MS} ms (each call's latency plus a random 0-${JITTER_MS} ms, so streams ` +
      `that start together do not stay in lockstep); ${STAMP_WORDS} stamped words per slot ` +
      "shown as it streams",
  );
  console.log(
    "chunk -> delta: for every chunk whose text the server shows as soon as it arrives (prose, " +
      "topics, the last item of a list: each chunk ends with a whole stamped word and a space), " +
      "the time from the scripted server stamping it right before writing it to the client " +
      "receiving the first section.delta that carries it (both read performance.timeOrigin + " +
      "performance.now(), on this machine); text shown only once its block is complete " +
      "(tables, checklists, diagrams) is not stamped. It includes the client's own lag.",
  );
  const llm = await startLlmProcess(LATENCY_MS, CHUNK_DELAY_MS, STAMP_WORDS, JITTER_MS);
  try {
    const alone = ONE_PROCESS ? await benchOneProcess(llm) : true;
    const apart = WORKERS.length > 0 ? await benchWorkers(llm) : true;
    return alone && apart;
  } finally {
    llm.stop();
  }
}

/** `plandraft serve`, API and worker in one process; then langgraph-cli dev and the floor. */
async function benchOneProcess(llm: LlmProcess): Promise<boolean> {
  const store = await openStore();
  console.log(`plandraft serve: ${PLANDRAFT_ENTRY} (sources via tsx), store ${store.describe}`);
  let ours: Measured;
  let capacity: Capacity[];
  const served = await startOurs(llm.baseURL, store);
  try {
    await warmUp(served.url, oursDraft, WARMUP_DRAFTS);
    capacity = await sweep({
      url: served.url,
      one: oursDraft,
      sizes: SWEEP,
      targetMs: TARGET_P99_MS,
      read: createReader(() => [served.pid], llm),
    });
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
        await warmUp(langGraph.url, langGraphDraft, WARMUP_DRAFTS);
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
  console.log("");
  printCapacity(capacity);
  if (FLOOR) {
    const layout = buildLayout(DEFAULT_TEMPLATE);
    const widest = widestStep(layout).length;
    // One draft's widest step, ten drafts', and the batch's: a trickle costs more per chunk.
    const counts = [...new Set([widest, widest * 10, widest * DRAFTS])].sort((a, b) => a - b);
    const floors = [];
    for (const streams of counts)
      floors.push(await measureClientFloor(llm.baseURL, layout, streams));
    console.log("");
    printFloor(floors, CHUNK_DELAY_MS);
  }
  const met = ours.failures.length === 0 && ours.p99 < TARGET_P99_MS;
  console.log(
    `chunk -> delta p99 ${ours.p99.toFixed(2)} ms (target < ${TARGET_P99_MS} ms): ${met ? "met" : "MISSED"}`,
  );
  return met;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  process.exitCode = (await benchServe()) ? 0 : 1;
}
