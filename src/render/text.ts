/**
 * Text from a model or a feature doc is untrusted: these helpers make sure it lands in the plan
 * as text, never as structure (no heading, fence, table or raw HTML of its own).
 */

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** `<` that would open a tag, a comment or a declaration. */
const TAG_OPEN = /<(?=[A-Za-z/!?])/g;

export function stripHtmlComments(text: string): string {
  return text.replace(HTML_COMMENT, "");
}

/** Code spans (`...`) are shown as written: markdown never reads HTML inside them. */
const CODE_SPAN = /(`+)[^`]*?\1/g;

/** One line of inline markdown: newlines folded, raw HTML outside code spans neutralised. */
export function inlineText(text: string): string {
  return escapeOutsideCode(stripHtmlComments(text).replace(/\s+/g, " ").trim());
}

function escapeOutsideCode(line: string): string {
  let result = "";
  let last = 0;
  for (const match of line.matchAll(CODE_SPAN)) {
    result += line.slice(last, match.index).replace(TAG_OPEN, "&lt;") + match[0];
    last = match.index + match[0].length;
  }
  return result + line.slice(last).replace(TAG_OPEN, "&lt;");
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
  return paragraphs.join("\n\n");
}

function escapeLineStart(line: string): string {
  if (/^(#{1,6}(\s|$)|`{3,}|~{3,}|\|)/.test(line)) return `\\${line}`;
  if (/^([-*_=])(\s*\1){2,}\s*$/.test(line)) return `\\${line}`;
  if (/^=+\s*$/.test(line) || /^-+\s*$/.test(line)) return `\\${line}`;
  return line;
}
