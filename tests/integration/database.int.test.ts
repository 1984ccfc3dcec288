// The database as a user meets it: migrations on a fresh schema (once, idempotent, and with two
// processes at once), a server that is down at start, a server that stops in the middle of a
// draft and comes back, an address that never answers, and an embedded store whose process was
// killed while writing.
import { mkdtempSync, readdirSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { isConnectionError, openDatabase, type Database } from "../../src/store/database.js";
import { ensureSchema } from "../../src/store/schema.js";
import { currentStamp } from "../../src/store/schema-stamp.js";
import { runCli } from "../support/cli.js";
import { spawnCli, waitFor, type CliProcess } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import {
  createPgCluster,
  pgClusterUnavailableReason,
  type PgCluster,
} from "../support/pg-cluster.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");
const DRAFT_ID = /plandraft: draft ([0-9a-f-]{36})/;
const LEASE_MS = 1000;
const afterLease = () => new Promise((resolve) => setTimeout(resolve, LEASE_MS + 200));

const PLANDRAFT_TABLES = [
  "drafts",
  "draft_events",
  "draft_versions",
  "plandraft_migrations",
  "plandraft_schema",
  "rate_limits",
];
/** Every migration the project ships, in the order they run. */
const MIGRATIONS = readdirSync(new URL("../../migrations/", import.meta.url))
  .filter((name) => name.endsWith(".sql"))
  .map((name) => name.replace(/\.sql$/, ""))
  .sort();
const CHECKPOINT_TABLES = [
  "checkpoints",
  "checkpoint_blobs",
  "checkpoint_writes",
  "checkpoint_migrations",
];

/** The brief and the first wave: all of them are checkpointed before the second wave starts. */
const FIRST_WAVE = [
  "brief",
  "architecture",
  "dataFlow",
  "repoChanges_data",
  "repoChanges_gain",
  "repoChanges_edh",
  "repoChanges_infra",
];
const SECOND_WAVE = ["testing", "phases", "summary", "successCriteria"];

function scriptedEnv(llm: ScriptedLlm): Record<string, string> {
  return {
    ...scriptedModelEnv(llm),
    PLANDRAFT_LEASE_MS: String(LEASE_MS),
  };
}

/** Waits for `condition` while `cli` runs; a CLI that exits first fails the wait with its stderr. */
async function waitWhileRunning(
  cli: CliProcess,
  condition: () => boolean,
  what: string,
): Promise<void> {
  let exited = false;
  void cli.exited.then(() => (exited = true));
  await waitFor(() => exited || condition(), 30_000, what);
  if (!condition()) throw new Error(`the CLI exited before ${what}:\n${cli.stderr()}`);
}

interface Listed {
  id: string;
  status: string;
  versions: number;
}

async function listDrafts(env: Record<string, string>): Promise<Listed[]> {
  const run = await runCli(["list", "--json"], { env });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Listed[];
}

// ---------------------------------------------------------------------------------------------
// 1. Migrations, against the Postgres at TEST_DATABASE_URL, each test in fresh schemas.

const databaseUrl = testDatabaseUrl();

