import { lstat, readFile, readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { loadDocument } from "../documents/load-document.js";
import { formatBytes } from "../documents/sizes.js";
import { AppError } from "../errors.js";
import { holdsSecret, isSecretPath } from "./select.js";
import type { Chunk } from "./types.js";

/** What a folder is read for: text docs, and the HTML, Word and PDF files plandraft reads. */
const CONTEXT_DOC = /\.(md|markdown|mdx|txt|rst|adoc|html?|xhtml|docx|pdf)$/i;
const MAX_DOCS = 200;
/** The text kept of one doc, as read out of its file: its first 256 KiB. */
const MAX_DOC_BYTES = 256 * 1024;
/**
 * The largest file read as a context doc. Larger than MAX_DOC_BYTES because a Word or PDF file
 * cannot be cut short and still be read, and its fonts and pictures weigh more than its text.
 */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const CHUNK_CHARS = 2000;

/**
 * The team's context docs as chunks: each file named, each folder read for its docs (no hidden
 * folders, no secrets), in any format a feature doc may be. Paths are shown from the file or
 * folder named, never the disk's. A doc that cannot be read stops the draft, naming it: the
 * team put it there for the model to read, and a plan drafted without it would not say so.
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
      const text = await readContextDoc(file, shown);
      if (holdsSecret(text)) continue;
      docs += 1;
      chunks.push(...sections(shown, text));
    }
  }
  return { chunks, docs };
}

/** One doc's text as markdown, at most MAX_DOC_BYTES of it; an unreadable doc is refused. */
async function readContextDoc(file: string, shown: string): Promise<string> {
  const size = (await stat(file)).size; // a named file may be a link: its target is what is read
  if (size > MAX_FILE_BYTES) {
    throw new AppError(
      "WORKSPACE_INVALID",
      `context doc ${shown} is ${formatBytes(size)}, over the ${formatBytes(MAX_FILE_BYTES)} a context doc may be`,
      { hint: "save the part that matters as its own doc, or take it out of the context docs" },
    );
  }
  try {
    const { markdown } = await loadDocument(await readFile(file), shown);
    return firstBytes(markdown, MAX_DOC_BYTES);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // The loader speaks of feature docs; the message (which names the doc) holds as it is.
    throw new AppError("WORKSPACE_INVALID", `context doc ${error.message}`, {
      hint: `${error.hint ?? "save it again"}; or take it out of the context docs`,
      cause: error,
    });
  }
}

/** The text cut to `max` UTF-8 bytes, without half a character at the end. */
function firstBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.byteLength <= max) return text;
  return bytes
    .subarray(0, max)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && CONTEXT_DOC.test(entry.name)) found.push(path);
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
