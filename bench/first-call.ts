/**
 * From a `plandraft draft` process's start to its first model request, as the scripted model (in
 * this process, on the same clock) sees it arrive: what a user waits before anything is drafted.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { startScriptedLlm, scriptedModelEnv } from "../tests/support/scripted-llm.js";

const BIN = new URL("../bin/plandraft.js", import.meta.url).pathname;
const FEATURE = new URL("../examples/feature.md", import.meta.url).pathname;

/** The median over `runs` (after one warm-up) of start -> first request, in ms. */
export async function firstModelCall(env: Record<string, string>, runs: number): Promise<number> {
  const llm = await startScriptedLlm();
  try {
    const once = async () => {
      const seen = llm.requests.length;
      const started = performance.now();
      const child = spawn(process.execPath, [BIN, "draft", FEATURE], {
        env: { ...process.env, ...env, ...scriptedModelEnv(llm) },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (part: Buffer) => (stderr += part.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const first = await Promise.race([
        waitForRequest(() => llm.requests[seen]?.startedAt),
        exited.then((code) => {
          throw new Error(`plandraft draft exited ${code} before a model call: ${stderr}`);
        }),
      ]);
      // Drafted to its end: a killed one would make the next open of the embedded store recover.
      const code = await exited;
      if (code !== 0) throw new Error(`plandraft draft exited ${code}: ${stderr}`);
      return first - started;
    };
    await once();
    const times: number[] = [];
    for (let run = 0; run < runs; run += 1) times.push(await once());
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? 0;
  } finally {
    await llm.close();
  }
}

/** Polls (1 ms) for the time the scripted model stamped on the request's arrival. */
async function waitForRequest(arrival: () => number | undefined): Promise<number> {
  for (;;) {
    const at = arrival();
    if (at !== undefined) return at;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
