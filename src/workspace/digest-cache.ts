import { createHash } from "node:crypto";
import {
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { checkoutState } from "./git.js";
import { DEFAULT_DIGEST_LIMITS, readDigest, type DigestLimits } from "./digest.js";
import type { Chunk, RepoDigest } from "./types.js";

/** Digests of checkouts by path and commit, in memory and under PLANDRAFT_HOME/digests. */
export interface DigestCache {
  /** The digest of the checkout at `path` as it is now, named `name` (the template's). */
  digest(name: string, path: string): Promise<RepoDigest>;
  /** How many digests were built by reading a checkout (not served from the cache). */
  readonly reads: number;
}

interface Stored {
  commit: string;
  dirty: boolean;
  filesRead: number;
  chunks: Chunk[];
  files: string[];
}

const KEPT_IN_MEMORY = 16;
/**
 * Digest files kept on disk: each is one checkout at one commit (up to a few MiB), and every
 * new commit drafted against adds one. The least recently used go first.
 */
export const KEPT_ON_DISK = 64;
/** Bump when what a digest holds changes, so older cached digests are not served. */
const FORMAT = 2;

/** `home` undefined: memory only. */
export function createDigestCache(
  home: string | undefined,
  limits: DigestLimits = DEFAULT_DIGEST_LIMITS,
  keep = KEPT_ON_DISK,
): DigestCache {
  const memory = new Map<string, Stored>();
  let reads = 0;
  const remember = (key: string, stored: Stored) => {
    if (memory.size >= KEPT_IN_MEMORY) memory.delete(memory.keys().next().value as string);
    memory.set(key, stored);
  };
  const fileOf = (key: string) =>
    home
      ? join(home, "digests", `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`)
      : undefined;
  return {
    get reads() {
      return reads;
    },
    async digest(name, path) {
      const root = await realpath(path);
      const state = await checkoutState(root);
      const key = `v${FORMAT}:${root}@${state.key}`;
      const file = fileOf(key);
      let stored = memory.get(key) ?? (file ? await readStored(file) : undefined);
      if (!stored) {
        reads += 1;
        const { chunks, filesRead, files } = await readDigest(root, limits);
        stored = { commit: state.commit, dirty: state.dirty, filesRead, chunks, files };
        if (file) await writeStored(file, stored, keep);
      } else if (file && !memory.has(key)) {
        await markUsed(file);
      }
      remember(key, stored);
      return { name, ...stored };
    },
  };
}

async function readStored(file: string): Promise<Stored | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Stored;
  } catch {
    return undefined;
  }
}

/**
 * Written whole or not at all, then the least recently used beyond `keep` are removed; a cache
 * that cannot be written or pruned only costs a read (or some disk) next time.
 */
async function writeStored(file: string, stored: Stored, keep: number): Promise<void> {
  try {
    await mkdir(join(file, ".."), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(stored));
    await rename(partial, file);
    await prune(join(file, ".."), keep);
  } catch {
    // not fatal: see above
  }
}

/** A digest read from disk is used: its time moves, so pruning keeps it. */
async function markUsed(file: string): Promise<void> {
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined);
}

/** Removes the digest files beyond the `keep` most recently used. */
async function prune(folder: string, keep: number): Promise<void> {
  const names = (await readdir(folder)).filter((n) => n.endsWith(".json"));
  if (names.length <= keep) return;
  const dated = await Promise.all(
    names.map(async (name) => ({ name, used: (await stat(join(folder, name))).mtimeMs })),
  );
  dated.sort((a, b) => b.used - a.used);
  await Promise.all(dated.slice(keep).map(({ name }) => rm(join(folder, name), { force: true })));
}
