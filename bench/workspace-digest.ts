/**
 * What reading a repository costs: a generated git repository of about 5,000 files (Python, TS,
 * SQL, markdown, JSON in nested folders, a few large files, a .gitignore with ignored files
 * beside the tracked ones), digested by `createDigestCache` as a draft does. Each reading runs in
 * a child process of its own, so its peak RSS is its own: cold (a fresh PLANDRAFT_HOME, nothing
 * cached) and cached (a new process over the same home: the second draft of the same commit).
 * Targets: under 2 s cold and under 100 ms cached (the median of BENCH_DIGEST_RUNS readings).
 * Usage of the child: node --import tsx bench/workspace-digest.ts ROOT HOME
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { createDigestCache } from "../src/workspace/digest-cache.js";

const FILES = Number(process.env.BENCH_DIGEST_FILES ?? 5000);
const RUNS = Number(process.env.BENCH_DIGEST_RUNS ?? 5);
const COLD_TARGET_MS = 2000;
const CACHED_TARGET_MS = 100;

/** What one child reports of its reading(s). */
interface Reading {
  /** The first digest in this process: cold, or from the cache on disk. */
  ms: number;
  /** A second digest with the same cache object: from memory. */
  memoryMs: number;
  reads: number;
  filesRead: number;
  chunks: number;
  chars: number;
  /** RSS just before the first digest, and the process's peak RSS after it. */
  rssBefore: number;
  peakRss: number;
  heapUsed: number;
}

/** A small deterministic random source: the same repository every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = (
  "watchlist entity alert score owner account ingest pipeline batch stream event table column " +
  "index query filter page user team report metric source target schedule retry status"
).split(" ");

function sentence(next: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" ");
}

function pythonFile(next: () => number, i: number): string {
  const lines = ["from fastapi import APIRouter", "", "router = APIRouter()", ""];
  const routes = next() < 0.15;
  for (let f = 0; f < 8 + Math.floor(next() * 30); f += 1) {
    if (routes && f % 3 === 0) lines.push(`@router.get("/items${i}/{item_id}/part${f}")`);
    lines.push(`def handler_${i}_${f}(item_id: int):`, `    """${sentence(next, 12)}"""`);
    lines.push(`    return {"id": item_id, "name": "${sentence(next, 3)}"}`, "");
  }
  return lines.join("\n");
}

function tsFile(next: () => number, i: number): string {
  const lines = [`import { helper } from "./helper.js";`, ""];
  const kind = next();
  if (kind < 0.1) lines.push(`app.get("/v1/things${i}", async () => helper());`);
  if (kind > 0.97) lines.push(`const graph = new StateGraph(State);`);
  for (let f = 0; f < 8 + Math.floor(next() * 30); f += 1) {
    lines.push(`/** ${sentence(next, 10)} */`);
    lines.push(`export function fn${i}_${f}(input: string): string {`);
    lines.push(`  return helper(input + "${sentence(next, 3)}");`, "}", "");
  }
  return lines.join("\n");
}

function sqlFile(next: () => number, i: number): string {
  const columns = Array.from(
    { length: 3 + Math.floor(next() * 12) },
    (_, c) => `  col_${c} text -- ${sentence(next, 4)}`,
  );
  return `create table t_${i} (\n  id bigint primary key,\n${columns.join(",\n")}\n);\n`;
}

/** `FILES` tracked files in nested folders, plus ignored ones; committed. Returns its root. */
export function generateRepository(parent: string): string {
  const root = join(parent, "repo");
  const next = random(12);
  const files = new Map<string, string>();
  const areas = ["backend", "frontend", "services", "data", "libs", "tools"];
  let i = 0;
  while (files.size < FILES - 8) {
    const area = areas[i % areas.length]!;
    const pkg = `${area}/pkg${i % 40}`;
    const deep = `${pkg}/mod${i % 7}/sub${i % 3}`;
    const roll = next();
    if (roll < 0.32) files.set(`${deep}/m${i}.py`, pythonFile(next, i));
    else if (roll < 0.64) files.set(`${deep}/c${i}.ts`, tsFile(next, i));
    else if (roll < 0.72)
      files.set(`${pkg}/migrations/${String(i).padStart(5, "0")}.sql`, sqlFile(next, i));
    else if (roll < 0.78) files.set(`data/models/marts/m${i}.sql`, sqlFile(next, i));
    else if (roll < 0.88)
      files.set(
        i % 40 < 2 ? `${pkg}/README.md` : `docs/${area}/note${i}.md`,
        `# ${sentence(next, 4)}\n\n${sentence(next, 120)}\n`,
      );
    else if (roll < 0.93)
      files.set(`${pkg}/package.json`, JSON.stringify({ name: `pkg${i}`, version: "1.0.0" }));
    else
      files.set(
        `${deep}/config${i}.json`,
        JSON.stringify({ id: i, tags: sentence(next, 20).split(" ") }),
      );
    i += 1;
  }
  // A few large files: a generated client, a data fixture, a schema dump, a long doc.
  files.set("frontend/generated/client.ts", tsFile(next, 99_001).repeat(200));
  files.set(
    "data/fixtures/entities.json",
    JSON.stringify(Array.from({ length: 40_000 }, (_, n) => ({ n, s: sentence(next, 4) }))),
  );
  files.set(
    "data/schema/dump.sql",
    Array.from({ length: 3000 }, (_, n) => sqlFile(next, n)).join("\n"),
  );
  files.set("docs/handbook.md", `# Handbook\n\n${sentence(next, 200_000)}\n`);
  files.set("README.md", "# monorepo\n\nEverything the team ships.\n");
  files.set(
    "docs/api/openapi.json",
    JSON.stringify({ openapi: "3.1.0", paths: { "/v1/items": {} } }),
  );
  files.set("docker-compose.yml", "services:\n  api:\n    build: ./backend\n");
  files.set(".gitignore", "node_modules/\ndist/\n.env\n*.log\n");
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  // Ignored beside the tracked ones: never listed, never read.
  for (let n = 0; n < 200; n += 1) {
    mkdirSync(join(root, "node_modules", `dep${n}`), { recursive: true });
    writeFileSync(join(root, "node_modules", `dep${n}`, "index.js"), "module.exports = 1;\n");
  }
  writeFileSync(join(root, ".env"), "OPENAI_API_KEY=sk-bench\n");
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=bench@example.com", "-c", "user.name=Bench", ...args], {
      cwd: root,
      stdio: "ignore",
    });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "generated");
  return root;
}

