import { lstat, readFile, readdir } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { holdsSecret, isSecretPath } from "./select.js";
import type { Chunk } from "./types.js";

const TEXT_DOC = /\.(md|markdown|mdx|txt|rst|adoc)$/i;
const MAX_DOCS = 200;
const MAX_DOC_BYTES = 256 * 1024;
const CHUNK_CHARS = 2000;

/**
 * The team's context docs as chunks: each file named, each folder read for its text docs (no
 * hidden folders, no secrets). Paths are shown from the file or folder named, never the disk's.
 */
export async function readContextDocs(paths: string[]): Promise<{ chunks: Chunk[]; docs: number }> {
  const chunks: Chunk[] = [];
  let docs = 0;
  for (const root of paths) {
    const info = await lstat(root);
    const files = info.isDirectory()
      ? (await walk(root)).map((file) => ({
          file,
          shown: join(basename(root), relative(root, file)),
        }))
      : [{ file: root, shown: basename(root) }];
    for (const { file, shown } of files) {
      if (docs >= MAX_DOCS || isSecretPath(file)) continue;
      const text = (await readFile(file)).subarray(0, MAX_DOC_BYTES);
      if (text.includes(0)) continue;
      const decoded = text.toString("utf8");
      if (holdsSecret(decoded)) continue;
      docs += 1;
      chunks.push(...sections(shown, decoded));
    }
  }
  return { chunks, docs };
}

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && TEXT_DOC.test(entry.name)) found.push(path);
  }
  return found;
}

/** A doc in pieces of whole paragraphs, about CHUNK_CHARS each. */
function sections(path: string, text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let current = "";
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (current && current.length + paragraph.length > CHUNK_CHARS) {
      chunks.push({ path, kind: "context", text: current.trim() });
      current = "";
    }
    current += `${paragraph.slice(0, CHUNK_CHARS * 2)}\n\n`;
  }
  if (current.trim()) chunks.push({ path, kind: "context", text: current.trim() });
  return chunks;
}
