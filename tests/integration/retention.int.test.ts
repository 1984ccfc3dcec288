import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { reclaimSpace } from "../../src/store/retention.js";
import { openStore } from "../../src/store/store.js";
import { runCli } from "../support/cli.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

// Issue 15: a finished draft keeps what revise and resume read, not every step it took.
const FEATURE = fixturePath("watchlist-feature.md");

interface Kept {
  checkpoints: number;
  writes: number;
  blobs: number;
  events: number;
}

describe("what finished drafts keep", () => {
  let store: TestStore;
  let env: Record<string, string>;

  beforeAll(() => {
    store = createTestStore();
    env = { ...store.env, PLANDRAFT_MODEL: "none" };
  });
  afterAll(() => store.drop());

  /** Runs SQL on the store between commands (the embedded one is one process's at a time). */
  async function onStore<T>(
    use: (query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>) => Promise<T>,
  ): Promise<T> {
    const kept = await openStore(loadConfig(env));
    try {
      return await use((sql, params) => kept.db.pool.query(sql, params));
    } finally {
      await kept.close();
    }
  }

  const keptOf = (id: string): Promise<Kept> =>
    onStore(async (query) => {
      const count = async (table: string, column = "thread_id") =>
        Number(
          (
            (await query(`SELECT count(*) AS n FROM ${table} WHERE ${column}::text = $1`, [id]))
              .rows[0] as { n: string }
          ).n,
        );
      return {
        checkpoints: await count("checkpoints"),
        writes: await count("checkpoint_writes"),
        blobs: await count("checkpoint_blobs"),
        events: await count("draft_events", "draft_id"),
      };
    });

  async function draft(extra: Record<string, string> = {}, args: string[] = []) {
    const run = await runCli(["draft", FEATURE, "--json", ...args], { env: { ...env, ...extra } });
    return { run, id: /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(run.stdout + run.stderr)?.[1] ?? "" };
  }

  const show = async (id: string) => (await runCli(["show", id], { env })).stdout;

  it("keeps a finished draft's last checkpoint alone, and revises from it", async () => {
    const { run, id } = await draft();
    expect(run.code, run.stderr).toBe(0);
    const kept = await keptOf(id);
    expect(kept.checkpoints).toBe(1);
    expect(kept.blobs).toBeGreaterThan(0); // the plan's state, which a revision starts from

    const revised = await runCli(
      ["revise", id, "--section", "Testing Strategy", "--feedback", "Cover the load case"],
      { env },
    );
    expect(revised.code, revised.stderr).toBe(0);
    expect(revised.stdout).toContain("## Testing Strategy");
    expect((await keptOf(id)).checkpoints).toBe(1);
    const listed = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
      id: string;
      versions: number;
    }[];
    expect(listed.find((d) => d.id === id)?.versions).toBe(2);
  });

  it("with PLANDRAFT_KEEP_CHECKPOINTS=all keeps every step; gc then drops the earlier ones and no plan", async () => {
    const { run, id } = await draft({ PLANDRAFT_KEEP_CHECKPOINTS: "all" });
    expect(run.code, run.stderr).toBe(0);
    const before = await keptOf(id);
    expect(before.checkpoints).toBeGreaterThan(3);
    const plan = await show(id);

    const gc = await runCli(["gc", "--json"], { env });
    expect(gc.code, gc.stderr).toBe(0);
    const swept = JSON.parse(gc.stdout) as Kept & { drafts: number };
    expect(swept).toMatchObject({ drafts: 1, checkpoints: before.checkpoints - 1, events: 0 });
    const after = await keptOf(id);
    expect(after).toMatchObject({ checkpoints: 1, events: before.events });
    expect(after.blobs).toBeLessThan(before.blobs);
    expect(before.writes - after.writes).toBe(swept.writes);
    expect(await show(id)).toBe(plan);

    const again = await runCli(["gc"], { env });
    expect(again.stdout).toContain("checkpoints: 0 earlier ones of 0 finished drafts dropped");
    expect(again.stdout).toContain("events: all kept");
  });

  it("never touches a draft waiting at its review gate; it prunes itself once it ends", async () => {
    const { run, id } = await draft({ PLANDRAFT_KEEP_CHECKPOINTS: "all" }, ["--review"]);
    expect(run.code, run.stderr).toBe(3);
    const waiting = await keptOf(id);
    expect(waiting.checkpoints).toBeGreaterThan(1);
    await runCli(["gc"], { env });
    expect(await keptOf(id)).toEqual(waiting);

    const approved = await runCli(["review", id, "--approve"], { env });
    expect(approved.code, approved.stderr).toBe(0);
    expect((await keptOf(id)).checkpoints).toBe(1);
  });

  it("never touches a running draft", async () => {
    const { id } = await draft({ PLANDRAFT_KEEP_CHECKPOINTS: "all" });
    // As if a process were drafting it now: a live lease.
    await onStore((query) =>
      query(
        `UPDATE drafts SET status = 'running', owner = 'server:elsewhere',
           lease_until = now() + interval '1 hour' WHERE id = $1`,
        [id],
      ),
    );
    const before = await keptOf(id);
    await runCli(["gc"], { env });
    expect(await keptOf(id)).toEqual(before);
  });

  it("drops events older than PLANDRAFT_KEEP_EVENTS_DAYS but a finished draft's start and end", async () => {
    const { id } = await draft();
    const { id: recent } = await draft();
    await onStore((query) =>
      query(`UPDATE draft_events SET created_at = now() - interval '8 days' WHERE draft_id = $1`, [
        id,
      ]),
    );
    const before = await keptOf(id);
    const gc = await runCli(["gc", "--json"], { env: { ...env, PLANDRAFT_KEEP_EVENTS_DAYS: "7" } });
    expect(gc.code, gc.stderr).toBe(0);
    expect(JSON.parse(gc.stdout)).toMatchObject({ events: before.events - 2 });
    expect((await keptOf(id)).events).toBe(2);
    expect((await keptOf(recent)).events).toBe(before.events);
    // Its stream still starts and ends at once: watch gives the plan it ended with.
    const watched = await runCli(["watch", id, "--json"], { env });
    expect(watched.code, watched.stderr).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ id, status: "completed" });
    expect(await show(id)).toContain("## Testing Strategy");
  });

  // Cancelled from a second process, which needs a store two processes share.
  it.runIf(testDatabaseUrl())(
    "resumes a draft cancelled mid-run from its pruned checkpoint, drafting no finished section again",
    async () => {
      let stall = true;
      const llm = await startScriptedLlm({
        respond: (request) =>
          stall && request.toolName === "phases" ? { kind: "stall" } : undefined,
      });
      try {
        const withModel = { ...env, ...scriptedModelEnv(llm), PLANDRAFT_LEASE_MS: "1500" };
        const drafting = spawnCli(["draft", FEATURE, "--json"], withModel);
        await waitFor(() => llm.requests.some((r) => r.toolName === "phases"), 30_000, "phases");
        const id = /([0-9a-f]{8}-[0-9a-f-]{27})/.exec(drafting.stderr())?.[1] ?? "";
        const cancelled = await runCli(["cancel", id], { env: withModel });
        expect(cancelled.code, cancelled.stderr).toBe(0);
        expect(await drafting.exited).not.toBe(0);
        expect((await keptOf(id)).checkpoints).toBe(1);

        const before = new Set(
          llm.requests.filter((r) => r.toolName !== "phases").map((r) => r.toolName),
        );
        const calls = llm.requests.length;
        stall = false;
        const resumed = await runCli(["resume", id, "--json"], { env: withModel });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "completed" });
        const again = llm.requests.slice(calls).map((r) => r.toolName);
        expect(again).toContain("phases");
        expect(again.filter((tool) => before.has(tool))).toEqual([]);
        expect((await keptOf(id)).checkpoints).toBe(1);
      } finally {
        await llm.close();
      }
    },
  );

  it("refuses a retention setting it does not know, naming it", async () => {
    const gc = await runCli(["gc"], { env: { ...env, PLANDRAFT_KEEP_CHECKPOINTS: "some" } });
    expect(gc.code).toBe(2);
    expect(gc.stderr).toContain("PLANDRAFT_KEEP_CHECKPOINTS");
  });
});

