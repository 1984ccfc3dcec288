import { withSafeLinks } from "./safe-links.js";

/**
 * Text from a model or a feature doc is untrusted: these helpers make sure it lands in the plan
 * as text, never as structure (no heading, fence, table or raw HTML of its own), and that its
 * links go nowhere a renderer would run code (`withSafeLinks`).
 */

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** `<` that would open a tag, a comment or a declaration. */
const TAG_OPEN = /<(?=[A-Za-z/!?])/g;

export function stripHtmlComments(text: string): string {
  return text.replace(HTML_COMMENT, "");
}

/** One line of inline markdown: newlines folded, raw HTML outside code spans neutralised. */
export function inlineText(text: string): string {
  return withSafeLinks(escapeOutsideCode(stripHtmlComments(text).replace(/\s+/g, " ").trim()));
}

/**
 * Code spans are shown as written (markdown never reads HTML inside them); everywhere else a `<`
 * that would open a tag is escaped. Spans are found as CommonMark finds them: a backslash escapes
 * the character after it (so an escaped backtick opens nothing), and a run of backticks opens a
 * span only where a run of the same length closes it.
 */
function escapeOutsideCode(line: string): string {
  let result = "";
  let plain = 0;
  const special = /\\[\s\S]|`+/g;
  for (let match = special.exec(line); match; match = special.exec(line)) {
    const run = match[0];
    if (run[0] === "\\") continue;
    const end = closingRun(line, special.lastIndex, run.length);
    if (end === undefined) continue;
    result +=
      line.slice(plain, match.index).replace(TAG_OPEN, "&lt;") + line.slice(match.index, end);
    plain = end;
    special.lastIndex = end;
  }
  return result + line.slice(plain).replace(TAG_OPEN, "&lt;");
}

/** Where the first run of exactly `length` backticks from `from` ends, if there is one. */
function closingRun(line: string, from: number, length: number): number | undefined {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let match = runs.exec(line); match; match = runs.exec(line)) {
    if (match[0].length === length) return match.index + length;
  }
  return undefined;
}

/**
 * Inline text that starts a list item: markdown reads a heading, a quote, a fence or another
 * list at the start of an item's text, so such a start is escaped.
 */
export function itemText(text: string): string {
  return inlineText(text)
    .replace(/^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|`{3,}|~{3,})/, "\\$1")
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

/** A table cell: inline text with pipes escaped. */
export function cellText(text: string): string {
  return inlineText(text).replace(/\\?\|/g, "\\|");
}

/**
 * Paragraphs of prose: blank lines kept between paragraphs, and any line that markdown would
 * read as a heading, fence, rule, table, HTML block or setext underline is escaped.
 */
export function blockText(text: string): string {
  const paragraphs = stripHtmlComments(text)
    .replace(/\r\n?/g, "\n")
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .split("\n")
        .map((line) => escapeLineStart(escapeOutsideCode(line.trim())))
        .filter(Boolean)
        .join("\n"),
    )
    .filter(Boolean);
  return withSafeLinks(paragraphs.join("\n\n"));
}

function escapeLineStart(line: string): string {
  if (/^(#{1,6}(\s|$)|`{3,}|~{3,}|\|)/.test(line)) return `\\${line}`;
  if (/^([-*_=])(\s*\1){2,}\s*$/.test(line)) return `\\${line}`;
  if (/^=+\s*$/.test(line) || /^-+\s*$/.test(line)) return `\\${line}`;
  return line;
}
