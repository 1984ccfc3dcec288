/**
 * What keeping drafts durable costs: checkpoint writes and bytes per draft, and the wall time of
 * a draft with the embedded store and with Postgres, each over the in-memory saver, against the
 * same scripted model (its own process, a fixed latency per call).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadConfig, type Config } from "../src/config.js";
import { createDeps, createDrafter } from "../src/deps.js";
import { createDraftService } from "../src/drafting/draft-service.js";
import { draftInMemory } from "../src/drafting/run-draft.js";
import { toFeatureDoc } from "../src/feature/feature-doc.js";
import {
  DEFAULT_TEMPLATE,
  DEFAULT_TEMPLATE_SOURCE,
  fixturePath,
  scriptedConfig,
} from "../tests/support/drafting.js";
import { startLlmProcess } from "./scripted-llm-process.js";
import { postgresReachable } from "./serve-servers.js";

const LATENCY_MS = Number(process.env.BENCH_STORAGE_LATENCY_MS ?? 100);
/** Drafts kept on the embedded store to read its growth on disk per draft. */
const GROWTH_DRAFTS = Number(process.env.BENCH_STORAGE_GROWTH_DRAFTS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

const feature = toFeatureDoc(
  readFileSync(fixturePath("watchlist-feature.md")),
  "feature.md",
  1 << 20,
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function timeRuns(draft: () => Promise<unknown>): Promise<number> {
  await draft(); // warm-up
  const walls: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    await draft();
    walls.push(performance.now() - started);
  }
  return median(walls);
}

async function durable(
  config: Config,
): Promise<{ wall: number; lastId: () => string; close: () => Promise<void> }> {
  const deps = await createDeps(config);
  const service = createDraftService(deps);
  let id = "";
  const wall = await timeRuns(async () => {
    const result = await service.start({
      feature,
      featureSource: "feature.md",
      templateSource: DEFAULT_TEMPLATE_SOURCE,
    });
    if (result.status !== "completed") throw new Error("bench draft failed");
    id = result.id;
  });
  return { wall, lastId: () => id, close: () => deps.close() };
}

/** Drafts once on a store of its own; the draft's id. */
async function oneDraft(config: Config): Promise<string> {
  const deps = await createDeps(config);
  try {
    const result = await createDraftService(deps).start({
      feature,
      featureSource: "feature.md",
      templateSource: DEFAULT_TEMPLATE_SOURCE,
    });
    if (result.status !== "completed") throw new Error("bench draft failed");
    return result.id;
  } finally {
    await deps.close();
  }
}

/** Bytes of the files under `dir`: what the embedded store takes on disk. */
function diskBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
}

/**
 * The embedded store's growth on disk per finished draft (default retention), each draft opening
 * and closing the store as a CLI command does: its tables (`base/`) per draft, and its WAL
 * (`pg_wal/`) at the end, which Postgres allocates 16 MB at a time and recycles, so it is a size
 * it stays within, not a growth per draft.
 */
