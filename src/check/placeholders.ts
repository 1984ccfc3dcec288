import { CLARIFICATION_MARKER } from "../render/markers.js";
import { closesFence, parseFence, parseHeading, splitLines } from "../template/text.js";
import type { Block, Section, Template } from "../template/types.js";
import { bracketSpans, isLink, isTaskBox, onlyBracketed } from "./brackets.js";
import {
  collapse,
  escapeRegExp,
  isReferenceDefinition,
  maskInlineCode,
  type ScannedPlan,
} from "./scan.js";
import { isTableLine, splitCells } from "./tables.js";
import type { RawFinding } from "./types.js";

interface TemplateText {
  /** Bracketed slot texts, verbatim, e.g. "[Key decision]". */
  slots: string[];
  choices: { pattern: RegExp; options: string[] }[];
  /** Italic guidance lines, without the emphasis, whitespace collapsed. */
  guidance: string[];
}

const LIST = String.raw`\s*(?:[-*+]|\d+[.)])\s+`;
const BOLD_FIELD = new RegExp(
  String.raw`^(?:${LIST}|\s*)(?:\*\*[^*]+?:\*\*|\*\*[^*]+?\*\*\s*:)(.*)$`,
);
const PLAIN_FIELD = new RegExp(String.raw`^${LIST}(?:\[[ xX]\]\s+)?[^\[\]:*|]+?:\s(.*)$`);
const LIST_ITEM = new RegExp(String.raw`^${LIST}(?:\[[ xX]\]\s+)?(.*)$`);
const ITALIC = /^\s*(?:\*(?!\*)(.+?)\*|_(?!_)(.+?)_)\s*$/;
/** Guidance this long is flagged even when it is only part of a line. */
const LONG_GUIDANCE_WORDS = 8;

/** PLACEHOLDER_LEFT and GUIDANCE_LEFT: template text that should have been replaced. */
export function checkPlaceholders(scan: ScannedPlan, template: Template): RawFinding[] {
  const text = templateText(template);
  return scan.lines.flatMap((line) => {
    if (line.fenced || isReferenceDefinition(line.text)) return [];
    const placeholder = placeholderMessage(line.text, isTableLine(line), scan, text);
    const guidance = guidanceLeft(line.text, text.guidance);
    const findings: RawFinding[] = [];
    if (placeholder) {
      findings.push({ line: line.line, code: "PLACEHOLDER_LEFT", message: placeholder });
    }
    if (guidance) {
      const message = `template guidance left in: "${shorten(guidance)}"; replace it with the content it asks for`;
      findings.push({ line: line.line, code: "GUIDANCE_LEFT", message });
    }
    return findings;
  });
}

function placeholderMessage(
  raw: string,
  table: boolean,
  scan: ScannedPlan,
  text: TemplateText,
): string | undefined {
  // A clarification marker is the drafter asking, not template text left in.
  const line = maskInlineCode(raw).replace(CLARIFICATION_MARKER, (m) => " ".repeat(m.length));
  const found = new Set([
    ...slotsIn(line, text.slots, scan.references),
    ...bracketedValues(line, table, scan.references),
  ]);
  const parts: string[] = [];
  if (found.size > 0) {
    const list = [...found].map((s) => `"${s}"`).join(", ");
    parts.push(`placeholder left in: ${list}; replace it with real content`);
  }
  for (const choice of table ? [] : text.choices) {
    if (choice.pattern.test(line)) {
      const options = choice.options.join(", ");
      parts.push(
        `choice list "${choice.options.join(" | ")}" left in; keep exactly one of ${options}`,
      );
    }
  }
  return parts.length > 0 ? parts.join("; ") : undefined;
}

