/**
 * The scripted model server in a process of its own, as a real model server would be: its CPU
 * must not count as plandraft's overhead. Prints its base URL on the first line of stdout.
 * Usage: node --import tsx bench/scripted-llm-process.ts LATENCY_MS [CHUNK_DELAY_MS]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { startScriptedLlm } from "../tests/support/scripted-llm.js";

export interface LlmProcess {
  baseURL: string;
  stop(): void;
}

/** Starts this file as a child process and waits for its URL. */
export async function startLlmProcess(latencyMs: number, chunkDelayMs = 0): Promise<LlmProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", new URL(import.meta.url).pathname, String(latencyMs), String(chunkDelayMs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  const baseURL = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`scripted model server exited with ${code}`)));
  });
  return { baseURL, stop: () => child.kill() };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const llm = await startScriptedLlm({
    latencyMs: Number(process.argv[2] ?? 0),
    chunkDelayMs: Number(process.argv[3] ?? 0),
  });
  // Keep no log: a long benchmark would grow it without bound.
  setInterval(() => (llm.requests.length = 0), 1000).unref();
  console.log(llm.baseURL);
  process.on("SIGTERM", () => void llm.close().then(() => process.exit(0)));
}
