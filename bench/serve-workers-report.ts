/** What the bench of the API node and workers apart prints: each sweep, then N side by side. */
import os from "node:os";
import type { ClientFloor } from "./client-floor.js";
import { oursTotal } from "./serve-client.js";
import { mostWithin, type Capacity } from "./serve-report.js";
import { WORKERS_TARGET_OWN_SHARE, WORKERS_TARGET_P99_MS } from "./serve-settings.js";

/** One topology's sweep: the API node and `workers` workers. */
export interface Topology {
  workers: number;
  rows: Capacity[];
  /** The 1-minute load average when it started: the machine is shared. */
  load: number;
}

type Floors = Map<number, ClientFloor>;

/** Our processes' CPU per chunk the model streamed, µs. */
export function usPerChunk(row: Capacity): number {
  return (1e6 * oursTotal(row.used)) / Math.max(1, row.used.modelChunks);
}

/** Plandraft's part of our CPU per chunk: what is left over LangChain's client floor. */
export function ownShare(row: Capacity, floors: Floors): number {
  const ours = usPerChunk(row);
  return (ours - (floors.get(row.drafts)?.usPerChunk ?? NaN)) / ours;
}

/** Cores each party kept busy over a size's batches. */
function cores(row: Capacity) {
  const per = (seconds: number) => seconds / row.wallS;
  const ours = per(oursTotal(row.used));
  const model = per(row.used.model);
  const client = per(row.used.client);
  const postgres = per(row.used.postgres);
  return { ours, model, client, postgres, total: ours + model + client + postgres };
}

const fixed = (value: number | undefined, digits: number) =>
  value === undefined || Number.isNaN(value) ? "-" : value.toFixed(digits);
const pct = (share: number) => `${fixed(100 * share, 0)}%`;

export function printSweep(topology: Topology, floors: Floors): void {
  console.log(
    `N = ${topology.workers}: 1 API node + ${topology.workers} worker(s), load average ` +
      `${fixed(topology.load, 1)} at the start`,
  );
  console.log(
    "  drafts  batches  chunks  p50 ms  p99 ms  drafts/s  ours us/chunk  floor us/chunk" +
      "  plandraft's part  cores: ours model client postgres",
  );
  for (const row of topology.rows) {
    const busy = cores(row);
    console.log(
      `  ${String(row.drafts).padStart(6)}${String(row.batches).padStart(9)}` +
        `${String(row.chunks).padStart(8)}${fixed(row.p50, 1).padStart(8)}` +
        `${fixed(row.p99, 1).padStart(8)}${fixed(row.draftsPerS, 2).padStart(10)}` +
        `${fixed(usPerChunk(row), 0).padStart(15)}` +
        `${fixed(floors.get(row.drafts)?.usPerChunk, 0).padStart(16)}` +
        `${pct(ownShare(row, floors)).padStart(18)}` +
        `${fixed(busy.ours, 2).padStart(13)}${fixed(busy.model, 2).padStart(6)}` +
        `${fixed(busy.client, 2).padStart(7)}${fixed(busy.postgres, 2).padStart(9)}` +
        (row.failures > 0 ? `  ${row.failures} failed` : ""),
    );
  }
}

/** What the figures of each topology are. */
export function printWorkersLegend(): void {
  console.log(
    "chunk -> delta as above; ours = CPU of the API node and the workers (with their children) " +
      "per chunk the scripted model streamed; floor = LangChain's client alone (bench process) " +
      "per chunk, with 6 streams at once per draft (the widest step); plandraft's part = " +
      "(ours - floor) / ours; cores = CPU seconds / wall seconds of each party over the size's " +
      "batches (postgres: all its processes on this machine)",
  );
}

