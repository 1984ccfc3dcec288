import { closesFence, parseFence, snakeKey, uniqueKey } from "./text.js";
import type { Block, ChecklistBlock, DiagramBlock, FieldBlock, Slot, TableBlock } from "./types.js";

const LIST_PREFIX = String.raw`\s*(?:[-*+]|\d+[.)])\s+`;
const CHECK_ITEM = new RegExp(String.raw`^(${LIST_PREFIX})\[[ xX]\]\s+(.+?)\s*$`);
const BOLD_LABEL = new RegExp(
  String.raw`^((?:${LIST_PREFIX})?|\s*)\*\*(.+?):?\*\*:?[ \t]*(.*?)(\s*)$`,
);
const PLAIN_LABEL = new RegExp(String.raw`^(${LIST_PREFIX})([^\[*:][^:]*?):\s*(\[.*\])(\s*)$`);
const LIST_ITEM = new RegExp(String.raw`^(${LIST_PREFIX})(.+?)\s*$`);
const ITALIC = /^\s*(?:\*(?!\*)(.+?)\*|_(?!_)(.+?)_)\s*$/;
const BRACKETS = /\[([^\]]*(?:\[[^\]]*\][^\]]*)*)\]/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

interface Group {
  indent: number;
  label: string;
}

/**
 * Turns the lines under one heading into blocks. `keys` makes the block keys unique within
 * the section; `heading` names guidance that has no label of its own.
 */
export function parseBody(lines: string[], keys: Set<string>, heading: string): Block[] {
  const blocks: Block[] = [];
  const groups: Group[] = [];
  let index = 0;
  const take = (base: string) => uniqueKey(snakeKey(base), keys);
  while (index < lines.length) {
    const line = lines[index] ?? "";
    const fence = parseFence(line);
    if (fence) {
      const end = findFenceEnd(lines, index, fence.marker);
      blocks.push(...fencedBlock(lines.slice(index, end + 1), fence.info, take));
      index = end + 1;
      continue;
    }
    if (line.trim().startsWith("|") && TABLE_SEPARATOR.test(lines[index + 1] ?? "")) {
      let end = index + 2;
      while (end < lines.length && (lines[end] ?? "").trim().startsWith("|")) end += 1;
      blocks.push(tableBlock(lines.slice(index, end), take));
      index = end;
      continue;
    }
    const checklist = checklistBlock(lines, index, take);
    if (checklist) {
      blocks.push(checklist.block);
      index = checklist.end;
      continue;
    }
    blocks.push(lineBlock(line, groups, heading, take));
    index += 1;
  }
  return blocks;
}

function findFenceEnd(lines: string[], start: number, marker: string): number {
  for (let i = start + 1; i < lines.length; i += 1) {
    if (closesFence(lines[i] ?? "", marker)) return i;
  }
  return lines.length - 1;
}

/** A mermaid fence is a diagram to draw; any other fence is kept as it is. */
function fencedBlock(fenced: string[], info: string, take: (b: string) => string): Block[] {
  if (info.split(/\s+/)[0]?.toLowerCase() !== "mermaid") {
    return fenced.map((text) => ({ kind: "literal", text }));
  }
  const body = fenced
    .slice(1, -1)
    .map((l) => l.trim())
    .filter(Boolean);
  const sequence = body[0]?.startsWith("sequenceDiagram") ?? false;
  const text = body.filter((l) => !/^(sequenceDiagram|flowchart|graph)\b/.test(l)).join(" ");
  const instruction = BRACKETS.exec(text)?.[1] ?? (text || "Add a diagram");
  const diagram: DiagramBlock = {
    kind: "diagram",
    key: take(sequence ? "sequence_diagram" : "diagram"),
    diagram: sequence ? "sequence" : "flowchart",
    instruction,
    fence: fenced[0]?.trimEnd() ?? "```mermaid",
  };
  return [diagram];
}

