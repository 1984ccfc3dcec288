import { basename, extname } from "node:path";
import { loadDocument } from "../documents/load-document.js";
import { formatBytes } from "../documents/sizes.js";
import { decodeText } from "../documents/text.js";
import { AppError } from "../errors.js";
import { oneLine } from "./names.js";

export const DEFAULT_MAX_FEATURE_BYTES = 512 * 1024;

/** A feature doc that passed the input checks. */
export interface FeatureDoc {
  /** The feature's name: the doc's first heading or title, else the file name. */
  name: string;
  /** Where the plan links to it, e.g. "./feature.md". */
  link: string;
  /** The doc's text with HTML comments removed; still untrusted. */
  text: string;
}

/**
 * Checks a feature doc's bytes before anything else sees them: present, not too large, text
 * (not binary), UTF-8, not blank. Each failure names the problem and the fix.
 */
export function toFeatureDoc(bytes: Uint8Array, source: string, maxBytes: number): FeatureDoc {
  checkSize(bytes.byteLength, source, maxBytes);
  const text = decodeText(bytes, source);
  const cleaned = withoutComments(text.replace(/\r\n?/g, "\n"));
  if (cleaned.trim() === "") {
    throw new AppError("FEATURE_EMPTY", `${source} is empty`, {
      hint: "write the feature down first: what it does, for whom, and what is in scope",
    });
  }
  return { name: featureName(cleaned, source), link: featureLink(source), text: cleaned };
}

/**
 * A feature doc in any format plandraft reads (markdown, text, HTML, Word, PDF): the limit
 * applies to the bytes as they come and again to the text read out of them, which then gets the
 * same checks as a markdown doc. `contentType` is the one an upload or a request body came with.
 */
export async function readFeatureDoc(
  bytes: Uint8Array,
  source: string,
  maxBytes: number,
  contentType?: string,
): Promise<FeatureDoc> {
  checkSize(bytes.byteLength, source, maxBytes);
  const { format, markdown } = await loadDocument(bytes, source, contentType);
  if (format === "markdown") return toFeatureDoc(bytes, source, maxBytes);
  const text = Buffer.from(markdown, "utf8");
  checkSize(text.byteLength, `the text read from ${source}`, maxBytes);
  return toFeatureDoc(text, source, maxBytes);
}

function checkSize(size: number, what: string, maxBytes: number): void {
  if (size > maxBytes) {
    throw new AppError(
      "FEATURE_TOO_LARGE",
      `${what} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`,
      { hint: "shorten the doc, or raise PLANDRAFT_MAX_FEATURE_BYTES" },
    );
  }
}

/**
 * HTML comments are notes to the doc's authors, never read; their line breaks stay, so that a
 * line of the doc's text is the same line in the user's file (facts and findings cite lines).
 */
function withoutComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, (comment) => comment.replace(/[^\n]+/g, ""));
}

/** Headings that name a part of a doc, not the feature. */
const GENERIC_HEADING =
  /^(summary|abstract|motivation|introduction|overview|background|purpose|changelog|the problem:?|problem)$/i;

/** Front matter `title:`, a `- Title:` metadata line, the first telling H1, else the file name. */
function featureName(text: string, source: string): string {
  const frontMatter = /^---\n([\s\S]*?)\n---/.exec(text)?.[1];
  const title = frontMatter ? /^title:\s*["']?(.+?)["']?\s*$/im.exec(frontMatter)?.[1] : undefined;
  const head = text.split("\n").slice(0, 15).join("\n");
  const metadata = /^\s*[-*]\s*(?:title|feature name):\s*(.+?)\s*$/im.exec(head)?.[1];
  const heading = [...text.matchAll(/^#\s+(.+?)\s*#*\s*$/gm)]
    .map((m) => (m[1] ?? "").replace(/[:\s]+$/, ""))
    .find((h) => h && !GENERIC_HEADING.test(h));
  // Kept as written (a `<` stays a `<`): the plan escapes it where it renders it.
  const name = oneLine(title ?? metadata ?? heading ?? fromFileName(source)).replace(/[*_`]/g, "");
  return name.length > 120 ? `${name.slice(0, 117)}...` : name || "Feature";
}

/** "02-rust-rfc-3660-crate-deletions.md" -> "Rust rfc 3660 crate deletions" */
function fromFileName(source: string): string {
  if (source === "-" || source === "stdin") return "Feature";
  const words = basename(source, extname(source))
    .replace(/^\d+[-_ ]+/, "")
    .replace(/[-_]+/g, " ")
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Feature";
}

/**
 * How a plan links to its feature doc: `./<file name>`, or `./feature.md` for stdin. The name is
 * percent-encoded, parentheses too, so that it stays one relative path whatever it holds.
 */
export function featureLink(source: string): string {
  if (source === "-" || source === "stdin") return "./feature.md";
  const encoded = encodeURIComponent(basename(source)).replace(
    /[()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `./${encoded}`;
}