async function embeddedGrowth(base: Config): Promise<{ tablesPerDraft: number; wal: number }> {
  const home = mkdtempSync(join(tmpdir(), "plandraft-growth-"));
  const tables = () => diskBytes(join(home, "pgdata", "base"));
  try {
    const config = loadConfig({ ...envOf(base), PLANDRAFT_HOME: home });
    await oneDraft(config);
    const before = tables();
    for (let run = 0; run < GROWTH_DRAFTS; run += 1) await oneDraft(config);
    return {
      tablesPerDraft: (tables() - before) / GROWTH_DRAFTS,
      wal: diskBytes(join(home, "pgdata", "pg_wal")),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Rows and bytes one draft left in the checkpoint tables, and its events. */
async function checkpointFootprint(url: string, schema: string, threadId: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const count = async (sql: string) =>
    Number((await client.query(sql, [threadId])).rows[0]?.n ?? 0);
  const footprint = {
    checkpoints: await count(
      `SELECT count(*) AS n FROM "${schema}".checkpoints WHERE thread_id = $1`,
    ),
    writes: await count(
      `SELECT count(*) AS n FROM "${schema}".checkpoint_writes WHERE thread_id = $1`,
    ),
    blobs: await count(
      `SELECT count(*) AS n FROM "${schema}".checkpoint_blobs WHERE thread_id = $1`,
    ),
    bytes:
      (await count(
        `SELECT coalesce(sum(pg_column_size(c.*)), 0) AS n FROM "${schema}".checkpoints c WHERE thread_id = $1`,
      )) +
      (await count(
        `SELECT coalesce(sum(pg_column_size(w.*)), 0) AS n FROM "${schema}".checkpoint_writes w WHERE thread_id = $1`,
      )) +
      (await count(
        `SELECT coalesce(sum(pg_column_size(b.*)), 0) AS n FROM "${schema}".checkpoint_blobs b WHERE thread_id = $1`,
      )),
    // What else the draft keeps: its row, its plan's versions and its event history.
    kept:
      (await count(
        `SELECT coalesce(sum(pg_column_size(d.*)), 0) AS n FROM "${schema}".drafts d WHERE id::text = $1`,
      )) +
      (await count(
        `SELECT coalesce(sum(pg_column_size(v.*)), 0) AS n FROM "${schema}".draft_versions v WHERE draft_id::text = $1`,
      )) +
      (await count(
        `SELECT coalesce(sum(pg_column_size(e.*)), 0) AS n FROM "${schema}".draft_events e WHERE draft_id::text = $1`,
      )),
  };
  await client.query(`DROP SCHEMA "${schema}" CASCADE`);
  await client.end();
  return footprint;
}

export async function benchStorage(): Promise<boolean> {
  const llm = await startLlmProcess(LATENCY_MS);
  const home = mkdtempSync(join(tmpdir(), "plandraft-bench-"));
  try {
    const base = scriptedConfig(llm.baseURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "30000" });
    const memory = await timeRuns(() =>
      draftInMemory(
        { config: base, drafterFor: (m) => createDrafter(m ?? base.model, base) },
        { feature, featureSource: "feature.md", template: DEFAULT_TEMPLATE },
      ),
    );
    console.log(`latency ${LATENCY_MS} ms per call, median of ${RUNS} drafts`);
    console.log(`  in-memory saver:  ${memory.toFixed(0)} ms`);
    const embedded = await durable(loadConfig({ ...envOf(base), PLANDRAFT_HOME: home }));
    await embedded.close();
    console.log(
      `  embedded store:   ${embedded.wall.toFixed(0)} ms   ratio to in-memory ${(embedded.wall / memory).toFixed(3)}`,
    );
    const growth = await embeddedGrowth(base);
    console.log(
      `  embedded store on disk: tables ${(growth.tablesPerDraft / 1024).toFixed(0)} KiB more per finished draft (over ${GROWTH_DRAFTS} drafts), WAL ${(growth.wal / 2 ** 20).toFixed(0)} MiB`,
    );
    if (!(await postgresReachable(POSTGRES_URL))) {
      console.log(`  postgres: skipped (${POSTGRES_URL} not reachable; set BENCH_DATABASE_URL)`);
      return true;
    }
    const schema = `bench_${process.pid}`;
    const postgres = await durable(
      loadConfig({ ...envOf(base), DATABASE_URL: POSTGRES_URL, PLANDRAFT_DB_SCHEMA: schema }),
    );
    await postgres.close();
    console.log(
      `  postgres:         ${postgres.wall.toFixed(0)} ms   ratio to in-memory ${(postgres.wall / memory).toFixed(3)}`,
    );
    const final = await checkpointFootprint(POSTGRES_URL, schema, postgres.lastId());
    // The same draft keeping every step, as before retention (PLANDRAFT_KEEP_CHECKPOINTS=all).
    const everyStep = await oneDraft(
      loadConfig({
        ...envOf(base),
        DATABASE_URL: POSTGRES_URL,
        PLANDRAFT_DB_SCHEMA: `${schema}_all`,
        PLANDRAFT_KEEP_CHECKPOINTS: "all",
      }),
    );
    const all = await checkpointFootprint(POSTGRES_URL, `${schema}_all`, everyStep);
    for (const [name, footprint] of [
      ["all", all],
      ["final", final],
    ] as const) {
      console.log(
        `  checkpoints per draft, keep ${name}: ${footprint.checkpoints} checkpoints, ${footprint.writes} writes, ${footprint.blobs} blobs, ${(footprint.bytes / 1024).toFixed(0)} KiB; with its row, versions and events ${((footprint.bytes + footprint.kept) / 1024).toFixed(0)} KiB`,
      );
    }
    console.log(`  final / all bytes: ${(final.bytes / all.bytes).toFixed(3)}`);
    return true;
  } finally {
    llm.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

function envOf(config: Config): Record<string, string> {
  return {
    PLANDRAFT_MODEL: config.model,
    OPENAI_BASE_URL: config.openaiBaseUrl ?? "",
    OPENAI_API_KEY: config.openaiApiKey ?? "",
    PLANDRAFT_MODEL_TIMEOUT_MS: String(config.modelTimeoutMs),
  };
}
