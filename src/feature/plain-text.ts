/**
 * A feature doc's text as the readers of a doc see it. Docs are untrusted: what a drafter takes
 * from them goes through `plainText`, so a plan value is one line of plain text with, at most,
 * inline code spans.
 */

const CODE_SPAN = /(`+)([^`]*?)\1/g;

/** Applies `edit` to the parts of `text` outside inline code spans. */
function outsideCode(text: string, edit: (part: string) => string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    out += edit(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + edit(text.slice(last));
}

/** Markdown and HTML of one line reduced to plain text; links keep their words, not URLs. */
export function plainText(text: string): string {
  const cleaned = outsideCode(unlinked(text), (part) =>
    part
      .replace(/\*\*(.+?)\*\*|__(.+?)__/g, "$1$2")
      .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=$|[\s).,;:!?])/g, "$1$2")
      .replace(/\*+/g, "")
      .replace(/\[/g, "(")
      .replace(/\]/g, ")"),
  );
  return cleaned
    .replace(CODE_SPAN, (span, ticks: string, code: string) =>
      code.length > LONG_CODE ? `${ticks}${code.slice(0, LONG_CODE - 1).trimEnd()}…${ticks}` : span,
    )
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A line of the doc as a fact cites it: links keep their words, images, footnote marks and HTML
 * tags go; emphasis and code spans stay as written, whatever their length.
 */
export function citedText(text: string): string {
  return unlinked(text).replace(/\s+/g, " ").trim();
}

/** Links reduced to their words, images, footnote marks and HTML tags gone; the rest as written. */
function unlinked(text: string): string {
  // Links first, over the whole line: their text may itself be code ("[`SyncPod`](url)").
  const words = text
    .replace(/!\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, "")
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]*")?\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1");
  return outsideCode(words, (part) =>
    part
      .replace(/\[\^[^\]]*\]/g, "")
      .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
      .replace(/<\/?[A-Za-z][\w-]*(?:\s[^<>]*)?\/?>/g, " "),
  );
}

/** Inline code longer than this is a payload, not a name: the plan keeps only its start. */
const LONG_CODE = 48;

/** Splits prose into sentences; abbreviations such as "e.g. foo" stay whole. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Z0-9`"(])|(?<=[。！？])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Words in `text`; two Han characters count as one word. */
export function wordCount(text: string): number {
  const cjk = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0) + Math.floor(cjk / 2);
}
