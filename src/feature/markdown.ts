import { closesFence, parseFence, parseHeading, splitLines } from "../template/text.js";
import { plainText } from "./plain-text.js";

/** One line of the doc as written (inline markdown kept, list and quote markers gone), and where. */
export interface SourceLine {
  /** 1-based, counted in the whole doc (front matter included). */
  line: number;
  text: string;
}

/**
 * One block of a feature doc, in document order. `text` is already plain (see `plainText`);
 * `source` keeps the doc's own lines, for whoever must cite them.
 */
export type DocBlock =
  | { kind: "paragraph"; text: string; quote: boolean; source: SourceLine[] }
  | { kind: "item"; text: string; depth: number; ordered: boolean; source: SourceLine[] }
  /** A checklist item (`- [ ] ...`): a status, not a statement, except where a heading says what it checks. */
  | { kind: "task"; text: string; depth: number; done: boolean; source: SourceLine[] }
  /** `source` holds the header row, then one line per row, in the order of `rows`. */
  | { kind: "table"; header: string[]; rows: string[][]; source: SourceLine[] }
  /** `line` is the first line inside the fence. */
  | { kind: "code"; info: string; lines: string[]; line: number };

/** The text under one heading (not its sub-headings). The part before any heading has level 0. */
export interface DocSection {
  title: string;
  level: number;
  /** The heading's 1-based line; undefined for the part before any heading. */
  line: number | undefined;
  /** Titles of the enclosing headings and this one, outermost first. */
  path: string[];
  blocks: DocBlock[];
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** A table-of-contents entry: navigation, not content. */
const TOC_ITEM = /^\[[^\]]*\]\(#[^)]*\)\s*$/;
const TASK_BOX = /^\[([ xX])\]\s+/;

/** Reads a feature doc into sections of blocks; code fences are kept apart from prose. */
export function parseDoc(text: string): DocSection[] {
  const body = stripFrontMatter(text);
  const lines = splitLines(body);
  const titleLine = soleTitle(lines);
  const sections: DocSection[] = [{ title: "", level: 0, line: undefined, path: [], blocks: [] }];
  const reader = new BlockReader(sections[0]!, frontMatterLines(text, body));
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? "";
    const fence = parseFence(line);
    if (fence) {
      index = reader.code(lines, index, fence.marker, fence.info);
      continue;
    }
    const heading = parseHeading(line);
    if (heading && heading.title.trim()) {
      reader.flush();
      const level = index === titleLine ? 0 : heading.level;
      const section = newSection(sections, level, plainText(heading.title));
      section.line = reader.lineOf(index);
      sections.push(section);
      reader.section = section;
    } else if (line.trim().startsWith("|") && TABLE_SEPARATOR.test(lines[index + 1] ?? "")) {
      index = reader.table(lines, index);
      continue;
    } else {
      reader.line(line, index);
    }
    index += 1;
  }
  reader.flush();
  return sections;
}

function stripFrontMatter(text: string): string {
  const match = /^---\n[\s\S]*?\n---[ \t]*(\n|$)/.exec(text);
  return match && /^---\n[\w -]+:/.test(match[0]) ? text.slice(match[0].length) : text;
}

/** How many lines the front matter took: `body` is what is left of `text` without it. */
export function frontMatterLines(text: string, body = stripFrontMatter(text)): number {
  return splitLines(text.slice(0, text.length - body.length)).length - 1;
}

/** The cells of a table row as written: outer pipes gone, escaped pipes kept inside a cell. */
export function tableCells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/);
}

/** A doc with one H1 uses it as its title: it names the doc, it is not a part of it. */
function soleTitle(lines: string[]): number | undefined {
  const h1: number[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
      return;
    }
    fence = parseFence(line)?.marker;
    if (!fence && parseHeading(line)?.level === 1) h1.push(index);
  });
  return h1.length === 1 ? h1[0] : undefined;
}

