/** What the server bench prints: its table, the CPU profile, the capacity and the floor. */
import { existsSync } from "node:fs";
import os from "node:os";
import { summarizeProfile } from "./cpu-profile.js";
import type { ClientFloor } from "./client-floor.js";
import type { Reading } from "./serve-client.js";
import type { LoopDelay } from "./serve-servers.js";
import { DRAFTS, TARGET_P99_MS } from "./serve-settings.js";

export interface Measured {
  p50: number;
  p90: number;
  p99: number;
  /** Share of chunks within the target. */
  withinTarget: number;
  min: number;
  max: number;
  chunks: number;
  deltas: number;
  draftsPerS: number;
  wallS: number;
  /** Drafts per second to the last graph event, before LangGraph's stream-join wait. */
  graphDraftsPerS: number;
  mainPeakRss: number;
  treePeakRss: number;
  serverCpuS: number;
  loop: LoopDelay | undefined;
  clientCpuS: number;
  modelCpuS: number;
  failures: string[];
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

export function printProfile(file: string): void {
  if (!existsSync(file)) {
    console.log(`no CPU profile in ${file}`);
    return;
  }
  const { totalMs, functions, packages } = summarizeProfile(file);
  const pct = (ms: number) => `${((100 * ms) / totalMs).toFixed(1).padStart(5)}%`;
  console.log(
    `\nCPU profile of plandraft serve during the batch (${file}), ${(totalMs / 1000).toFixed(1)} s sampled`,
  );
  console.log("  self time by package:");
  for (const p of packages.slice(0, 10)) console.log(`    ${pct(p.ms)}  ${p.name}`);
  console.log("  self time by function:");
  for (const f of functions) console.log(`    ${pct(f.ms)}  ${f.name}`);
}

const MiB = (bytes: number) => bytes / (1 << 20);

export function printTable(ours: Measured, theirs: Measured | string): void {
  const other = typeof theirs === "string" ? undefined : theirs;
  const rows: [string, (m: Measured) => number, number][] = [
    ["chunk -> delta p50 (ms)", (m) => m.p50, 2],
    ["chunk -> delta p90 (ms)", (m) => m.p90, 2],
    ["chunk -> delta p99 (ms)", (m) => m.p99, 2],
    [`chunks within ${TARGET_P99_MS} ms (%)`, (m) => 100 * m.withinTarget, 1],
    ["chunk -> delta min (ms)", (m) => m.min, 2],
    ["chunk -> delta max (ms)", (m) => m.max, 1],
    ["chunks measured", (m) => m.chunks, 0],
    ["section.delta events", (m) => m.deltas, 0],
    ["completed drafts/s (first POST -> last end)", (m) => m.draftsPerS, 2],
    ["  wall time (s)", (m) => m.wallS, 1],
    ["drafts/s to the last graph event", (m) => m.graphDraftsPerS, 2],
    ["peak RSS, server process (MiB)", (m) => MiB(m.mainPeakRss), 0],
    ["peak RSS, its process tree (MiB)", (m) => MiB(m.treePeakRss), 0],
    ["server CPU during the batch (s)", (m) => m.serverCpuS, 1],
    ["  per draft started (ms)", (m) => (1000 * m.serverCpuS) / DRAFTS, 0],
    ["server event-loop delay p99 (ms)", (m) => m.loop?.p99 ?? NaN, 1],
    ["server event-loop delay max (ms)", (m) => m.loop?.max ?? NaN, 1],
    ["client CPU during the batch (s)", (m) => m.clientCpuS, 1],
    ["scripted model CPU (s)", (m) => m.modelCpuS, 1],
    ["failed drafts", (m) => m.failures.length, 0],
  ];
  const head = ["", "plandraft serve", "langgraph-cli dev", "ours/theirs"];
  const widths = [44, 16, 18, 12];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join("");
  console.log(line(head));
  for (const [label, get, digits] of rows) {
    const a = get(ours);
    const b = other ? get(other) : NaN;
    const shown = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(digits));
    const ratio = other && b !== 0 && !Number.isNaN(a / b) ? (a / b).toFixed(2) : "-";
    console.log(line([label, shown(a), other ? shown(b) : "-", ratio]));
  }
  if (typeof theirs === "string") console.log(`langgraph-cli dev: skipped: ${theirs}`);
  for (const [name, m] of [
    ["ours", ours],
    ["theirs", other],
  ] as const) {
    const kinds = new Map<string, number>();
    for (const why of m?.failures ?? []) kinds.set(why, (kinds.get(why) ?? 0) + 1);
    for (const [why, count] of kinds) console.log(`${name}: ${count} failed: ${why}`);
  }
}

/** One smaller batch on the same server. */
export interface Capacity {
  drafts: number;
  /** Batches of that many drafts, one after another, whose chunks are pooled. */
  batches: number;
  chunks: number;
  p50: number;
  p99: number;
  withinTarget: number;
  failures: number;
  /** Completed drafts per second of the batches' wall time, added up. */
  draftsPerS: number;
  wallS: number;
  /** CPU each party used over the batches, and the chunks the model wrote. */
  used: Reading;
}

export function printCapacity(rows: Capacity[], targetMs = TARGET_P99_MS): void {
  if (rows.length === 0) return;
  console.log(
    `capacity: batches of drafts at once on the same warm server (target p99 < ${targetMs} ms)`,
  );
  console.log("  drafts at once   batches   chunks   p50 (ms)   p99 (ms)   within target   failed");
  for (const row of rows) {
    console.log(
      `  ${String(row.drafts).padStart(14)}${String(row.batches).padStart(10)}` +
        `${String(row.chunks).padStart(9)}${row.p50.toFixed(2).padStart(11)}` +
        `${row.p99.toFixed(2).padStart(11)}${(100 * row.withinTarget).toFixed(1).padStart(15)}%` +
        `${String(row.failures).padStart(9)}`,
    );
  }
  const most = mostWithin(rows, targetMs)?.drafts;
  console.log(
    most
      ? `  most drafts at once with p99 under ${targetMs} ms (of those tried): ${most}`
      : `  none of those tried kept p99 under ${targetMs} ms`,
  );
}

/** The largest batch whose p99 held under the target with no draft failed. */
export function mostWithin(rows: Capacity[], targetMs: number): Capacity | undefined {
  return rows.filter((r) => r.p99 < targetMs && r.failures === 0).at(-1);
}

/**
 * The chunks per second of the graph's widest step with every draft in it, against what
 * LangChain's client alone can carry: whether the target could hold with no code of ours at all.
 */
export function printFloor(floors: ClientFloor[], chunkDelayMs: number): void {
  console.log("LangChain's OpenAI client alone (no plandraft code, in the bench process):");
  for (const each of floors) {
    console.log(
      `  ${String(each.streams).padStart(5)} streams at once: ${each.usPerChunk.toFixed(1)} us ` +
        `CPU per chunk over ${each.chunks} chunks`,
    );
  }
  const floor = floors.at(-1);
  if (!floor) return;
  const perSecond = (floor.streams * 1000) / chunkDelayMs;
  const cores = (perSecond * floor.usPerChunk) / 1e6;
  console.log(
    `  the widest step of ${DRAFTS} drafts streams ${floor.streams} calls at once, ` +
      `${perSecond.toFixed(0)} chunks/s: the client alone needs ${cores.toFixed(2)} cores for ` +
      `them (this machine has ${os.availableParallelism()})`,
  );
}
