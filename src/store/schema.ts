import { isNeverMade, type Database } from "./database.js";
import { currentStamp } from "./schema-stamp.js";

/**
 * Brings the schema up to date when something is due. One query says whether it is: the tool
 * that migrates (node-pg-migrate, the checkpointer's setup) is loaded only then, so a command
 * on a current schema pays a round trip, not the tool's import and its checks.
 */
export async function ensureSchema(
  db: Database,
  migrate: (db: Database) => Promise<void> = migrateNow,
): Promise<void> {
  if ((await stampOf(db)) === currentStamp()) return;
  await migrate(db);
}

/** The stamp the schema holds; undefined before the first migration made the table. */
async function stampOf(db: Database): Promise<string | undefined> {
  try {
    const { rows } = await db.pool.query<{ stamp: string }>(
      `SELECT stamp FROM "${db.schema}".plandraft_schema LIMIT 1`,
    );
    return rows[0]?.stamp;
  } catch (error) {
    if (isNeverMade(error)) return undefined;
    throw error;
  }
}

async function migrateNow(db: Database): Promise<void> {
  const { migrate } = await import("./migrate.js");
  await migrate(db);
}