/** Runs one reading in a child process of its own. */
function readInChild(root: string, home: string): Promise<Reading> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL(import.meta.url).pathname, root, home],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as Reading)
        : reject(new Error(`digest child exited with ${code}`)),
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export async function benchWorkspaceDigest(): Promise<boolean> {
  const parent = mkdtempSync(join(tmpdir(), "plandraft-bench-digest-"));
  try {
    const started = performance.now();
    const root = generateRepository(parent);
    console.log(
      `generated a repository of ${FILES} tracked files (+200 ignored) in ${((performance.now() - started) / 1000).toFixed(1)} s; median of ${RUNS} readings, each in its own process`,
    );
    const cold: Reading[] = [];
    const cached: Reading[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const home = join(parent, `home${run}`);
      cold.push(await readInChild(root, home));
      cached.push(await readInChild(root, home));
    }
    if (cold.some((r) => r.reads !== 1) || cached.some((r) => r.reads !== 0))
      throw new Error("the cache was not used as expected");
    const show = (label: string, readings: Reading[], target: number) => {
      const ms = median(readings.map((r) => r.ms));
      const rss = median(readings.map((r) => r.peakRss));
      const before = median(readings.map((r) => r.rssBefore));
      console.log(
        `  ${label}: ${ms.toFixed(0)} ms   ratio to target (${target} ms) ${(ms / target).toFixed(3)}   peak RSS ${mib(rss)} (${mib(rss - before)} over the process before reading)`,
      );
      return ms <= target;
    };
    const first = cold[0]!;
    console.log(
      `  digest: ${first.filesRead} files read, ${first.chunks} chunks, ${(first.chars / 1000).toFixed(0)}k chars`,
    );
    const coldOk = show("cold  ", cold, COLD_TARGET_MS);
    const cachedOk = show("cached", cached, CACHED_TARGET_MS);
    console.log(
      `  again in the same process (memory cache): ${median(cached.map((r) => r.memoryMs)).toFixed(0)} ms`,
    );
    return coldOk && cachedOk;
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [root, home] = process.argv.slice(2) as [string, string];
  const cache = createDigestCache(home);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const digest = await cache.digest("/bench", root);
  const ms = performance.now() - started;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const again = performance.now();
  await cache.digest("/bench", root);
  const reading: Reading = {
    ms,
    memoryMs: performance.now() - again,
    reads: cache.reads,
    filesRead: digest.filesRead,
    chunks: digest.chunks.length,
    chars: digest.chunks.reduce((n, c) => n + c.text.length, 0),
    rssBefore,
    peakRss,
    heapUsed: process.memoryUsage().heapUsed,
  };
  console.log(JSON.stringify(reading));
}
