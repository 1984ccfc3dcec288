import { closesFence, parseFence, parseHeading } from "../../template/text.js";
import { frontMatterLines, tableCells } from "../markdown.js";
import { plainText } from "../plain-text.js";
import type { DocReading } from "./passages.js";
import { isRepoTable } from "./repo-table.js";

/** One `key: value` of the doc's metadata and its line. */
export interface MetadataField {
  key: string;
  value: string;
  line: number;
  how: "table" | "metadata";
}

export interface Metadata {
  lines: number[];
  fields: MetadataField[];
}

/** Keys that only metadata has: who, when, which version, where it is tracked, what it touches. */
const KEYS =
  /^(title|feature( name| branch)?|status|state|version|owners?|authors?|reviewers?|approvers?|team|squad|sponsors?|shepherds?|decision drivers?|created( on| at)?|creation[- ]date|(start |last )?date|(last )?(updated|modified)|(rfc |proposal |implementation )?prs?(\(s\))?|((rust|tracking|github) )?issues?( id| or discussion)?|epic|jira|tickets?|discussions?( link)?|repos?|repositories|(repos? )?(not )?touched|touched repos?|repos? (touched|not touched)|target( release| date)?|release|milestone|priority|stakeholders?|project[- ]areas|labels|tags|deadline|due( date)?|launch( date)?|go[- ]live|提交作者|提交时间|版本号|文件名|作者|状态|版本|依赖.*版本)$/i;

const KEY_VALUE =
  /^(?:[-*+]\s+|>\s*)?(?:\*\*|__)?([\p{L}][\p{L}\p{N} ()/'_-]{0,38}?)(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(\S.*)$/u;

/** Segments of one line of several fields: "Repos: /gain, /edh · Status: draft v0.3". */
const SEGMENT = /\s+[·•|]\s+|\s+[—–]\s+(?=[\p{L} ]{1,30}[:：])|;\s+(?=[\p{L} ]{1,30}[:：])/u;

function isKey(key: string): boolean {
  return KEYS.test(plainText(key).replace(/[*_]/g, "").trim());
}

/** The fields of a line: one, or several separated by "·" or "|". */
function fieldsOf(line: string): { key: string; value: string }[] {
  const segments = line.split(SEGMENT).map(field);
  if (segments.length >= 2 && segments.every(Boolean) && segments.some((s) => s && isKey(s.key)))
    return segments.flatMap((s) => (s ? [s] : []));
  const one = field(line);
  return one ? [one] : [];
}

function field(line: string): { key: string; value: string } | undefined {
  const match = KEY_VALUE.exec(line.trim());
  if (!match?.[1] || !match[2] || match[1].trim().split(/\s+/).length > 4) return undefined;
  return {
    key: match[1].trim(),
    value: plainText(match[2])
      .replace(/^[*_]+|[*_]+$/g, "")
      .trim(),
  };
}

/**
 * The doc's metadata, never plan content: front matter; the `key: value` lines and tables of
 * its header (before the first section); and anywhere, a line of several fields with a
 * metadata key among them.
 */
export function readMetadata(doc: DocReading, text: string): Metadata {
  const lines = new Set<number>();
  const fields: MetadataField[] = [];
  const add = (line: number, key: string, value: string, how: MetadataField["how"]) => {
    lines.add(line);
    if (value) fields.push({ key, value, line, how });
  };
  const front = frontMatterLines(text);
  for (let line = 1; line <= front; line += 1) {
    lines.add(line);
    const found = field(doc.lines[line - 1] ?? "");
    if (found) add(line, found.key, found.value, "metadata");
  }
  const end = headerEnd(doc.lines, front);
  const header = proseLines(doc.lines, front, end);
  const pairs = header.map((line) => ({ line, found: fieldsOf(doc.lines[line - 1] ?? "") }));
  const several = pairs.flatMap((p) => p.found).length >= 2;
  for (const { line, found } of pairs) {
    const first = found[0];
    if (first && (isKey(first.key) || (several && first.value.length <= 120)))
      for (const f of found) add(line, f.key, f.value, "metadata");
  }
  for (const table of headerTables(doc, end)) {
    table.lines.forEach((line) => lines.add(line));
    table.fields.forEach((f) => add(f.line, f.key, f.value, "table"));
  }
  for (const line of proseLines(doc.lines, end - 1, doc.lines.length + 1)) {
    const found = fieldsOf(doc.lines[line - 1] ?? "");
    if (found.length >= 2) for (const f of found) add(line, f.key, f.value, "metadata");
  }
  return { lines: [...lines].sort((a, b) => a - b), fields };
}

/** The line of the doc's first section heading: an H2 or deeper, or a second H1. */
function headerEnd(lines: string[], from: number): number {
  let h1 = 0;
  for (const line of proseLines(lines, from, lines.length + 1)) {
    const level = parseHeading(lines[line - 1] ?? "")?.level;
    if (level === undefined) continue;
    if (level >= 2 || (h1 += 1) > 1) return line;
  }
  return Math.min(lines.length + 1, from + 40);
}

/** The doc's line numbers strictly between `after` and `before`, outside code fences. */
function proseLines(lines: string[], after: number, before: number): number[] {
  const found: number[] = [];
  let fence: string | undefined;
  for (let line = 1; line < before && line <= lines.length; line += 1) {
    const text = lines[line - 1] ?? "";
    const opens = parseFence(text);
    if (fence) {
      if (closesFence(text, fence)) fence = undefined;
      continue;
    }
    if (opens) {
      fence = opens.marker;
      continue;
    }
    if (line > after) found.push(line);
  }
  return found;
}

/** Key-value tables (`| Owner | @ana |`) and one-row tables of metadata keys, in the header. */
function headerTables(
  doc: DocReading,
  end: number,
): { lines: number[]; fields: MetadataField[] }[] {
  const tables: { lines: number[]; fields: MetadataField[] }[] = [];
  for (const section of doc.sections) {
    for (const block of section.blocks) {
      const first = block.kind === "table" ? block.source[0]?.line : undefined;
      if (block.kind !== "table" || first === undefined || first >= end) continue;
      const rows = block.source.map((row) => ({
        line: row.line,
        cells: tableCells(row.text).map((c) => plainText(c)),
      }));
      const last = rows.at(-1)?.line ?? first;
      const lines = Array.from({ length: last - first + 1 }, (_, i) => first + i);
      const [head, ...body] = rows;
      const keys = head?.cells ?? [];
      const horizontal = keys.length >= 2 && keys.filter(isKey).length * 2 >= keys.length;
      if (body.length === 1 && horizontal && !isRepoTable(keys)) {
        const values = body[0]?.cells ?? [];
        const line = body[0]?.line ?? first;
        tables.push({
          lines,
          fields: keys.map((key, i) => ({ key, value: values[i] ?? "", line, how: "table" })),
        });
      } else if (rows.every((r) => r.cells.length <= 3 && (r.cells[0] ?? "").length <= 30)) {
        const pairs = (keys.some(Boolean) && isKey(keys[0] ?? "") ? rows : body).filter(
          (r) => r.cells[0],
        );
        tables.push({
          lines,
          fields: pairs.map((r) => ({
            key: r.cells[0] ?? "",
            value: r.cells.slice(1).join(" ").trim(),
            line: r.line,
            how: "table",
          })),
        });
      }
    }
  }
  return tables;
}
