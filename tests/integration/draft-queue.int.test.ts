// The draft queue opened by many processes at once on a fresh database: each has its own pool
// here, as each process of a cluster does. CI once saw two API nodes starting together fail
// with "deadlock detected" in pg-boss's create_queue.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openDraftQueue, type DraftQueue } from "../../src/drafting/queue/draft-queue.js";
import { testDatabaseUrl } from "../support/store.js";

const url = testDatabaseUrl();

describe.skipIf(!url)("the draft queue, opened by many processes at once", () => {
  const schema = `t_queue_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const pools: pg.Pool[] = [];
  const queues: DraftQueue[] = [];

  afterAll(async () => {
    await Promise.allSettled(queues.map((queue) => queue.close()));
    await Promise.allSettled(pools.map((pool) => pool.end()));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}_queue" CASCADE`);
    await admin.end();
  });

  it("installs its schema and queue once, with no error, for each of eight processes", async () => {
    const errors: Error[] = [];
    const open = async () => {
      const pool = new pg.Pool({ connectionString: url, max: 3 });
      pools.push(pool);
      const queue = await openDraftQueue({
        pool,
        schema,
        leaseMs: 10_000,
        onError: (error) => errors.push(error),
      });
      queues.push(queue);
    };
    const opened = await Promise.allSettled(Array.from({ length: 8 }, open));
    expect(opened.filter((result) => result.status === "rejected")).toEqual([]);
    expect(errors).toEqual([]);

    const tables = await pools[0]!.query<{ name: string; policy: string }>(
      `SELECT name, policy FROM "${schema}_queue".queue`,
    );
    expect(tables.rows).toEqual([{ name: "draft", policy: "stately" }]);
  });
});