function newSection(sections: DocSection[], level: number, title: string): DocSection {
  const clean = title.replace(/[:：]\s*$/, "");
  if (level === 0) return { title: clean, level, line: undefined, path: [], blocks: [] };
  const parent = [...sections].reverse().find((s) => s.level > 0 && s.level < level);
  return {
    title: clean,
    level,
    line: undefined,
    path: [...(parent?.path ?? []), clean],
    blocks: [],
  };
}

/** Groups plain lines into paragraphs and list items for the current section. */
class BlockReader {
  private pending: SourceLine[] = [];
  private item: { indent: number; ordered: boolean; lines: SourceLine[] } | undefined;
  private quote = false;

  /** `offset`: lines of front matter before the first line the reader sees. */
  constructor(
    public section: DocSection,
    private readonly offset: number,
  ) {}

  /** The 1-based doc line of the reader's line `index`. */
  lineOf(index: number): number {
    return index + 1 + this.offset;
  }

  line(line: string, index: number): void {
    const trimmed = line.trim();
    const item = LIST_ITEM.exec(line);
    if (!trimmed || /^([-*_])(\s*\1){2,}$/.test(trimmed)) return this.flush();
    // Link definitions and stray task boxes are bookkeeping, not statements.
    if (/^\[[^\]]+\]:\s*\S+/.test(trimmed) || (TASK_BOX.test(trimmed) && !this.item))
      return this.flush();
    if (item && !/^([-*_])(\s*\1){2,}$/.test(trimmed)) {
      this.flush();
      const indent = (item[1] ?? "").replace(/\t/g, "    ").length;
      const first = { line: this.lineOf(index), text: item[3] ?? "" };
      this.item = { indent, ordered: /\d/.test(item[2] ?? ""), lines: [first] };
      return;
    }
    if (this.item) {
      this.item.lines.push({ line: this.lineOf(index), text: trimmed });
      return;
    }
    const quote = trimmed.startsWith(">");
    if (this.pending.length > 0 && quote !== this.quote) this.flush();
    this.quote = quote;
    const text = quote ? trimmed.replace(/^(>\s?)+/, "") : trimmed;
    this.pending.push({ line: this.lineOf(index), text });
  }

  code(lines: string[], start: number, marker: string, info: string): number {
    this.flush();
    let end = start + 1;
    while (end < lines.length && !closesFence(lines[end] ?? "", marker)) end += 1;
    this.section.blocks.push({
      kind: "code",
      info: info.toLowerCase(),
      lines: lines.slice(start + 1, end),
      line: this.lineOf(start + 1),
    });
    return end + 1;
  }

  table(lines: string[], start: number): number {
    this.flush();
    const source: SourceLine[] = [{ line: this.lineOf(start), text: lines[start] ?? "" }];
    let end = start + 2;
    for (; end < lines.length && (lines[end] ?? "").trim().startsWith("|"); end += 1) {
      if (!TABLE_SEPARATOR.test(lines[end] ?? ""))
        source.push({ line: this.lineOf(end), text: lines[end] ?? "" });
    }
    const [header = [], ...rows] = source.map((row) => tableCells(row.text).map(plainText));
    this.section.blocks.push({ kind: "table", header, rows, source });
    return end;
  }

  flush(): void {
    if (this.item) {
      const source = this.item.lines;
      const raw = source
        .map((l) => l.text)
        .join(" ")
        .trim();
      const depth = Math.floor(this.item.indent / 2);
      const task = TASK_BOX.exec(raw);
      if (task) {
        const text = plainText(raw.slice(task[0].length));
        const done = task[1] !== " ";
        this.section.blocks.push({ kind: "task", text, depth, done, source });
      } else if (!TOC_ITEM.test(raw)) {
        const ordered = this.item.ordered;
        this.section.blocks.push({ kind: "item", text: plainText(raw), depth, ordered, source });
      }
      this.item = undefined;
    }
    if (this.pending.length > 0) {
      const text = plainText(this.pending.map((l) => l.text).join(" "));
      if (text) {
        const source = this.pending;
        this.section.blocks.push({ kind: "paragraph", text, quote: this.quote, source });
      }
      this.pending = [];
    }
  }
}
