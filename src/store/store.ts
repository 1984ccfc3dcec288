import type { Config } from "../config.js";
import { openDatabase, type Database } from "./database.js";
import { cliOwner } from "./draft-owner.js";
import { createDraftStore, type DraftStore } from "./draft-store.js";
import { ensureSchema } from "./schema.js";

/**
 * The drafts as they are kept, without what drafts them: all `plandraft list` and `show` need,
 * so they load the database driver and no model client, graph or migration tool.
 */
export interface Store {
  db: Database;
  drafts: DraftStore;
  /** Who this process is when it claims a draft. */
  owner: string;
  close(): Promise<void>;
}

/** Opens the database and brings its schema up to date (when something is due) first. */
export async function openStore(config: Config, owner: string = cliOwner()): Promise<Store> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    home: config.home,
    schema: config.schema,
    poolSize: config.dbPoolSize,
  });
  try {
    await ensureSchema(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    drafts: createDraftStore(db, config.retention.checkpoints),
    owner,
    close: () => db.close(),
  };
}
