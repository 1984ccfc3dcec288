import { existsSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPgCluster,
  pgClusterAvailable,
  pgClusterUnavailableReason,
  type PgCluster,
} from "../support/pg-cluster.js";

const reason = pgClusterUnavailableReason() ?? "";

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!pgClusterAvailable())(`throwaway PostgreSQL cluster ${reason}`, () => {
  let cluster: PgCluster | undefined;
  const db = (): PgCluster => {
    if (!cluster) throw new Error("cluster was not created");
    return cluster;
  };

  beforeAll(async () => {
    cluster = await createPgCluster();
  });

  afterAll(async () => {
    await cluster?.destroy();
  });

  it("runs on its own loopback port and answers queries", async () => {
    expect(db().port).not.toBe(5432);
    expect(db().url).toBe(`postgres://postgres@127.0.0.1:${db().port}/postgres`);
    const rows = await query<{ one: number }>(db().url, "select 1 as one");
    expect(rows).toEqual([{ one: 1 }]);
    const [version] = await query<{ server_version: string }>(db().url, "show server_version");
    expect(version?.server_version).toMatch(/^15\./);
  });

  it("refuses connections when stopped and keeps its data across a restart", async () => {
    await query(db().url, "create table kept (id int primary key, note text)");
    await query(db().url, "insert into kept values (1, 'before the stop')");

    await db().stop();
    await expect(query(db().url, "select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });

    await db().start();
    expect(await query(db().url, "select id, note from kept")).toEqual([
      { id: 1, note: "before the stop" },
    ]);
  });

  it("survives an immediate stop (crash-like) and a second start", async () => {
    await query(db().url, "insert into kept values (2, 'before the crash')");
    await db().stop("immediate");
    await expect(query(db().url, "select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await db().start();
    const rows = await query<{ id: number }>(db().url, "select id from kept order by id");
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it("destroy stops it and removes the data dir", async () => {
    const other = await createPgCluster();
    const { port, url } = other;
    expect(port).not.toBe(db().port);
    await query(url, "select 1");
    const [row] = await query<{ data_directory: string }>(url, "show data_directory");
    const dir = row?.data_directory ?? "";
    expect(dir).toMatch(/pg-cluster-/);
    expect(existsSync(dir)).toBe(true);

    await other.destroy();
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(dirname(dir))).toBe(false);
    await expect(query(url, "select 1")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await other.destroy(); // idempotent
  });
});
