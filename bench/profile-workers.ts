/**
 * Where the CPU of a draft's chunk goes with the API node and a worker apart: one
 * `serve --role api` and one `worker`, each under `node --cpu-prof`, run `BENCH_PROFILE_BATCHES`
 * (3) batches of `BENCH_PROFILE_DRAFTS` (10) drafts at once, then stop; each process's profile
 * is summarised (self time by package and by function).
 * Usage: npm run bench -- profile-workers (Postgres: BENCH_DATABASE_URL or the local default)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeProfile } from "./cpu-profile.js";
import { startLlmProcess } from "./scripted-llm-process.js";
import { oursDraft, runBatch, warmUp } from "./serve-client.js";
import { openStore, plandraftEnv } from "./serve-servers.js";
import { CHUNK_DELAY_MS, JITTER_MS, LATENCY_MS, STAMP_WORDS } from "./serve-settings.js";

const DRAFTS = Number(process.env.BENCH_PROFILE_DRAFTS ?? 10);
const BATCHES = Number(process.env.BENCH_PROFILE_BATCHES ?? 3);
const ENTRY = new URL("./plandraft-process.ts", import.meta.url).pathname;

function start(args: string[], env: Record<string, string>, dir: string, ready: RegExp) {
  const child = spawn(
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", ENTRY, ...args],
    { env, stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise<{ child: ChildProcess; match: RegExpExecArray }>((resolve, reject) => {
    let seen = "";
    child.stderr.on("data", (part: Buffer) => {
      seen += part.toString();
      const match = ready.exec(seen);
      if (match) resolve({ child, match });
    });
    child.once("exit", (code) => reject(new Error(`${args[0]} exited ${code}: ${seen}`)));
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

const llm = await startLlmProcess(LATENCY_MS, CHUNK_DELAY_MS, STAMP_WORDS, JITTER_MS);
const store = await openStore();
const env = {
  ...plandraftEnv(llm.baseURL, store, { maxRunning: DRAFTS, maxQueued: 100 }),
  PLANDRAFT_DB_POOL_SIZE: "12",
};
const apiDir = mkdtempSync(join(tmpdir(), "prof-api-"));
const workerDir = mkdtempSync(join(tmpdir(), "prof-worker-"));
try {
  const api = await start(
    ["serve", "--role", "api", "--port", "0"],
    env,
    apiDir,
    /serving on (http:\/\/\S+)/,
  );
  const worker = await start(["worker"], env, workerDir, /worker running/);
  const url = api.match[1] ?? "";
  await warmUp(url, oursDraft, 3);
  for (let i = 0; i < BATCHES; i += 1) {
    const batch = await runBatch(DRAFTS, (client) => oursDraft(url, client));
    const sorted = [...batch.delays].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]?.toFixed(1);
    console.log(
      `batch ${i + 1}: ${batch.completed}/${DRAFTS} completed, p50 ${p(0.5)} p99 ${p(0.99)} ms`,
    );
  }
  await Promise.all([stopped(worker.child), stopped(api.child)]);
  for (const [role, dir] of [
    ["api", apiDir],
    ["worker", workerDir],
  ] as const) {
    for (const file of readdirSync(dir)) {
      const summary = summarizeProfile(join(dir, file), 30);
      console.log(`\n${role}: ${summary.totalMs.toFixed(0)} ms sampled (${join(dir, file)})`);
      for (const p of summary.packages.slice(0, 14))
        console.log(`  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
      console.log("  functions:");
      for (const f of summary.functions.slice(0, 30))
        console.log(`  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}`);
    }
  }
} finally {
  llm.stop();
  await store.drop();
}
