import { contentKeys } from "../template/schema.js";
import type { Block, Section } from "../template/types.js";
import { collapseBlankLines } from "./plan.js";
import { fieldList, renderBlock, renderSection } from "./section.js";
import { blockText, inlineText } from "./text.js";

type Content = Record<string, unknown>;
type FillableBlock = Exclude<Block, { kind: "literal" }>;

/** One line of the template, a slot, or a sub-section, in the order the section renders them. */
type Item =
  | { kind: "line"; text: string }
  | { kind: "slot"; key: string; block: FillableBlock }
  | { kind: "child"; key: string; child: Section };

/** Appends a level's lines up to its frontier; false once it stopped at one. */
type PartialLevel = (content: Content, lines: string[]) => boolean;

/**
 * A unit's markdown while the model is still writing it: the template's lines up to the slot
 * being written, and that slot only as far as more text cannot change what is already shown.
 * The model writes slots in template order (the tool schema lists them so), so everything before
 * the last slot it started is complete and renders exactly as it will in the end.
 *
 * Called once per turn of the event loop with the content parsed so far (the same object, grown
 * in place). Slots before the frontier are final, so each is rendered once and kept: a turn
 * renders only the slot being written, not the whole section again. One renderer follows one
 * reply; a new reply (a repair turn) needs a new one.
 */
export function createPartialRenderer(section: Section): (content: Content) => string {
  const level = partialLevel(section);
  return (content) => {
    const lines: string[] = [];
    level(content, lines);
    return collapseBlankLines(lines).join("\n").trim();
  };
}

/** The same, for a single rendering: tests and one-off callers. */
export function renderPartialUnit(section: Section, content: Content): string {
  return createPartialRenderer(section)(content);
}

function itemsOf(section: Section): Item[] {
  const keys = contentKeys(section);
  const keyOf = new Map(keys.map((k) => [k.block ?? k.child, k.key]));
  return [
    ...section.blocks.map((block): Item =>
      block.kind === "literal"
        ? { kind: "line", text: block.text }
        : { kind: "slot", key: keyOf.get(block) ?? "", block },
    ),
    ...section.children.map((child): Item => ({
      kind: "child",
      key: keyOf.get(child) ?? "",
      child,
    })),
  ];
}

function partialLevel(section: Section): PartialLevel {
  const items = itemsOf(section);
  /** The lines of every item before `next`: final, rendered once. */
  const settled: string[] = [section.headingLine];
  let next = 0;
  const children = new Map<Section, PartialLevel>();
  const childLevel = (child: Section) => {
    const known = children.get(child) ?? partialLevel(child);
    children.set(child, known);
    return known;
  };

  return (content, lines) => {
    const frontier = Object.keys(content).at(-1);
    for (; next < items.length; next += 1) {
      const item = items[next] as Item;
      if (item.kind === "line") {
        settled.push(item.text);
        continue;
      }
      if (item.key === frontier || !(item.key in content)) break;
      const value = content[item.key];
      if (item.kind === "slot") settled.push(...renderBlock(item.block, value));
      else if (isRecord(value)) settled.push(...renderSection(item.child, value));
      else break;
    }
    lines.push(...settled);
    const item = items[next];
    if (!item) return true;
    if (item.kind === "line" || item.key !== frontier) return false;
    const value = content[item.key];
    if (item.kind === "slot") {
      lines.push(...partialBlock(item.block, value));
      return false;
    }
    return isRecord(value) && childLevel(item.child)(value, lines);
  };
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
