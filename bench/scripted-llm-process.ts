/**
 * The scripted model server in a process of its own, as a real model server would be: its CPU
 * must not count as plandraft's overhead. Prints its base URL on the first line of stdout.
 * Usage: node --import tsx bench/scripted-llm-process.ts LATENCY_MS [CHUNK_DELAY_MS] [STAMP_WORDS]
 *   [JITTER_MS]
 * With STAMP_WORDS > 0, the text plandraft shows as it streams is made of that many send-time
 * stamps per slot (bench/stamped-fill.ts), one per chunk. JITTER_MS adds a random wait in
 * [0, JITTER_MS) to each call's latency. On SIGUSR2 it prints `chunks <n>`: the streamed chunks
 * it has written so far; on SIGUSR1 `calls <json>`: the calls that ended since the last such
 * read, each with its tool and its start and end on the server's clock.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { startScriptedLlm } from "../tests/support/scripted-llm.js";
import { stampedFill } from "./stamped-fill.js";

/** A call the server answered, stamped on its own clock (ms). */
export interface ServedCall {
  tool: string;
  start: number;
  end: number;
}

/** Ended calls kept for `calls()`: a benchmark that never reads them stays bounded. */
const KEPT_CALLS = 10_000;

export interface LlmProcess {
  baseURL: string;
  /** Its process id, to read its CPU time from /proc. */
  pid: number | undefined;
  /** Streamed chunks it has written so far. */
  chunks(): Promise<number>;
  /** The calls that ended since the last read, oldest first. */
  calls(): Promise<ServedCall[]>;
  stop(): void;
}

/** Starts this file as a child process and waits for its URL. */
export async function startLlmProcess(
  latencyMs: number,
  chunkDelayMs = 0,
  stampWords = 0,
  jitterMs = 0,
): Promise<LlmProcess> {
  const args = [latencyMs, chunkDelayMs, stampWords, jitterMs].map(String);
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", new URL(import.meta.url).pathname, ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  const baseURL = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`scripted model server exited with ${code}`)));
  });
  /** Signals the child and resolves with the rest of the line it prints after `word `. */
  const ask = (signal: NodeJS.Signals, word: string) =>
    new Promise<string>((resolve) => {
      const read = (line: string) => {
        if (!line.startsWith(`${word} `)) return;
        lines.off("line", read);
        resolve(line.slice(word.length + 1));
      };
      lines.on("line", read);
      child.kill(signal);
    });
  return {
    baseURL,
    pid: child.pid,
    chunks: async () => Number(await ask("SIGUSR2", "chunks")),
    calls: async () => JSON.parse(await ask("SIGUSR1", "calls")) as ServedCall[],
    stop: () => child.kill(),
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  // Every reply in progress waits on the server's one closing signal: hundreds at once, no leak.
  EventEmitter.defaultMaxListeners = 0;
  const stampWords = Number(process.argv[4] ?? 0);
  let chunks = 0;
  const llm = await startScriptedLlm({
    onChunk: () => (chunks += 1),
    latencyMs: Number(process.argv[2] ?? 0),
    chunkDelayMs: Number(process.argv[3] ?? 0),
    latencyJitterMs: Number(process.argv[5] ?? 0),
    ...(stampWords > 0 ? { stampChunks: true, fill: stampedFill(stampWords) } : {}),
  });
  // Of the server's log, only the last KEPT_CALLS ended calls stay, as start, end and tool: a
  // long benchmark would grow the whole log without bound.
  const ended: ServedCall[] = [];
  const keepEnded = () => {
    const running = llm.requests.filter((r) => r.endedAt === undefined);
    for (const r of llm.requests) {
      if (r.endedAt === undefined) continue;
      ended.push({ tool: r.toolName ?? "?", start: r.startedAt, end: r.endedAt });
    }
    ended.splice(0, Math.max(0, ended.length - KEPT_CALLS));
    llm.requests.splice(0, llm.requests.length, ...running);
  };
  setInterval(keepEnded, 1000).unref();
  console.log(llm.baseURL);
  process.on("SIGUSR2", () => console.log(`chunks ${chunks}`));
  process.on("SIGUSR1", () => {
    keepEnded();
    console.log(`calls ${JSON.stringify(ended.splice(0))}`);
  });
  process.on("SIGTERM", () => void llm.close().then(() => process.exit(0)));
}