describe.skipIf(!databaseUrl)(
  `migrations on a Postgres server${databaseUrl ? "" : " (skipped: TEST_DATABASE_URL is not set)"}`,
  () => {
    const stores: TestStore[] = [];
    const freshStore = (): TestStore => {
      const store = createTestStore("postgres");
      stores.push(store);
      return store;
    };
    const schemaOf = (store: TestStore) => store.env.PLANDRAFT_DB_SCHEMA!;
    const sql = (store: TestStore, text: string, params?: unknown[]) =>
      store.query!(text, params).then((r) => r.rows as Record<string, unknown>[]);

    const tablesIn = async (store: TestStore): Promise<string[]> =>
      (
        await sql(
          store,
          "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
          [schemaOf(store)],
        )
      ).map((r) => r.table_name as string);

    /** Everything the migration tables hold, schema-qualified so search_path cannot mislead. */
    const migrationRows = async (store: TestStore) => {
      const schema = schemaOf(store);
      return {
        plandraft: await sql(
          store,
          `SELECT id, name, run_on FROM "${schema}".plandraft_migrations ORDER BY id`,
        ),
        checkpoint: await sql(store, `SELECT v FROM "${schema}".checkpoint_migrations ORDER BY v`),
      };
    };

    afterAll(async () => {
      for (const store of stores) await store.drop();
    });

    it("creates plandraft's and the checkpointer's tables in an empty schema on the first command", async () => {
      const store = freshStore();
      const schema = schemaOf(store);
      await sql(store, `CREATE SCHEMA "${schema}"`);
      expect(await tablesIn(store)).toEqual([]);

      const run = await runCli(["list", "--json"], { env: store.env });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([]);

      expect(await tablesIn(store)).toEqual([...PLANDRAFT_TABLES, ...CHECKPOINT_TABLES].sort());
      const { plandraft, checkpoint } = await migrationRows(store);
      expect(plandraft.map((r) => r.name)).toEqual(MIGRATIONS);
      expect(checkpoint.length).toBeGreaterThan(0);
    });

    it("does nothing when the schema is already up to date", async () => {
      const store = freshStore();
      const first = await runCli(["list", "--json"], { env: store.env });
      expect(first.code).toBe(0);
      const tables = await tablesIn(store);
      const before = await migrationRows(store);

      const again = await runCli(["list", "--json"], { env: store.env });
      expect(again.stderr).toBe("");
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual([]);
      expect(await tablesIn(store)).toEqual(tables);
      expect(await migrationRows(store)).toEqual(before);
    });

    it("runs the migration tool only when the schema's stamp is not the release's", async () => {
      const store = freshStore();
      const db = await openDatabase({
        databaseUrl: databaseUrl!,
        home: tmpdir(),
        schema: schemaOf(store),
      });
      const migrations: string[] = [];
      const counting = async (target: Database) => {
        migrations.push(target.schema);
        const { migrate } = await import("../../src/store/migrate.js");
        await migrate(target);
      };
      try {
        await ensureSchema(db, counting); // a schema that does not exist yet
        expect(migrations).toHaveLength(1);
        expect(await sql(store, "SELECT stamp FROM plandraft_schema")).toEqual([
          { stamp: currentStamp() },
        ]);

        await ensureSchema(db, counting); // current: one query, no tool
        expect(migrations).toHaveLength(1);

        // A schema stamped by an older release (a migration since): migrated, stamped anew.
        await sql(store, "UPDATE plandraft_schema SET stamp = 'an older release'");
        await ensureSchema(db, counting);
        expect(migrations).toHaveLength(2);
        expect(await sql(store, "SELECT stamp FROM plandraft_schema")).toEqual([
          { stamp: currentStamp() },
        ]);
      } finally {
        await db.close();
      }
    });

    it("lets two processes migrate the same fresh schema at once", async () => {
      for (let round = 1; round <= 3; round += 1) {
        const store = freshStore();
        const a = spawnCli(["list", "--json"], store.env);
        const b = spawnCli(["list", "--json"], store.env);
        const codes = await Promise.all([a.exited, b.exited]);
        expect({ round, codes, stderr: [a.stderr(), b.stderr()] }).toEqual({
          round,
          codes: [0, 0],
          stderr: ["", ""],
        });
        expect(JSON.parse(a.stdout())).toEqual([]);
        expect(JSON.parse(b.stdout())).toEqual([]);

        expect(await tablesIn(store)).toEqual([...PLANDRAFT_TABLES, ...CHECKPOINT_TABLES].sort());
        const { plandraft, checkpoint } = await migrationRows(store);
        expect(plandraft.map((r) => r.name)).toEqual(MIGRATIONS);
        const versions = checkpoint.map((r) => r.v);
        expect(versions.length).toBeGreaterThan(0);
        expect(new Set(versions).size).toBe(versions.length);
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// 2 and 3. A Postgres server of the test's own that it stops and starts.

const clusterReason = pgClusterUnavailableReason();

describe.skipIf(clusterReason !== undefined)(
  `a Postgres server that is down${clusterReason ? ` (skipped: ${clusterReason})` : ""}`,
  () => {
    let cluster: PgCluster;

    beforeAll(async () => {
      cluster = await createPgCluster();
    });
    afterAll(async () => {
      await cluster?.destroy();
    });

    it("stops a draft at start with one line naming the server, never the password, and calls no model", async () => {
      await cluster.stop();
      const llm = await startScriptedLlm();
      try {
        const where = `127.0.0.1:${cluster.port}/postgres`;
        const run = await runCli(["draft", FEATURE], {
          env: {
            ...scriptedEnv(llm),
            DATABASE_URL: `postgres://postgres:s3cret@${where}`,
          },
        });
        expect(run.code).toBe(1);
        expect(run.stdout).toBe("");
        const lines = run.stderr.split("\n").filter((l) => l !== "");
        expect(lines).toHaveLength(1);
        expect(run.stderr.endsWith("\n")).toBe(true);
        expect(lines[0]).toMatch(/^plandraft: DATABASE_UNREACHABLE: /);
        expect(lines[0]).toContain(where);
        expect(run.stderr).not.toContain("s3cret");
        expect(llm.requests).toHaveLength(0);
      } finally {
        await llm.close();
      }
    });

    it("fails the query in flight when the server goes away mid-query, and the process lives on", async () => {
      await cluster.start();
      const db = await openDatabase({
        databaseUrl: cluster.url,
        home: mkdtempSync(join(tmpdir(), "plandraft-db-")),
        schema: "public",
      });
      // A checked-out client, as the checkpointer holds one across a write: pg emits the dropped
      // connection as an `error` event on it, which would be thrown with no listener there.
      const client = await db.pool.connect();
      const inFlight = client.query("SELECT pg_sleep(30)");
      const settled = inFlight.then(
        () => undefined,
        (error: unknown) => error,
      );
      await cluster.stop("immediate");
      const error = await settled;
      expect(isConnectionError(error), String(error)).toBe(true);
      client.release(true);
      await db.close();
    });

    it("stops a draft whose database goes away with DATABASE_LOST, and resumes it once it is back", async () => {
      await cluster.start();
      const llm = await startScriptedLlm({ latencyMs: 400 });
      try {
        const env = { ...scriptedEnv(llm), DATABASE_URL: cluster.url };
        const first = spawnCli(["draft", FEATURE], env);
        const finished = (tool: string) =>
          llm.requests.some((r) => r.toolName === tool && r.endedAt !== undefined);
        await waitWhileRunning(
          first,
          () => finished("architecture") && llm.requests.some((r) => r.toolName === "testing"),
          "the second wave",
        );
        const stoppedAt = performance.now();
        await cluster.stop("immediate");

        const code = await first.exited;
        const id = DRAFT_ID.exec(first.stderr())?.[1];
        expect(id).toBeDefined();
        expect(code).toBe(1);
        const lost = first
          .stderr()
          .split("\n")
          .filter((l) => l.includes("DATABASE_LOST"));
        expect(lost, first.stderr()).toHaveLength(1);
        expect(lost[0]).toMatch(/^plandraft: DATABASE_LOST: /);
        expect(lost[0]).toContain(`127.0.0.1:${cluster.port}/postgres`);
        expect(lost[0]).toContain(`plandraft resume ${id}`);
        expect(first.stdout()).toBe("");

        await cluster.start();
        await afterLease();
        expect((await listDrafts(env)).find((d) => d.id === id)?.status).toBe("interrupted");

        // answered before the stop was asked for (the first wave was checkpointed by then)
        const done = new Set(
          llm.requests
            .filter((r) => r.endedAt !== undefined && r.endedAt < stoppedAt)
            .map((r) => r.toolName),
        );
        expect(done).toEqual(new Set(FIRST_WAVE));
        const before = llm.requests.length;

        const resumed = await runCli(["resume", id!], { env });
        expect(resumed.stderr).toMatch(/drafted .* \(version 1\)/);
        expect(resumed.code).toBe(0);
        const again = llm.requests.slice(before).map((r) => r.toolName);
        for (const tool of done) expect(again).not.toContain(tool);
        expect(new Set(again)).toEqual(new Set(SECOND_WAVE));
        expect(await checkPlan(resumed.stdout, DEFAULT_TEMPLATE)).toEqual([]);

        expect((await listDrafts(env)).find((d) => d.id === id)).toMatchObject({
          status: "completed",
          versions: 1,
        });
      } finally {
        await llm.close();
      }
    });
  },
);

// ---------------------------------------------------------------------------------------------
// 4. The embedded store reopens after its process was killed while writing.

describe("the embedded store after its process was killed", () => {
  let llm: ScriptedLlm;
  let store: TestStore;

  beforeAll(async () => {
    llm = await startScriptedLlm({ latencyMs: 400 });
    store = createTestStore("embedded");
  });
  afterAll(async () => {
    await llm?.close();
    await store?.drop();
  });

  it("opens again, listing the killed draft as interrupted", async () => {
    const env = { ...store.env, ...scriptedEnv(llm) };
    const first = spawnCli(["draft", FEATURE], env);
    await waitWhileRunning(first, () => DRAFT_ID.test(first.stderr()), "the draft id on stderr");
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const id = DRAFT_ID.exec(first.stderr())?.[1];

    await afterLease();
    const listed = await listDrafts(env);
    expect(listed.map((d) => d.id)).toEqual([id]);
    expect(listed[0]?.status).toBe("interrupted");
  });
});

// 5. pg drops its one connection to the embedded store at any SQL error and dials again at once.

describe("the embedded store after a statement fails", () => {
  it("answers the next query on a new connection, every time", async () => {
    const db = await openDatabase({
      databaseUrl: undefined,
      home: mkdtempSync(join(tmpdir(), "plandraft-errors-")),
      schema: "public",
    });
    try {
      for (let i = 0; i < 20; i++) {
        await expect(db.pool.query("SELECT * FROM no_such_table")).rejects.toMatchObject({
          code: "42P01",
        });
        // The connect right after the failure is the one the socket server once hung up on.
        const client = await db.pool.connect();
        try {
          expect((await client.query<{ n: number }>("SELECT $1::int AS n", [i])).rows).toEqual([
            { n: i },
          ]);
        } finally {
          client.release();
        }
      }
    } finally {
      await db.close();
    }
  });
});

// 6. A server that takes the connection and never answers (a wrong port, a stuck proxy).

describe("a Postgres address that never answers", () => {
  it("fails the store's open with DATABASE_UNREACHABLE instead of waiting for ever", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expect(
        openDatabase({
          databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`,
          home: mkdtempSync(join(tmpdir(), "plandraft-silent-")),
          schema: "public",
        }),
      ).rejects.toMatchObject({
        code: "DATABASE_UNREACHABLE",
        message: expect.stringContaining(`127.0.0.1:${port}/test`),
      });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
