import { readdirSync } from "node:fs";
import { join } from "node:path";
import { installedVersion, PACKAGE_ROOT } from "../package-root.js";

export const MIGRATIONS_DIR = join(PACKAGE_ROOT, "migrations");

/** The checkpointer whose tables the schema holds too: a new version may bring its own. */
const CHECKPOINTER = "@langchain/langgraph-checkpoint-postgres";

/**
 * What a current schema is stamped with: plandraft's newest migration and the checkpointer's
 * installed version. Read from the files, so a release with a new migration (or a new
 * checkpointer) is due at its first command, whatever the stamp says.
 */
export function currentStamp(): string {
  const migrations = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  return `${migrations.at(-1) ?? "none"} ${CHECKPOINTER}@${installedVersion(CHECKPOINTER)}`;
}
