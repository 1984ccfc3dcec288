import { lstat, open } from "node:fs/promises";
import { join } from "node:path";
import { trackedFiles } from "./git.js";
import {
  holdsSecret,
  isListed,
  kindOfPath,
  kindOfText,
  mayDeclare,
  nextRouteOf,
  routeLines,
} from "./select.js";
import type { Chunk, ChunkKind } from "./types.js";

/** What reading one repository may cost. */
export interface DigestLimits {
  /** Bytes read of one file; the rest of a longer file is left out. */
  fileBytes: number;
  /** Files whose content is read, at most. */
  filesRead: number;
  /** Characters of the digest's text in all. */
  totalChars: number;
}

export const DEFAULT_DIGEST_LIMITS: DigestLimits = {
  fileBytes: 64 * 1024,
  filesRead: 2000,
  totalChars: 1_000_000,
};

/** About this many characters per chunk: a few hundred tokens, a useful unit to rank. */
const CHUNK_CHARS = 2000;
const TREE_LINES = 250;
/** Files read at once. */
const READ_WINDOW = 32;

/** The chunks of one checkout: its tree, then what it declares, within the limits. */
export async function readDigest(
  root: string,
  limits: DigestLimits = DEFAULT_DIGEST_LIMITS,
): Promise<{ chunks: Chunk[]; filesRead: number; files: string[] }> {
  const files = await trackedFiles(root);
  const listed = files.filter(isListed);
  const chunks: Chunk[] = [{ path: ".", kind: "tree", text: treeText(listed) }];
  const nextRoutes = listed.filter((p) => kindOfPath(p) === "routes");
  if (nextRoutes.length > 0) {
    const text = nextRoutes.map((p) => `${nextRouteOf(p)}  <-  ${p}`).join("\n");
    chunks.push(...split({ path: "(Next.js routes)", kind: "routes", text }));
  }
  // Files known by name first (shallow ones first), then source files that may declare routes.
  const named = listed
    .filter((p) => {
      const kind = kindOfPath(p);
      return kind !== undefined && kind !== "routes";
    })
    .sort((a, b) => depth(a) - depth(b));
  const sources = listed.filter((p) => kindOfPath(p) === undefined && mayDeclare(p));
  let filesRead = 0;
  let chars = chunks.reduce((n, c) => n + c.text.length, 0);
  const queue = [...named, ...sources];
  // Read a window of files at once (the reads overlap in libuv's pool), then take them in order:
  // the digest is the same as reading one by one, and at most a window's files are read past
  // the limits and dropped.
  for (let start = 0; start < queue.length; start += READ_WINDOW) {
    if (filesRead >= limits.filesRead || chars >= limits.totalChars) break;
    const window = queue.slice(start, start + READ_WINDOW);
    const texts = await Promise.all(window.map((p) => readText(join(root, p), limits.fileBytes)));
    for (const [i, path] of window.entries()) {
      if (filesRead >= limits.filesRead || chars >= limits.totalChars) break;
      const text = texts[i];
      if (text === undefined) continue;
      filesRead += 1;
      const kind = kindOfPath(path) ?? kindOfText(text);
      if (!kind) continue;
      const body = kind === "api" && mayDeclare(path) ? routeLines(text) : text;
      for (const chunk of split({ path, kind, text: body })) {
        if (chars + chunk.text.length > limits.totalChars) break;
        chars += chunk.text.length;
        chunks.push(chunk);
      }
    }
  }
  return { chunks, filesRead, files };
}

/**
 * A file's text, or undefined for what must not be read or sent: a symbolic link (it may point
 * out of the checkout), a binary file, a file holding a private key.
 */
async function readText(path: string, maxBytes: number): Promise<string | undefined> {
  const info = await lstat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0)) return undefined;
    const text = bytes.toString("utf8");
    return holdsSecret(text) ? undefined : text;
  } finally {
    await handle.close();
  }
}

/** A text in chunks of whole lines, each naming its lines when the file has more than one. */
function split(chunk: { path: string; kind: ChunkKind; text: string }): Chunk[] {
  const text = chunk.text.trim();
  if (!text) return [];
  if (text.length <= CHUNK_CHARS) return [{ ...chunk, text }];
  const lines = text.split("\n");
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < lines.length) {
    let end = start;
    let size = 0;
    while (
      end < lines.length &&
      (end === start || size + (lines[end]?.length ?? 0) < CHUNK_CHARS)
    ) {
      size += (lines[end]?.length ?? 0) + 1;
      end += 1;
    }
    const piece = lines
      .slice(start, end)
      .join("\n")
      .slice(0, CHUNK_CHARS * 2);
    chunks.push({ ...chunk, lines: `${start + 1}-${end}`, text: piece });
    start = end;
  }
  return chunks;
}

/** The tracked files by folder: every file of a small repository, the folders of a large one. */
function treeText(paths: string[]): string {
  if (paths.length <= TREE_LINES) return paths.join("\n");
  const folders = new Map<string, string[]>();
  for (const path of paths) {
    const slash = path.lastIndexOf("/");
    const folder = slash < 0 ? "." : path.slice(0, slash);
    const files = folders.get(folder) ?? [];
    files.push(path.slice(slash + 1));
    folders.set(folder, files);
  }
  const lines = [...folders.entries()]
    .sort(([a], [b]) => depth(a) - depth(b) || a.localeCompare(b))
    .slice(0, TREE_LINES)
    .map(([folder, files]) => {
      const shown = files.slice(0, 6).join(", ");
      return `${folder}/ (${files.length} files): ${shown}${files.length > 6 ? ", ..." : ""}`;
    });
  const more = folders.size - lines.length;
  return [`${paths.length} files`, ...lines, ...(more > 0 ? [`(${more} more folders)`] : [])].join(
    "\n",
  );
}

function depth(path: string): number {
  return path.split("/").length;
}
