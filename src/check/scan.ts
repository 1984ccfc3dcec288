import { APPENDIX_HEADING } from "../render/appendix.js";
import { closesFence, parseFence, parseHeading, splitLines } from "../template/text.js";

/** A fenced code block of the plan. `line` is the opening fence's line. */
export interface Fence {
  line: number;
  info: string;
  body: string[];
  closed: boolean;
}

export interface PlanHeading {
  line: number;
  level: number;
  title: string;
}

export interface PlanLine {
  line: number;
  text: string;
  /** Whether the line is a fence delimiter or inside a fenced block. */
  fenced: boolean;
}

/** A plan split into the parts the checks look at. */
export interface ScannedPlan {
  lines: PlanLine[];
  fences: Fence[];
  /** ATX headings of every level outside fences, in plan order. */
  headings: PlanHeading[];
  /** Labels of reference definitions (`[label]: url`), normalized. */
  references: Set<string>;
  /** Line number of the last line (a final newline does not start a new line). */
  lastLine: number;
}

/**
 * The plan up to plandraft's own appendix: the template decides everything before it, and code
 * writes the appendix after the template's last section.
 */
function ownLines(texts: string[]): string[] {
  let fence: string | undefined;
  for (const [index, text] of texts.entries()) {
    if (fence) {
      if (closesFence(text, fence)) fence = undefined;
    } else if (text.trimEnd() === APPENDIX_HEADING) {
      return texts.slice(0, index);
    } else {
      fence = parseFence(text)?.marker;
    }
  }
  return texts;
}

const REFERENCE_DEFINITION = /^ {0,3}\[([^\]]+)\]:\s*\S/;

/** The plan up to its appendix, or with `withAppendix` the whole plan. */
export function scanPlan(plan: string, options: { withAppendix?: boolean } = {}): ScannedPlan {
  const texts = options.withAppendix ? splitLines(plan) : ownLines(splitLines(plan));
  if (texts.length > 1 && texts.at(-1) === "") texts.pop();
  const scanned: ScannedPlan = {
    lines: [],
    fences: [],
    headings: [],
    references: new Set(),
    lastLine: texts.length,
  };
  let open: { fence: Fence; marker: string } | undefined;
  texts.forEach((text, index) => {
    const line = index + 1;
    if (open) {
      scanned.lines.push({ line, text, fenced: true });
      if (closesFence(text, open.marker)) {
        open.fence.closed = true;
        open = undefined;
      } else {
        open.fence.body.push(text);
      }
      return;
    }
    const fence = openingFence(text);
    scanned.lines.push({ line, text, fenced: fence !== undefined });
    if (fence) {
      open = { fence: { line, info: fence.info, body: [], closed: false }, marker: fence.marker };
      scanned.fences.push(open.fence);
      return;
    }
    const heading = atxHeading(text);
    if (heading) scanned.headings.push({ line, ...heading });
    const reference = REFERENCE_DEFINITION.exec(text);
    if (reference?.[1]) scanned.references.add(referenceLabel(reference[1]));
  });
  return scanned;
}

/** A backtick fence's info string cannot contain a backtick (``` `x` ``` is inline code). */
function openingFence(text: string): { marker: string; info: string } | undefined {
  const fence = parseFence(text);
  if (!fence || (fence.marker.startsWith("`") && fence.info.includes("`"))) return undefined;
  return fence;
}

/** Up to three spaces of indentation still make a heading. */
function atxHeading(text: string): { level: number; title: string } | undefined {
  const indented = /^ {0,3}(#.*)$/.exec(text);
  return indented?.[1] ? parseHeading(indented[1]) : undefined;
}

export function referenceLabel(label: string): string {
  return label.trim().replace(/\s+/g, " ").toLowerCase();
}

export function isReferenceDefinition(text: string): boolean {
  return REFERENCE_DEFINITION.test(text);
}

/** Replaces inline code spans with spaces, so brackets inside them are not seen. */
export function maskInlineCode(text: string): string {
  let result = "";
  let index = 0;
  while (index < text.length) {
    const start = text.indexOf("`", index);
    if (start < 0) break;
    const ticks = /^`+/.exec(text.slice(start))?.[0] ?? "`";
    const end = findClosingTicks(text, start + ticks.length, ticks.length);
    if (end < 0) {
      result += text.slice(index, start + ticks.length);
      index = start + ticks.length;
      continue;
    }
    result += text.slice(index, start) + " ".repeat(end + ticks.length - start);
    index = end + ticks.length;
  }
  return result + text.slice(index);
}

function findClosingTicks(text: string, from: number, count: number): number {
  const run = /`+/g;
  run.lastIndex = from;
  for (let match = run.exec(text); match; match = run.exec(text)) {
    if (match[0].length === count) return match.index;
  }
  return -1;
}

/** Trims and collapses runs of whitespace. */
export function collapse(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}
