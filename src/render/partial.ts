import { contentKeys } from "../template/schema.js";
import type { Block, Section } from "../template/types.js";
import { collapseBlankLines } from "./plan.js";
import { fieldList, renderBlock, renderSection } from "./section.js";
import { blockText, inlineText } from "./text.js";

type Content = Record<string, unknown>;
type FillableBlock = Exclude<Block, { kind: "literal" }>;

/**
 * A unit's markdown while the model is still writing it: the template's lines up to the slot
 * being written, and that slot only as far as more text cannot change what is already shown.
 * The model writes slots in template order (the tool schema lists them so), so everything before
 * the last slot it started is complete and renders exactly as it will in the end.
 */
export function renderPartialUnit(section: Section, content: Content): string {
  const lines: string[] = [];
  partialLines(section, content, lines);
  return collapseBlankLines(lines).join("\n").trim();
}

/** Appends the section's lines up to its frontier; false once it stopped at one. */
function partialLines(section: Section, content: Content, lines: string[]): boolean {
  const frontier = Object.keys(content).at(-1);
  const keys = contentKeys(section);
  const keyOf = new Map(keys.map((k) => [k.block ?? k.child, k.key]));
  lines.push(section.headingLine);
  for (const block of section.blocks) {
    if (block.kind === "literal") {
      lines.push(block.text);
      continue;
    }
    const key = keyOf.get(block) ?? "";
    if (!(key in content)) return false;
    if (key === frontier) {
      lines.push(...partialBlock(block, content[key]));
      return false;
    }
    lines.push(...renderBlock(block, content[key]));
  }
  for (const child of section.children) {
    const key = keyOf.get(child) ?? "";
    const value = content[key];
    if (!isRecord(value)) return false;
    if (key === frontier) return partialLines(child, value, lines);
    lines.push(...renderSection(child, value));
  }
  return true;
}

/** The part of a slot still being written that is safe to show now. */
function partialBlock(block: FillableBlock, value: unknown): string[] {
  switch (block.kind) {
    case "guidance":
      return typeof value === "string" ? [blockText(settledText(value))] : [];
    case "topic":
      return typeof value === "string"
        ? [`${block.prefix}${block.label}: ${inlineText(settledText(value))}`]
        : [];
    case "field":
      return partialField(block, value);
    case "table": {
      // The last row may still be growing; the rows before it are final.
      const rows = Array.isArray(value) ? value.slice(0, -1) : [];
      return renderBlock(block, rows);
    }
    default:
      // Checklists and diagrams render as a whole, once complete.
      return [];
  }
}

/**
 * One item renders inline and several as a list, so a field shows nothing until a second item
 * starts (then the list form is final) or the slot is complete.
 */
function partialField(block: Extract<Block, { kind: "field" }>, value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 2) return [];
  const items = value.map((v) => (typeof v === "string" ? v : ""));
  items[items.length - 1] = settledText(items.at(-1) ?? "");
  return fieldList(block, items.map((item) => inlineText(item)).filter(Boolean));
}

/** Characters whose meaning depends on what follows them (tags, code spans, markers, entities). */
const UNSETTLED = /[<>&`|\\*_~[\]!#=-]/;

/**
 * Text cut back to where more characters cannot change how it renders: a last word still being
 * written is held back if it holds a character markdown or the HTML escaping reads in context,
 * and so is everything after an unclosed code span that contains a `<`.
 */
export function settledText(text: string): string {
  let settled = text;
  const lastSpace = Math.max(settled.lastIndexOf(" "), settled.lastIndexOf("\n"));
  if (UNSETTLED.test(settled.slice(lastSpace + 1))) settled = settled.slice(0, lastSpace + 1);
  const ticks = settled.split("`").length - 1;
  const lastTick = settled.lastIndexOf("`");
  if (ticks % 2 === 1 && settled.slice(lastTick).includes("<"))
    settled = settled.slice(0, lastTick);
  return settled;
}

function isRecord(value: unknown): value is Content {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
