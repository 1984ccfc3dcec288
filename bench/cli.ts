/**
 * How soon the CLI answers: `plandraft --help` against a bare `node -e 0`, and `plandraft list`
 * against a script that runs plandraft's own list query with only `pg` loaded (Postgres), and
 * alone on the embedded store; from `plandraft draft`'s start to its first model request, on
 * each store; the first command in a fresh home (time and peak RSS) and a no-model draft's peak
 * RSS. Medians of BENCH_CLI_RUNS (5) runs each, after one warm-up where a first run is not timed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { firstModelCall } from "./first-call.js";
import { postgresReachable } from "./serve-servers.js";

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 5);
const BIN = new URL("../bin/plandraft.js", import.meta.url).pathname;
const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/** The targets of the CLI's start (issue 15). */
const HELP_RATIO = 2.5;
const LIST_RATIO = 1.5;
const EMBEDDED_LIST_MS = 1000;
/** Process start to the first model request. */
const FIRST_CALL_MS = { embedded: 1000, postgres: 600 };
/** The first command in a fresh home (it makes the embedded store), and a no-model draft. */
const FRESH_HOME_MS = 3000;
const FRESH_HOME_MIB = 400;
const NO_MODEL_DRAFT_MIB = 300;
const MAX_RSS_PROBE = new URL("./max-rss-probe.mjs", import.meta.url).pathname;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The median wall time of a command, in ms; a command that fails stops the bench. */
function timed(args: string[], env: Record<string, string> = {}): number {
  const run = () => {
    const started = performance.now();
    const done = spawnSync(process.execPath, args, {
      env: { ...process.env, ...env },
      encoding: "utf8",
    });
    if (done.status !== 0) {
      throw new Error(`${args.join(" ")} exited ${done.status}: ${done.stderr.slice(0, 400)}`);
    }
    return performance.now() - started;
  };
  run();
  return median(Array.from({ length: RUNS }, run));
}

/** One run of a command: its wall time (ms) and peak RSS (MiB); a command that fails stops. */
function measured(args: string[], env: Record<string, string>, dir: string) {
  const file = join(dir, `max-rss-${process.hrtime.bigint()}`);
  const started = performance.now();
  const done = spawnSync(process.execPath, ["--import", MAX_RSS_PROBE, ...args], {
    env: { ...process.env, ...env, BENCH_MAX_RSS_FILE: file },
    encoding: "utf8",
  });
  const ms = performance.now() - started;
  if (done.status !== 0) {
    throw new Error(`${args.join(" ")} exited ${done.status}: ${done.stderr.slice(0, 400)}`);
  }
  return { ms, mib: Number(readFileSync(file, "utf8")) / 1024 };
}

/** The first command in a fresh home, and a no-model draft once the store is there. */
function firstRunLines(dir: string, feature: string): boolean {
  const runs = Array.from({ length: RUNS }, (_, run) => {
    const home = { HOME: join(dir, `fresh-${run}`), DATABASE_URL: "", PLANDRAFT_MODEL: "none" };
    const first = measured([BIN, "list"], home, dir);
    const draft = measured([BIN, "draft", feature, "-o", join(dir, "plan.md")], home, dir);
    return { first, draft };
  });
  const mid = (pick: (run: (typeof runs)[number]) => number) =>
    [...runs.map(pick)].sort((a, b) => a - b)[Math.floor(runs.length / 2)] ?? 0;
  const firstMs = mid((r) => r.first.ms);
  const firstMib = mid((r) => r.first.mib);
  const draftMib = mid((r) => r.draft.mib);
  const met = [firstMs < FRESH_HOME_MS, firstMib < FRESH_HOME_MIB, draftMib < NO_MODEL_DRAFT_MIB];
  line("first command in a fresh home (ms)", firstMs.toFixed(0), met[0]!, `< ${FRESH_HOME_MS} ms`);
  line(
    "first command in a fresh home, peak RSS (MiB)",
    firstMib.toFixed(0),
    met[1]!,
    `< ${FRESH_HOME_MIB} MiB`,
  );
  line(
    "no-model draft, peak RSS (MiB)",
    draftMib.toFixed(0),
    met[2]!,
    `< ${NO_MODEL_DRAFT_MIB} MiB`,
  );
  return met.every(Boolean);
}

