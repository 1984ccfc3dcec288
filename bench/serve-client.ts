/**
 * The server bench's client: drafts streamed over SSE, batches of them at once, and the capacity
 * sweep (batches of growing size, with the chunk -> delta delay and the CPU of every party that
 * shares the machine read around each size).
 */
import { performance } from "node:perf_hooks";
import { createParser } from "eventsource-parser";
import { readStamps } from "../tests/support/scripted-llm.js";
import { cpuSeconds, processesNamed, processTree } from "./processes.js";
import type { LlmProcess } from "./scripted-llm-process.js";
import { percentile, type Capacity } from "./serve-report.js";
import { FEATURE } from "./serve-settings.js";

/** Milliseconds since the epoch, sub-millisecond: the clock the scripted server stamps with. */
export const now = (): number => performance.timeOrigin + performance.now();

/** What the client saw of one batch of drafts run at once. */
export class Batch {
  readonly started = now();
  /** When the last draft ended, as its client saw it (its last event, or its stream's end). */
  ended = 0;
  /** When the last draft's graph finished (LangGraph's stream ends ~500 ms after that). */
  graphEnded = 0;
  /** Chunk -> delta delay of every stamped chunk, ms. */
  readonly delays: number[] = [];
  deltas = 0;
  completed = 0;
  readonly failures: string[] = [];

  /** One draft: stamps already seen per section, so a restarted section is not counted twice. */
  draft() {
    const seen = new Map<string, Set<number>>();
    return {
      delta: (section: string, text: string, at: number) => {
        this.deltas += 1;
        const mine = seen.get(section) ?? new Set<number>();
        seen.set(section, mine);
        for (const stamp of readStamps(text)) {
          if (mine.has(stamp)) continue;
          mine.add(stamp);
          this.delays.push(at - stamp);
        }
      },
      end: (at: number, graphAt = at) => {
        this.completed += 1;
        this.ended = Math.max(this.ended, at);
        this.graphEnded = Math.max(this.graphEnded, graphAt);
      },
      fail: (why: string) => {
        this.failures.push(why);
        this.ended = Math.max(this.ended, now());
      },
    };
  }
}

/** A draft whose stream has not ended by then counts as failed: a stuck one must not hang. */
const DRAFT_DEADLINE_MS = 120_000;

export type DraftClient = ReturnType<Batch["draft"]>;

/** Reads an SSE response to its end; each event comes with when its bytes reached us. */
async function readSse(
  response: Response,
  onEvent: (type: string, data: string, at: number) => void,
): Promise<number> {
  let at = 0;
  const parser = createParser({ onEvent: (m) => onEvent(m.event ?? "message", m.data, at) });
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    at = now();
    parser.feed(decoder.decode(chunk, { stream: true }));
  }
  return now();
}

export async function runBatch(
  count: number,
  one: (client: DraftClient) => Promise<void>,
): Promise<Batch> {
  const batch = new Batch();
  const runs = Array.from({ length: count }, async () => {
    const client = batch.draft();
    await one(client).catch((error: unknown) => client.fail(String(error)));
  });
  await Promise.all(runs);
  return batch;
}

