import { openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import { hostname } from "node:os";

/**
 * A lock file holding its owner's pid. A lock whose owner has died (SIGKILL, a crash) is taken
 * over at once: a lock that only goes stale after a timeout (proper-lockfile's approach) would
 * keep `plandraft resume` out for that long right after a crash, exactly when it is needed.
 * Returns a release function, or the pid of the live holder.
 */
export function takePidLock(path: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      if (holder && holder.host === hostname() && isAlive(holder.pid))
        return { heldBy: holder.pid };
      if (holder && holder.host !== hostname()) return { heldBy: holder.pid };
      rmSync(path, { force: true }); // its owner is gone
    }
  }
  throw new Error(`cannot take the lock ${path}`);
}

function readHolder(path: string): { pid: number; host: string } | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; host?: unknown };
    return typeof holder.pid === "number" && typeof holder.host === "string"
      ? { pid: holder.pid, host: holder.host }
      : undefined;
  } catch {
    return undefined; // half-written by a process that died while writing it
  }
}

/** Whether a process of this pid namespace runs; EPERM means it does, as another user's. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
