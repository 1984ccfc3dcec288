import type pg from "pg";

/**
 * Runs `work` on one connection inside BEGIN and COMMIT; anything it throws rolls it all back
 * and is thrown on (the rollback's own failure is the same lost connection, so not told twice).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
