import { closesFence, parseFence, parseHeading, splitLines } from "../template/text.js";
import { plainText } from "./plain-text.js";

/** One block of a feature doc, in document order. Text is already plain (see `plainText`). */
export type DocBlock =
  | { kind: "paragraph"; text: string; quote: boolean }
  | { kind: "item"; text: string; depth: number; ordered: boolean }
  | { kind: "table"; header: string[]; rows: string[][] }
  | { kind: "code"; info: string; lines: string[] };

/** The text under one heading (not its sub-headings). The part before any heading has level 0. */
export interface DocSection {
  title: string;
  level: number;
  /** Titles of the enclosing headings and this one, outermost first. */
  path: string[];
  blocks: DocBlock[];
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
/** A table-of-contents entry or a checklist box: navigation and status, not content. */
const SKIPPED_ITEM = /^(\[[^\]]*\]\(#[^)]*\)\s*$|\[[ xX]\]\s)/;

/** Reads a feature doc into sections of blocks; code fences are kept apart from prose. */
export function parseDoc(text: string): DocSection[] {
  const lines = splitLines(stripFrontMatter(text));
  const titleLine = soleTitle(lines);
  const sections: DocSection[] = [{ title: "", level: 0, path: [], blocks: [] }];
  const reader = new BlockReader(sections[0]!);
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
      sections.push(section);
      reader.section = section;
    } else if (line.trim().startsWith("|") && TABLE_SEPARATOR.test(lines[index + 1] ?? "")) {
      index = reader.table(lines, index);
      continue;
    } else {
      reader.line(line);
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
  if (level === 0) return { title: clean, level, path: [], blocks: [] };
  const parent = [...sections].reverse().find((s) => s.level > 0 && s.level < level);
  return { title: clean, level, path: [...(parent?.path ?? []), clean], blocks: [] };
}

/** Groups plain lines into paragraphs and list items for the current section. */
class BlockReader {
  private pending: string[] = [];
  private item: { indent: number; ordered: boolean; lines: string[] } | undefined;
  private quote = false;

  constructor(public section: DocSection) {}

  line(line: string): void {
    const trimmed = line.trim();
    const item = LIST_ITEM.exec(line);
    if (!trimmed || /^([-*_])(\s*\1){2,}$/.test(trimmed)) return this.flush();
    // Link definitions and stray task boxes are bookkeeping, not statements.
    if (/^\[[^\]]+\]:\s*\S+/.test(trimmed) || (/^\[[ xX]\]\s/.test(trimmed) && !this.item))
      return this.flush();
    if (item && !/^([-*_])(\s*\1){2,}$/.test(trimmed)) {
      this.flush();
      const indent = (item[1] ?? "").replace(/\t/g, "    ").length;
      this.item = { indent, ordered: /\d/.test(item[2] ?? ""), lines: [item[3] ?? ""] };
      return;
    }
    if (this.item) {
      this.item.lines.push(trimmed);
      return;
    }
    const quote = trimmed.startsWith(">");
    if (this.pending.length > 0 && quote !== this.quote) this.flush();
    this.quote = quote;
    this.pending.push(quote ? trimmed.replace(/^(>\s?)+/, "") : trimmed);
  }

  code(lines: string[], start: number, marker: string, info: string): number {
    this.flush();
    let end = start + 1;
    while (end < lines.length && !closesFence(lines[end] ?? "", marker)) end += 1;
    this.section.blocks.push({
      kind: "code",
      info: info.toLowerCase(),
      lines: lines.slice(start + 1, end),
    });
    return end + 1;
  }

  table(lines: string[], start: number): number {
    this.flush();
    const cells = (row: string) =>
      row
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((c) => plainText(c));
    let end = start + 2;
    const rows: string[][] = [];
    for (; end < lines.length && (lines[end] ?? "").trim().startsWith("|"); end += 1) {
      if (!TABLE_SEPARATOR.test(lines[end] ?? "")) rows.push(cells(lines[end] ?? ""));
    }
    this.section.blocks.push({ kind: "table", header: cells(lines[start] ?? ""), rows });
    return end;
  }

  flush(): void {
    if (this.item) {
      const raw = this.item.lines.join(" ").trim();
      if (!SKIPPED_ITEM.test(raw)) {
        const depth = Math.floor(this.item.indent / 2);
        this.section.blocks.push({
          kind: "item",
          text: plainText(raw),
          depth,
          ordered: this.item.ordered,
        });
      }
      this.item = undefined;
    }
    if (this.pending.length > 0) {
      const text = plainText(this.pending.join(" "));
      if (text) this.section.blocks.push({ kind: "paragraph", text, quote: this.quote });
      this.pending = [];
    }
  }
}
