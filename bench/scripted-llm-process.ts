/**
 * The scripted model server in a process of its own, as a real model server would be: its CPU
 * must not count as plandraft's overhead. Prints its base URL on the first line of stdout.
 * Usage: node --import tsx bench/scripted-llm-process.ts LATENCY_MS [CHUNK_DELAY_MS] [STAMP_WORDS]
 *   [JITTER_MS]
 * With STAMP_WORDS > 0, the text plandraft shows as it streams is made of that many send-time
 * stamps per slot (bench/stamped-fill.ts), one per chunk. JITTER_MS adds a random wait in
 * [0, JITTER_MS) to each call's latency. On SIGUSR2 it prints `chunks <n>`: the streamed chunks
 * it has written so far.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import { startScriptedLlm } from "../tests/support/scripted-llm.js";
import { stampedFill } from "./stamped-fill.js";

export interface LlmProcess {
  baseURL: string;
  /** Its process id, to read its CPU time from /proc. */
  pid: number | undefined;
  /** Streamed chunks it has written so far. */
  chunks(): Promise<number>;
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
  const chunks = () =>
    new Promise<number>((resolve) => {
      const read = (line: string) => {
        const match = /^chunks (\d+)$/.exec(line);
        if (!match) return;
        lines.off("line", read);
        resolve(Number(match[1]));
      };
      lines.on("line", read);
      child.kill("SIGUSR2");
    });
  return { baseURL, pid: child.pid, chunks, stop: () => child.kill() };
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
  // Keep no log: a long benchmark would grow it without bound.
  setInterval(() => (llm.requests.length = 0), 1000).unref();
  console.log(llm.baseURL);
  process.on("SIGUSR2", () => console.log(`chunks ${chunks}`));
  process.on("SIGTERM", () => void llm.close().then(() => process.exit(0)));
}