/** The figures at each topology's capacity side by side, and the verdicts. */
export function printWorkers(topologies: Topology[], floors: Floors): void {
  const at = topologies.map((t) => mostWithin(t.rows, WORKERS_TARGET_P99_MS));
  const row = (label: string, value: (capacity: Capacity) => string) =>
    console.log(
      `  ${label.padEnd(48)}` +
        at.map((capacity) => (capacity ? value(capacity) : "-").padStart(12)).join(""),
    );
  console.log(
    `  ${"at the most drafts at once with p99 < " + WORKERS_TARGET_P99_MS + " ms"}`.padEnd(50) +
      topologies.map((t) => `N = ${t.workers}`.padStart(12)).join(""),
  );
  row("drafts at once", (c) => String(c.drafts));
  row("chunk -> delta p50 / p99 (ms)", (c) => `${fixed(c.p50, 1)} / ${fixed(c.p99, 1)}`);
  row("completed drafts/s", (c) => fixed(c.draftsPerS, 2));
  row("our CPU per chunk (us)", (c) => fixed(usPerChunk(c), 0));
  row("LangChain's client floor per chunk (us)", (c) => fixed(floors.get(c.drafts)?.usPerChunk, 0));
  row(`plandraft's part (target <= ${pct(WORKERS_TARGET_OWN_SHARE)})`, (c) =>
    pct(ownShare(c, floors)),
  );
  row("our CPU: API node's share", (c) => pct((c.used.ours[0] ?? 0) / oursTotal(c.used)));
  row("cores busy: ours + model + client + postgres", (c) => fixed(cores(c).total, 2));
  console.log(
    `  ${"chunk -> delta p50 / p99 (ms) by size"}`.padEnd(50) +
      topologies.map((t) => `N = ${t.workers}`.padStart(16)).join(""),
  );
  for (const [i, size] of (topologies[0]?.rows ?? []).entries()) {
    const cells = topologies.map((t) => {
      const r = t.rows[i];
      return (r ? `${fixed(r.p50, 1)} / ${fixed(r.p99, 1)}` : "-").padStart(16);
    });
    console.log(`  ${String(size.drafts).padStart(6)} drafts at once`.padEnd(50) + cells.join(""));
  }
  printVerdict(topologies, at, floors);
}

function printVerdict(topologies: Topology[], at: (Capacity | undefined)[], floors: Floors): void {
  const [first, last] = [at[0], at.at(-1)];
  const [one, many] = [topologies[0], topologies.at(-1)];
  if (topologies.length > 1 && one && many) {
    const ratio = first && last ? last.drafts / first.drafts : NaN;
    const rate = first && last ? last.draftsPerS / first.draftsPerS : NaN;
    console.log(
      `capacity N = ${many.workers} / N = ${one.workers}: ${fixed(ratio, 2)} ` +
        `(drafts at once), ${fixed(rate, 2)} (drafts/s there)`,
    );
    const tried = Math.max(...many.rows.map((r) => r.drafts));
    if (last?.drafts === tried)
      console.log(`  N = ${many.workers} held the largest size tried: its capacity may be more`);
    else if (!(ratio > 1)) printNoGain(one, many);
  }
  for (const [i, topology] of topologies.entries()) {
    const capacity = at[i];
    if (!capacity) {
      console.log(
        `N = ${topology.workers}: no size tried kept p99 under ${WORKERS_TARGET_P99_MS} ms: MISSED`,
      );
      continue;
    }
    const share = ownShare(capacity, floors);
    console.log(
      `N = ${topology.workers}: plandraft's part ${pct(share)} of our CPU per chunk at ` +
        `${capacity.drafts} drafts at once (target <= ${pct(WORKERS_TARGET_OWN_SHARE)}): ` +
        (share <= WORKERS_TARGET_OWN_SHARE ? "met" : "MISSED"),
    );
  }
}

/**
 * The second worker showed no gain: at the largest size, what each topology did, how many cores
 * the parties we measure kept busy, and how loaded the machine was.
 */
function printNoGain(one: Topology, many: Topology): void {
  const largest = (t: Topology) => t.rows.reduce((a, b) => (b.drafts > a.drafts ? b : a));
  const [a, b] = [largest(one), largest(many)];
  console.log(
    `  no capacity gain shown at p99 < ${WORKERS_TARGET_P99_MS} ms. At ${b.drafts} drafts at ` +
      `once: p50 / p99 ${fixed(a.p50, 0)} / ${fixed(a.p99, 0)} ms with N = ${one.workers}, ` +
      `${fixed(b.p50, 0)} / ${fixed(b.p99, 0)} ms with N = ${many.workers}; drafts/s ` +
      `${fixed(a.draftsPerS, 2)} and ${fixed(b.draftsPerS, 2)}; ours, the scripted model, the ` +
      `client and Postgres kept ${fixed(cores(a).total, 2)} and ${fixed(cores(b).total, 2)} of ` +
      `the ${os.availableParallelism()} cores busy, with a load average of ${fixed(one.load, 1)} ` +
      `and ${fixed(many.load, 1)} at the start. Where they do not fill the cores, their CPU is ` +
      "not what holds the delay back: other work on this machine takes the rest, and the waits " +
      "on Postgres (saves, LISTEN/NOTIFY) are not split out here",
  );
}