/** One draft on our server: POST with Accept: text/event-stream, the stream in the response. */
export async function oursDraft(url: string, client: DraftClient): Promise<void> {
  const response = await fetch(`${url}/v1/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({ feature: FEATURE }),
    signal: AbortSignal.timeout(DRAFT_DEADLINE_MS),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`POST /v1/drafts answered ${response.status}: ${await response.text()}`);
  let outcome = "no draft.completed";
  await readSse(response, (type, data, at) => {
    if (type === "section.delta") {
      const { section, text } = JSON.parse(data) as { section: string; text: string };
      client.delta(section, text, at);
    } else if (type === "draft.completed") {
      outcome = "";
      client.end(at);
    } else if (type === "draft.failed") outcome = `draft.failed: ${data.slice(0, 300)}`;
  });
  if (outcome) client.fail(outcome);
}

/** One draft on the LangGraph API server: a thread, then a streamed run of it. */
export async function langGraphDraft(url: string, client: DraftClient): Promise<void> {
  const created = await fetch(`${url}/threads`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  const { thread_id: thread } = (await created.json()) as { thread_id: string };
  const response = await fetch(`${url}/threads/${thread}/runs/stream`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify({
      assistant_id: "plan-drafter",
      input: { featureText: FEATURE, featureSource: "feature.md" },
      stream_mode: ["custom"],
    }),
  });
  if (response.status !== 200 || !response.body)
    throw new Error(`POST runs/stream answered ${response.status}: ${await response.text()}`);
  let problem = "";
  let assembled = 0;
  const end = await readSse(response, (type, data, at) => {
    if (type === "error") problem ||= `error event: ${data.slice(0, 300)}`;
    if (type !== "custom") return;
    const event = JSON.parse(data) as {
      type: string;
      data?: { section?: string; text?: string };
      step?: string;
    };
    if (event.type === "section.delta") {
      client.delta(event.data?.section ?? "", event.data?.text ?? "", at);
    } else if (event.type === "section.failed") problem ||= `section.failed: ${data.slice(0, 300)}`;
    else if (event.type === "step" && event.step === "assemble") assembled = at;
  });
  if (!assembled) problem ||= "the run ended before its assemble step";
  if (problem) client.fail(problem);
  else client.end(end, assembled);
}

export type OneDraft = (url: string, client: DraftClient) => Promise<void>;

/** A few drafts first: module loading and JIT are not what the bench measures. */
export async function warmUp(url: string, one: OneDraft, drafts: number): Promise<void> {
  const warm = await runBatch(drafts, (client) => one(url, client));
  if (warm.failures.length > 0) throw new Error(`warm-up failed: ${warm.failures[0]}`);
}

/** CPU seconds so far of each party that shares the machine, and the model's chunks so far. */
export interface Reading {
  /** Our processes by root (the server, or the API node and each worker), with their children. */
  ours: number[];
  model: number;
  /** This process: the bench's clients. */
  client: number;
  /** Every postgres process on this machine: other users of it count too. */
  postgres: number;
  modelChunks: number;
}

/** All our processes' CPU seconds. */
export const oursTotal = (reading: Reading): number => reading.ours.reduce((a, b) => a + b, 0);

/** Reads `Reading`s; `pids` are the roots of our processes. */
export function createReader(pids: () => number[], llm: LlmProcess): () => Promise<Reading> {
  const sum = (list: number[]) => list.reduce((total, pid) => total + cpuSeconds(pid), 0);
  return async () => {
    const self = process.cpuUsage();
    return {
      ours: pids().map((pid) => sum(processTree(pid))),
      model: llm.pid ? cpuSeconds(llm.pid) : 0,
      client: (self.user + self.system) / 1e6,
      postgres: sum(processesNamed("postgres")),
      modelChunks: await llm.chunks(),
    };
  };
}

const minus = (a: Reading, b: Reading): Reading => ({
  ours: a.ours.map((seconds, i) => seconds - (b.ours[i] ?? 0)),
  model: a.model - b.model,
  client: a.client - b.client,
  postgres: a.postgres - b.postgres,
  modelChunks: a.modelChunks - b.modelChunks,
});

/** Stamped chunks a capacity row pools at least, over batches run one after another. */
const SWEEP_CHUNKS = 1500;
const SWEEP_BATCHES_MAX = 6;

/**
 * Batches of `sizes` drafts at once on a warm server: how far `targetMs` holds. A few drafts give
 * few chunks, so batches of the same size are repeated until their pooled p99 rests on enough of
 * them.
 */
export async function sweep(options: {
  url: string;
  one: OneDraft;
  sizes: number[];
  targetMs: number;
  read: () => Promise<Reading>;
}): Promise<Capacity[]> {
  const rows: Capacity[] = [];
  for (const drafts of options.sizes) {
    const delays: number[] = [];
    let failures = 0;
    let batches = 0;
    let completed = 0;
    let wallS = 0;
    const before = await options.read();
    while (delays.length < SWEEP_CHUNKS && batches < SWEEP_BATCHES_MAX) {
      const batch = await runBatch(drafts, (client) => options.one(options.url, client));
      delays.push(...batch.delays);
      failures += batch.failures.length;
      completed += batch.completed;
      wallS += (batch.ended - batch.started) / 1000;
      batches += 1;
    }
    const used = minus(await options.read(), before);
    delays.sort((a, b) => a - b);
    rows.push({
      drafts,
      batches,
      chunks: delays.length,
      p50: percentile(delays, 0.5),
      p99: percentile(delays, 0.99),
      withinTarget: delays.filter((d) => d < options.targetMs).length / Math.max(1, delays.length),
      failures,
      draftsPerS: completed / wallS,
      wallS,
      used,
    });
  }
  return rows;
}
