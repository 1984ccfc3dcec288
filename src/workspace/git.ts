import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const GIT_OUTPUT_BYTES = 64 * 1024 * 1024;

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-C", cwd, ...args], {
    maxBuffer: GIT_OUTPUT_BYTES,
    encoding: "utf8",
    // Reading only: no index refresh by `git status`, which would take the checkout's lock
    // (failing on a read-only mount, and racing the user's own git commands).
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
  });
  return stdout;
}

/** True when `path` is the top of a git work tree. */
export async function isCheckout(path: string): Promise<boolean> {
  try {
    const top = (await git(path, ["rev-parse", "--show-toplevel"])).trim();
    const [a, b] = await Promise.all([stat(top), stat(path)]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

export interface CheckoutState {
  commit: string;
  dirty: boolean;
  /** Changes with the commit whenever what would be read changes: the cache key. */
  key: string;
}

/**
 * The checkout's HEAD and whether it has changes. A dirty checkout's key also hashes what is
 * changed (paths, sizes, modification times), so editing a file again reads it again.
 */
export async function checkoutState(path: string): Promise<CheckoutState> {
  const head = await git(path, ["rev-parse", "HEAD"]).catch(() => "");
  const commit = head.trim() || "0000000";
  const status = await git(path, ["status", "--porcelain=v1", "-z", "--untracked-files=no"]);
  if (!status) return { commit, dirty: false, key: commit };
  const hash = createHash("sha256").update(status);
  for (const entry of status.split("\0").filter(Boolean)) {
    const file = entry.slice(3);
    const info = await stat(join(path, file)).catch(() => undefined);
    hash.update(`${file}:${info?.size ?? -1}:${info?.mtimeMs ?? -1}`);
  }
  return { commit, dirty: true, key: `${commit}-dirty-${hash.digest("hex").slice(0, 16)}` };
}

/** The checkout's HEAD commit, or undefined when it cannot be read (no commit yet, gone). */
export async function headCommit(path: string): Promise<string | undefined> {
  const head = await git(path, ["rev-parse", "HEAD"]).catch(() => "");
  return head.trim() || undefined;
}

/** The files git tracks (so `.gitignore` is respected and untracked files are never read). */
export async function trackedFiles(path: string): Promise<string[]> {
  return (await git(path, ["ls-files", "-z"])).split("\0").filter(Boolean);
}