describe("the embedded store's room on disk", () => {
  // PGlite runs Postgres without autovacuum: what retention deletes stays as dead rows unless
  // plandraft vacuums. A finished draft keeps no pending writes, so their table holds only room.
  it("reuses the room a finished draft's pruned steps leave, draft after draft", async () => {
    const store = createTestStore("embedded");
    const env = { ...store.env, PLANDRAFT_MODEL: "none" };
    const writesTable = async () => {
      const opened = await openStore(loadConfig(env));
      try {
        const { rows } = await opened.db.pool.query<{ bytes: string }>(
          "SELECT pg_relation_size('checkpoint_writes') AS bytes",
        );
        return Number(rows[0]?.bytes);
      } finally {
        await opened.close();
      }
    };
    try {
      const draft = () => runCli(["draft", FEATURE, "--json"], { env });
      expect((await draft()).code).toBe(0);
      const afterOne = await writesTable();
      for (let run = 0; run < 2; run += 1) expect((await draft()).code).toBe(0);
      // Without the vacuum it grew by each draft's writes: 32 KiB, 65 KiB, 90 KiB.
      expect(await writesTable()).toBeLessThanOrEqual(afterOne);
    } finally {
      await store.drop();
    }
  });

  it("keeps its WAL within two files while it stays open, as a long `serve` keeps it", async () => {
    const store = createTestStore("embedded");
    const opened = await openStore(loadConfig(store.env));
    const walBytes = () => {
      const dir = join(store.env.PLANDRAFT_HOME ?? "", "pgdata", "pg_wal");
      return readdirSync(dir)
        .filter((name) => /^[0-9A-F]{24}$/.test(name))
        .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
    };
    try {
      const query = (sql: string) => opened.db.pool.query(sql);
      await query("CREATE TABLE scratch (note text)");
      // About 40 MB of WAL, as some dozens of drafts write: PGlite never checkpoints on its own.
      for (let round = 0; round < 6; round += 1)
        await query("INSERT INTO scratch SELECT repeat('x', 1000) FROM generate_series(1, 5000)");
      expect(walBytes()).toBeGreaterThan(32 * 2 ** 20);
      await reclaimSpace(opened.db);
      expect(walBytes()).toBeLessThanOrEqual(32 * 2 ** 20);
    } finally {
      await opened.close();
      await store.drop();
    }
  });
});
