import { parseHeading, splitLines } from "../../template/text.js";
import { isReference } from "../headings.js";
import {
  type DocBlock,
  type DocSection,
  parseDoc,
  type SourceLine,
  tableCells,
} from "../markdown.js";
import { citedText, plainText, sentences } from "../plain-text.js";

/** One piece of the doc that a fact can cite: a heading, an item, a sentence or a table row. */
export interface Passage {
  /** The doc's words on one line, as a fact cites them (`citedText`). */
  text: string;
  /** The same words as plain text, for matching (`plainText`). */
  plain: string;
  line: number;
  form: "heading" | "item" | "task" | "sentence" | "row";
  /** A list item's nesting; 0 for everything else. */
  depth: number;
  /** Titles of the headings above it, outermost first; a heading's own title is the last. */
  path: string[];
  /** Passages of one paragraph, list item or table share their block's number. */
  block: number;
  /** Under a heading for other projects or bookkeeping (prior art, references, changelog). */
  reference: boolean;
  /**
   * The label that introduces it, when one does: a paragraph that is only a label
   * ("**Non-goals:**", "Acceptance scenarios:") above a list, or a parent item that is one.
   * It reads like one more heading.
   */
  label: string | undefined;
  /** It is itself such a label ("**Non-goals**", "In scope:"): it introduces, it states nothing. */
  lead: boolean;
  /** A table row's cells (plain) and its table's header; empty for other passages. */
  cells: string[];
  header: string[];
}

/** A feature doc read once for every fact: its lines, its sections and its passages. */
export interface DocReading {
  /** The doc's lines; line n is `lines[n - 1]`. */
  lines: string[];
  sections: DocSection[];
  passages: Passage[];
}

export function readDoc(text: string): DocReading {
  const lines = splitLines(text);
  const sections = parseDoc(text);
  const passages: Passage[] = [];
  let block = 0;
  for (const section of sections) {
    const reference = isReference(section.path);
    const place = { path: section.path, reference };
    if (section.line !== undefined) {
      const raw = parseHeading(lines[section.line - 1] ?? "")?.title ?? section.title;
      passages.push(passage(place, (block += 1), "heading", raw, section.line));
    }
    for (const entry of section.blocks) {
      block += 1;
      passages.push(...blockPassages(entry, place, block));
    }
  }
  return { lines, sections, passages: labelled(passages.filter((p) => p.plain !== "")) };
}

/** Short words ending in a colon, or a bold line: a label for what follows. */
const LABEL = /^([\p{L}\p{N}][\p{L}\p{N} ()/&,'’_-]{1,60})[:：]$/u;

function labelOf(passage: Passage): string | undefined {
  const bold = /^(\*\*|__)(.+)\1[:：]?$/.exec(passage.text)?.[2];
  const label = LABEL.exec(passage.plain)?.[1] ?? (bold && !/[.!?]$/.test(bold) ? bold : undefined);
  return label && label.split(/\s+/).length <= 8 ? label.replace(/[*_]/g, "").trim() : undefined;
}

/** Gives each item, row and sentence the label above it (see `Passage.label`). */
function labelled(passages: Passage[]): Passage[] {
  let paragraph: string | undefined;
  const parents: { depth: number; label: string }[] = [];
  for (const passage of passages) {
    if (passage.form === "heading") {
      paragraph = undefined;
      parents.length = 0;
      continue;
    }
    if (passage.form === "sentence") {
      paragraph = labelOf(passage);
      passage.lead = paragraph !== undefined;
      parents.length = 0;
      continue;
    }
    while (parents.length > 0 && (parents.at(-1)?.depth ?? 0) >= passage.depth) parents.pop();
    passage.label = parents.at(-1)?.label ?? paragraph;
    const own = passage.form === "item" || passage.form === "task" ? labelOf(passage) : undefined;
    if (own) parents.push({ depth: passage.depth, label: own });
    passage.lead = own !== undefined;
  }
  return passages;
}

type Place = Pick<Passage, "path" | "reference">;

function blockPassages(entry: DocBlock, place: Place, block: number): Passage[] {
  switch (entry.kind) {
    case "item":
    case "task": {
      const first = entry.source[0]?.line ?? 0;
      const raw = entry.source.map((l) => l.text).join(" ");
      const text = entry.kind === "task" ? raw.replace(/^\[[ xX]\]\s+/, "") : raw;
      return [{ ...passage(place, block, entry.kind, text, first), depth: entry.depth }];
    }
    case "paragraph":
      return paragraphSentences(entry.source).map((s) =>
        passage(place, block, "sentence", s.text, s.line),
      );
    case "table": {
      const [header = [], ...rows] = entry.source.map((row) => tableCells(row.text));
      return rows.map((cells, i) => ({
        ...passage(place, block, "row", cells.map((c) => c.trim()).join(" | "), 0),
        line: entry.source[i + 1]?.line ?? 0,
        plain: (entry.rows[i] ?? []).join(" | "),
        cells: entry.rows[i] ?? [],
        header: header.map(plainText),
      }));
    }
    case "code":
      return [];
  }
}

function passage(
  place: Place,
  block: number,
  form: Passage["form"],
  raw: string,
  line: number,
): Passage {
  const text = citedText(raw);
  const plain = plainText(raw);
  return {
    ...place,
    text,
    plain,
    line,
    form,
    depth: 0,
    block,
    label: undefined,
    lead: false,
    cells: [],
    header: [],
  };
}

/** A paragraph's sentences, each with the line it starts on. */
function paragraphSentences(source: SourceLine[]): SourceLine[] {
  const starts: number[] = [];
  let joined = "";
  for (const line of source) {
    starts.push(joined.length);
    joined += (joined ? " " : "") + line.text;
  }
  let cursor = 0;
  return sentences(joined).map((sentence) => {
    const at = Math.max(joined.indexOf(sentence, cursor), cursor);
    cursor = at + sentence.length;
    let index = Math.max(
      starts.findLastIndex((start) => start <= at),
      0,
    );
    // A sentence that starts with a word or two at the end of a line is cited where it is read.
    const next = starts[index + 1];
    if (next !== undefined && next - at < 12 && at + sentence.length > next) index += 1;
    return { line: source[index]?.line ?? 0, text: sentence };
  });
}

/** The line at or after a passage's first where `fragment` stands, as written; else its first. */
export function lineOfFragment(doc: DocReading, passage: Passage, fragment: string): number {
  const found = doc.lines
    .slice(passage.line - 1, passage.line + 19)
    .findIndex((line) => line.includes(fragment));
  return passage.line + Math.max(found, 0);
}