/** The list query as the store runs it, with only `pg` loaded. */
function listScript(dir: string): string {
  const script = join(dir, "list.mjs");
  const pgPath = new URL(import.meta.resolve("pg")).pathname;
  writeFileSync(
    script,
    `import pg from ${JSON.stringify(pgPath)};
const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
await client.connect();
await client.query("SET search_path TO " + process.env.PLANDRAFT_DB_SCHEMA);
const { rows } = await client.query("SELECT d.id, d.title, d.status, (SELECT count(*)::int FROM draft_versions v WHERE v.draft_id = d.id) AS versions FROM drafts d ORDER BY d.created_at DESC, d.id LIMIT 20");
process.stdout.write(JSON.stringify(rows));
await client.end();
`,
  );
  return script;
}

function line(name: string, ratio: string, met: boolean, target: string): void {
  console.log(`${name.padEnd(52)} ${ratio.padStart(10)}  ${met ? "ok" : "MISSED"} (${target})`);
}

function firstCallLine(store: "embedded" | "postgres", ms: number): boolean {
  const met = ms <= FIRST_CALL_MS[store];
  line(
    `draft: start to first model call, ${store} (ms)`,
    ms.toFixed(0),
    met,
    `<= ${FIRST_CALL_MS[store]} ms`,
  );
  return met;
}

export async function benchCli(): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "plandraft-bench-cli-"));
  const home = { HOME: dir, DATABASE_URL: "", PLANDRAFT_MODEL: "none" };
  let ok = true;
  try {
    const node = timed(["-e", "0"]);
    const help = timed([BIN, "--help"], home);
    const helpMet = help / node <= HELP_RATIO;
    ok &&= helpMet;
    console.log(`node -e 0: ${node.toFixed(0)} ms; plandraft --help: ${help.toFixed(0)} ms`);
    line("plandraft --help / node -e 0", (help / node).toFixed(2), helpMet, `<= ${HELP_RATIO}`);

    const feature = new URL("../examples/feature.md", import.meta.url).pathname;
    const firstRuns = firstRunLines(dir, feature);
    ok &&= firstRuns;

    // The embedded store: one draft in a fresh home first (its first run is not what is timed).
    timed([BIN, "draft", feature, "-o", join(dir, "plan.md")], home);
    const embedded = timed([BIN, "list"], home);
    const embeddedMet = embedded < EMBEDDED_LIST_MS;
    ok &&= embeddedMet;
    line(
      "plandraft list, embedded store (ms)",
      embedded.toFixed(0),
      embeddedMet,
      `< ${EMBEDDED_LIST_MS} ms`,
    );

    const embeddedFirst = firstCallLine("embedded", await firstModelCall(home, RUNS));
    ok &&= embeddedFirst;

    if (!(await postgresReachable(POSTGRES_URL))) {
      console.log(`plandraft list with Postgres: skipped (${POSTGRES_URL} cannot be reached)`);
      return ok;
    }
    const schema = `bench_cli_${process.pid}`;
    const postgres = { ...home, DATABASE_URL: POSTGRES_URL, PLANDRAFT_DB_SCHEMA: schema };
    try {
      timed([BIN, "draft", feature, "-o", join(dir, "plan.md")], postgres);
      const list = timed([BIN, "list"], postgres);
      const query = timed([listScript(dir)], postgres);
      const listMet = list / query <= LIST_RATIO;
      ok &&= listMet;
      console.log(
        `plandraft list: ${list.toFixed(0)} ms; the same query with pg alone: ${query.toFixed(0)} ms`,
      );
      line(
        "plandraft list / the query with pg alone",
        (list / query).toFixed(2),
        listMet,
        `<= ${LIST_RATIO}`,
      );
      const postgresFirst = firstCallLine("postgres", await firstModelCall(postgres, RUNS));
      ok &&= postgresFirst;
    } finally {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
