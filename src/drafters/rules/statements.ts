import { type HeadingKind, isReference, pathKind } from "../../feature/headings.js";
import type { DocSection } from "../../feature/markdown.js";
import { sentences, wordCount } from "../../feature/plain-text.js";

/** One thing the doc states: a list item, or one sentence of a paragraph. */
export interface Statement {
  text: string;
  /** Headings above it, outermost first. */
  path: string[];
  /** What its nearest classified heading says it is. */
  kind: HeadingKind | undefined;
  /** Position in the doc, for stable ordering. */
  order: number;
  /** A list item (rather than a sentence of a paragraph). */
  item: boolean;
  depth: number;
  /** The paragraph or item it came from, for the sentences around it. */
  block: number;
  /** Ends with a colon: it introduces the list or block that follows. */
  leadIn: boolean;
  /** A list item that a lead-in statement introduced: it belongs to that statement. */
  underLeadIn: boolean;
  /** The doc's lines it was read from (a sentence: its paragraph's), for matching it to the doc facts. */
  lines: number[];
  /** A sentence that carries its paragraph's label ("Why this priority: ..."), borrowed from the first. */
  borrowed?: boolean;
}

/** A requirement ID such as FR-001 or NFR-2 at the start of an item. */
export const REQUIREMENT_ID = /^(N?FR|REQ|R|US|AC)-?\d+[a-z]?\b/i;

export function collectStatements(sections: DocSection[]): Statement[] {
  const statements: Statement[] = [];
  let block = 0;
  for (const section of sections) {
    if (isReference(section.path)) continue;
    const kind = pathKind(section.path);
    const place = { path: section.path, item: false, depth: 0, underLeadIn: false };
    /** Depth of the open lead-in: -1 for a paragraph, an item's depth for an item. */
    let leadDepth: number | undefined;
    for (const entry of section.blocks) {
      block += 1;
      if (entry.kind === "item") {
        const under = leadDepth !== undefined && entry.depth > leadDepth;
        if (!under) leadDepth = undefined;
        const pushed = pushStatement(statements, entry.text, {
          path: section.path,
          kind: kindOf(entry.text, kind),
          item: true,
          depth: entry.depth,
          block,
          underLeadIn: under,
          lines: entry.source.map((l) => l.line),
        });
        if (pushed?.leadIn && !under) leadDepth = entry.depth;
      } else if (entry.kind === "table" && kind && LISTED_IN_TABLES.has(kind)) {
        entry.rows.forEach((row, i) => {
          const line = entry.source[i + 1]?.line;
          pushStatement(statements, rowText(row), {
            ...place,
            kind,
            item: true,
            block: (block += 1),
            lines: line === undefined ? [] : [line],
          });
        });
        leadDepth = undefined;
      } else if (entry.kind === "paragraph" && !isPrompt(entry.text, entry.quote)) {
        let last: Statement | undefined;
        // "Why this priority: ..." labels every sentence of its paragraph, not just the first.
        // A sentence with a label of its own ("Option B (chosen): ...") keeps its own, and the
        // sentences after it borrow that one.
        let label: string | undefined;
        for (const [i, text] of sentences(entry.text).entries()) {
          const own = OWN_LABEL.test(text);
          if (i === 0 || own) label = /^([\p{L} ]{2,30}):\s/u.exec(text)?.[1];
          const borrowed = i > 0 && !own && label !== undefined;
          const sentence = borrowed ? `${label}: ${text}` : text;
          const lines = entry.source.map((l) => l.line);
          const at = { ...place, kind, block, lines, ...(borrowed ? { borrowed } : {}) };
          last = pushStatement(statements, sentence, at) ?? last;
        }
        leadDepth = last?.leadIn ? -1 : undefined;
      }
    }
  }
  return statements;
}

function pushStatement(
  statements: Statement[],
  text: string,
  where: Omit<Statement, "text" | "order" | "leadIn">,
): Statement | undefined {
  if (!isContent(text)) return undefined;
  const statement: Statement = {
    text,
    ...where,
    order: statements.length,
    leadIn: /[:：]$/.test(text),
  };
  statements.push(statement);
  return statement;
}

/** A sentence that opens with a label of its own: "Option B (chosen): ...", "Rejected: ...". */
const OWN_LABEL = /^[\p{L}\p{N}][\p{L}\p{N} ()'’-]{0,40}[:：]\s/u;

/** Under these headings a table is a list: each row is one goal, requirement or question. */
const LISTED_IN_TABLES = new Set<HeadingKind>([
  "goals",
  "requirements",
  "nonGoals",
  "stories",
  "nonFunctional",
  "questions",
  "drawbacks",
]);

/** "Performance | Crashing, not keeping up | Very high" -> "Performance (Very high): Crashing, not keeping up" */
function rowText(row: string[]): string {
  const [name = "", detail = "", ...rest] = row.map((c) => c.trim());
  const tag = rest.length > 0 && (rest.at(-1) ?? "").length <= 20 ? ` (${rest.at(-1)})` : "";
  const first = sentences(detail)[0] ?? detail;
  return first ? `${name}${tag}: ${first}` : `${name}${tag}`;
}

/** FR-/NFR- items are requirements whatever heading they sit under. */
function kindOf(text: string, fallback: HeadingKind | undefined): HeadingKind | undefined {
  const id = REQUIREMENT_ID.exec(text)?.[1]?.toUpperCase();
  if (id === "NFR") return "nonFunctional";
  return id ? "requirements" : fallback;
}

/** Template questions quoted in RFCs ("> Why should we not do this?") are not the author's words. */
function isPrompt(text: string, quote: boolean): boolean {
  return quote && /\?\s*$/.test(text);
}

/** Labels ("Pros:"), bare URLs and metadata lines say nothing a plan can use. */
function isContent(text: string): boolean {
  if (/^https?:\/\/\S+$/.test(text)) return false;
  // Template leftovers such as "`<package>`: `<date>`" are placeholders, not facts.
  if (
    /`<[^`>]+>`/.test(text) ||
    /^(this|these|it) (is|are) (only )?(for illustration|an example|just an example)/i.test(text)
  )
    return false;
  if (/^[\w\s-]{1,30}:\s*\S{0,40}$/.test(text) && wordCount(text) <= 4) return false;
  return wordCount(text) >= 3;
}