function tableBlock(rows: string[], take: (b: string) => string): TableBlock {
  const cells = (row: string) =>
    row
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => c.trim());
  const titles = cells(rows[0] ?? "");
  const example = rows[2] ? cells(rows[2]) : [];
  const columnKeys = new Set<string>();
  return {
    kind: "table",
    key: take(titles.join(" ") || "table"),
    headerLines: [rows[0]?.trimEnd() ?? "", rows[1]?.trimEnd() ?? ""],
    columns: titles.map((title, i) => ({
      key: uniqueKey(snakeKey(title), columnKeys),
      title,
      instruction: stripBrackets(example[i] ?? title),
    })),
  };
}

function checklistBlock(
  lines: string[],
  start: number,
  take: (b: string) => string,
): { block: ChecklistBlock; end: number } | undefined {
  const items: ChecklistBlock["items"] = [];
  const itemKeys = new Set<string>();
  let end = start;
  for (
    let match = CHECK_ITEM.exec(lines[end] ?? "");
    match;
    match = CHECK_ITEM.exec(lines[end] ?? "")
  ) {
    const label = match[2] ?? "";
    items.push({ key: uniqueKey(snakeKey(label), itemKeys), prefix: match[1] ?? "- ", label });
    end += 1;
  }
  if (items.length === 0) return undefined;
  return { block: { kind: "checklist", key: take("checklist"), items }, end };
}

function lineBlock(
  line: string,
  groups: Group[],
  heading: string,
  take: (b: string) => string,
): Block {
  const italic = ITALIC.exec(line);
  if (italic) {
    return {
      kind: "guidance",
      key: take(heading),
      instruction: (italic[1] ?? italic[2] ?? "").trim(),
    };
  }
  const bold = BOLD_LABEL.exec(line);
  if (bold) return labelBlock(bold, true, groups, take) ?? { kind: "literal", text: line };
  const plain = PLAIN_LABEL.exec(line);
  if (plain) return labelBlock(plain, false, groups, take) ?? { kind: "literal", text: line };
  const item = LIST_ITEM.exec(line);
  if (item && !/^\s*[-*_]{3,}\s*$/.test(line)) {
    const prefix = item[1] ?? "- ";
    const label = item[2] ?? "";
    const context = contextFor(groups, indentOf(prefix));
    return { kind: "topic", key: take([...context, label].join(" ")), prefix, label, context };
  }
  if (BRACKETS.test(line)) {
    return { kind: "guidance", key: take(heading), instruction: stripBrackets(line.trim()) };
  }
  return { kind: "literal", text: line };
}

/** A bold label with no value opens a group (e.g. `- **Tables/Views:**`); kept verbatim. */
function labelBlock(
  match: RegExpExecArray,
  bold: boolean,
  groups: Group[],
  take: (b: string) => string,
): FieldBlock | undefined {
  const prefix = match[1] ?? "";
  const label = (match[2] ?? "").trim();
  const value = (match[3] ?? "").trim();
  const indent = prefix.trim() ? indentOf(prefix) : -1;
  if (!value) {
    openGroup(groups, indent, label);
    return undefined;
  }
  const context = contextFor(groups, indent);
  return {
    kind: "field",
    key: take([...context.slice(-1), label].join(" ")),
    prefix,
    label,
    bold,
    suffix: match[4] ?? "",
    slot: slotFor(value),
    context,
  };
}

function slotFor(value: string): Slot {
  const options = value.split(/\s+\|\s+/).map((o) => o.trim());
  if (options.length >= 2 && !BRACKETS.test(value) && options.every((o) => o && o.length < 40)) {
    return { kind: "choice", options };
  }
  return { kind: "text", instruction: stripBrackets(value) };
}

function openGroup(groups: Group[], indent: number, label: string): void {
  if (indent < 0) groups.length = 0;
  while ((groups.at(-1)?.indent ?? -2) >= indent) groups.pop();
  groups.push({ indent, label });
}

function contextFor(groups: Group[], indent: number): string[] {
  return groups.filter((g) => g.indent < indent || g.indent === -1).map((g) => g.label);
}

function indentOf(prefix: string): number {
  return prefix.length - prefix.trimStart().length;
}

/** "[(./feature.md)[Feature Name]]" -> "(./feature.md)[Feature Name]" */
function stripBrackets(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1).trim() : trimmed;
}