function slotsIn(line: string, slots: string[], references: Set<string>): string[] {
  // Every slot is bracketed text: most lines of a plan have no bracket, and are passed at once
  // instead of being searched for each of the template's slots (the check's costliest part).
  if (!line.includes("[")) return [];
  let spans: ReturnType<typeof bracketSpans> | undefined;
  return slots.filter((slot) => {
    for (let at = line.indexOf(slot); at >= 0; at = line.indexOf(slot, at + 1)) {
      const span = { start: at, end: at + slot.length };
      if (!isLink(line, span, (spans ??= bracketSpans(line)), references)) return true;
    }
    return false;
  });
}

/** Field, list and cell values that are nothing but a bracketed phrase, e.g. `[TBD]`. */
function bracketedValues(line: string, table: boolean, references: Set<string>): string[] {
  const values = table
    ? splitCells(line)
    : [BOLD_FIELD, PLAIN_FIELD, LIST_ITEM].map((pattern) => pattern.exec(line)?.[1] ?? "");
  return values.flatMap((value) => onlyBracketed(value, references) ?? []);
}

function guidanceLeft(raw: string, guidance: string[]): string | undefined {
  const plain = collapse(
    raw
      .replace(/^\s*(?:>\s*)+/, "")
      .replace(new RegExp(`^${LIST}`), "")
      .trim()
      .replace(/^(\*\*|__|\*|_)(.*)\1$/, "$2"),
  );
  if (!plain) return undefined;
  return guidance.find(
    (g) => plain === g || (g.split(" ").length >= LONG_GUIDANCE_WORDS && plain.includes(g)),
  );
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const cache = new WeakMap<Template, TemplateText>();

function templateText(template: Template): TemplateText {
  const cached = cache.get(template);
  if (cached) return cached;
  const text = { ...scanTemplate(template.source), choices: choiceLists(template) };
  cache.set(template, text);
  return text;
}

/** Slots and guidance, from the template's own lines (other code fences are examples). */
function scanTemplate(source: string): Omit<TemplateText, "choices"> {
  const slots = new Set<string>();
  const guidance = new Set<string>();
  let fence: { marker: string; mermaid: boolean } | undefined;
  for (const line of splitLines(source)) {
    if (fence) {
      if (closesFence(line, fence.marker)) fence = undefined;
      else if (fence.mermaid) mermaidSlot(line, slots);
      continue;
    }
    const open = parseFence(line);
    if (open) {
      fence = { marker: open.marker, mermaid: /^mermaid\b/i.test(open.info) };
      continue;
    }
    if (parseHeading(line)) continue;
    templateSlots(line).forEach((s) => slots.add(s));
    const italic = ITALIC.exec(line);
    const instruction = italic?.[1] ?? italic?.[2];
    if (instruction) guidance.add(collapse(instruction));
  }
  return { slots: [...slots], guidance: [...guidance] };
}

/** Inside a mermaid fence only a line that is nothing but `[...]` is a slot (`A[Box]` is not). */
function mermaidSlot(line: string, slots: Set<string>): void {
  const slot = onlyBracketed(line, new Set());
  if (slot) slots.add(slot);
}

function templateSlots(line: string): string[] {
  return bracketSpans(line)
    .filter((span) => line[span.end] !== "(")
    .map((span) => line.slice(span.start, span.end))
    .filter((slot) => !isTaskBox(slot) && /[\p{L}\p{N}]/u.test(slot));
}

function choiceLists(template: Template): TemplateText["choices"] {
  const seen = new Map<string, TemplateText["choices"][number]>();
  const visit = (blocks: Block[]) => {
    for (const block of blocks) {
      if (block.kind !== "field" || block.slot.kind !== "choice") continue;
      const { options } = block.slot;
      const body = options.map(escapeRegExp).join(String.raw`\s*\|\s*`);
      seen.set(body, { pattern: new RegExp(String.raw`(?<![\w|])${body}(?![\w|])`, "i"), options });
    }
  };
  const walk = (sections: Section[]) =>
    sections.forEach((s) => {
      visit(s.blocks);
      walk(s.children);
    });
  visit(template.preamble);
  walk(template.sections);
  return [...seen.values()];
}
