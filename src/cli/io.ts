import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { lstat, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { AppError } from "../errors.js";

/**
 * Writes through a temporary file beside `path`, renamed over it once complete, so an
 * interrupted write never leaves half a plan behind. Whatever fails (the write, the sync, the
 * rename, or a signal that stops the process in between), the temporary file goes too.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.plandraft-${randomUUID()}.tmp`);
  const stopWatching = removeOnSignal(temporary);
  try {
    await writeSynced(temporary, text, await modeOf(path));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new AppError(
      "OUTPUT_WRITE_FAILED",
      `cannot write ${path}: ${reasonOf(error as NodeJS.ErrnoException)}`,
      {
        hint: "check that the folder exists and is writable",
        cause: error,
      },
    );
  } finally {
    stopWatching();
  }
}

/**
 * Synced before the rename, so a crash cannot leave the new name on an empty file. A file that
 * is replaced keeps its permissions (a plan kept private stays private).
 */
async function writeSynced(path: string, text: string, mode: number | undefined): Promise<void> {
  const file = await open(path, "wx");
  try {
    await file.writeFile(text, "utf8");
    if (mode !== undefined) await file.chmod(mode);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function modeOf(path: string): Promise<number | undefined> {
  const found = await lstat(path).catch(() => undefined);
  return found?.isFile() ? found.mode & 0o7777 : undefined;
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * While the temporary file exists, a signal removes it before the process stops as it would
 * have (the signal is raised again once this handler is gone).
 */
function removeOnSignal(path: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    stopWatching();
    rmSync(path, { force: true });
    process.kill(process.pid, signal);
  };
  const stopWatching = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return stopWatching;
}

/** A file system error in a few words, for a line a person reads. */
const REASONS: Record<string, string> = {
  ENOENT: "its folder does not exist",
  ENOTDIR: "a part of its path is a file, not a folder",
  EISDIR: "it is a folder",
  ENOTEMPTY: "it is a folder",
  EEXIST: "it is a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "a read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "over the disk quota",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links",
};

export function reasonOf(error: NodeJS.ErrnoException): string {
  return REASONS[error.code ?? ""] ?? error.code ?? error.message;
}
