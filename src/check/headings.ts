import { parseHeading } from "../template/text.js";
import type { Section, Template } from "../template/types.js";
import { alignKeys } from "./align.js";
import { collapse, type PlanHeading, type ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

interface Heading {
  line: number;
  level: number;
  title: string;
  key: string;
  /** Key of the enclosing heading, undefined at the top. */
  parentKey: string | undefined;
}

/** A template heading, flattened in document order. */
interface Expected extends Heading {
  id: string;
  parentIndex: number | undefined;
}

export interface Outline {
  findings: RawFinding[];
  /** The innermost template section id whose heading range contains a plan line. */
  sectionAt: (line: number) => string | undefined;
  /** The plan line of each template section's heading that the plan has, by section id. */
  headingLines: Map<string, number>;
}

/** Checks the H1 title and the H2..H6 heading tree, and maps plan lines to sections. */
export function checkOutline(scan: ScannedPlan, template: Template): Outline {
  const expected = flatten(template.sections);
  const actual = planHeadings(scan.headings.filter((h) => h.level > 1));
  const ids = new Map<number, string>();
  const findings = [
    ...checkTitle(scan.headings, template.title),
    ...compareHeadings(expected, actual, ids, scan.lastLine),
  ];
  const headingLines = new Map([...ids].map(([line, id]) => [id, line]));
  return { findings, sectionAt: sectionMap(scan, ids), headingLines };
}

const keyOf = (level: number, title: string) => `${level}|${collapse(title)}`;
const show = (h: { level: number; title: string }) =>
  `"${"#".repeat(h.level)} ${collapse(h.title)}"`;

function flatten(sections: Section[], parent?: Expected, out: Expected[] = []): Expected[] {
  for (const section of sections) {
    // The section's own level can be normalized by the parser; the heading line is the truth.
    const level = parseHeading(section.headingLine)?.level ?? section.level;
    const entry: Expected = {
      line: section.line,
      level,
      title: section.title,
      key: keyOf(level, section.title),
      parentKey: parent?.key,
      id: section.id,
      parentIndex: parent ? out.indexOf(parent) : undefined,
    };
    out.push(entry);
    flatten(section.children, entry, out);
  }
  return out;
}

function planHeadings(headings: PlanHeading[]): Heading[] {
  const stack: Heading[] = [];
  return headings.map((h) => {
    while ((stack.at(-1)?.level ?? 0) >= h.level) stack.pop();
    const heading = { ...h, key: keyOf(h.level, h.title), parentKey: stack.at(-1)?.key };
    stack.push(heading);
    return heading;
  });
}

function compareHeadings(
  expected: Expected[],
  actual: Heading[],
  ids: Map<number, string>,
  lastLine: number,
): RawFinding[] {
  // Matching parents break ties between repeated titles such as "Scope of Work".
  const weight = (i: number, j: number) =>
    100 + (expected[i]?.parentKey === actual[j]?.parentKey ? 1 : 0);
  const pairs = alignKeys(
    expected.map((e) => e.key),
    actual.map((a) => a.key),
    weight,
  );
  const moved = pairMoved(expected, actual, pairs);
  for (const [e, a] of [...pairs, ...moved]) {
    const heading = actual[a];
    const section = expected[e];
    if (heading && section) ids.set(heading.line, section.id);
  }
  const placed = new Set([...pairs, ...moved].map(([e]) => e));
  const found = new Set([...pairs, ...moved].map(([, a]) => a));
  return [
    ...expected.flatMap((_e, i) =>
      placed.has(i) ? [] : [missing(expected, i, missingLine(i, pairs, actual, lastLine))],
    ),
    ...actual.flatMap((a, j) => (found.has(j) ? [] : [extra(a, expected)])),
    ...outOfOrder(expected, actual, moved),
  ];
}

/** Pairs headings the alignment left out on both sides that have the same key: moved ones. */
function pairMoved(
  expected: Expected[],
  actual: Heading[],
  pairs: [number, number][],
): [number, number][] {
  const freeE = new Set(expected.map((_, i) => i).filter((i) => !pairs.some(([e]) => e === i)));
  const moved: [number, number][] = [];
  actual.forEach((heading, j) => {
    if (pairs.some(([, a]) => a === j)) return;
    const candidates = [...freeE].filter((i) => expected[i]?.key === heading.key);
    const best =
      candidates.find((i) => expected[i]?.parentKey === heading.parentKey) ?? candidates[0];
    if (best === undefined) return;
    freeE.delete(best);
    moved.push([best, j]);
  });
  return moved;
}

/** Where a missing heading should have been: the plan heading after its predecessor's match. */
function missingLine(
  index: number,
  pairs: [number, number][],
  actual: Heading[],
  lastLine: number,
): number {
  const before = pairs.filter(([e]) => e < index).at(-1);
  const next = actual[before ? before[1] + 1 : 0];
  return next?.line ?? lastLine;
}

function missing(expected: Expected[], index: number, line: number): RawFinding {
  const heading = expected[index];
  const previous = expected[index - 1];
  const where = previous ? ` (the template has it after ${show(previous)})` : "";
  return {
    line,
    code: "HEADING_MISSING",
    message: `missing heading ${heading ? show(heading) : ""}${where}`,
  };
}

function extra(heading: Heading, expected: Expected[]): RawFinding {
  const title = collapse(heading.title);
  const other = expected.find((e) => collapse(e.title) === title && e.level !== heading.level);
  const hint = other ? `; the template has it as ${show(other)}` : "";
  const repeated = expected.some((e) => e.key === heading.key);
  const message = repeated
    ? `heading ${show(heading)} appears more often than in the template`
    : `heading ${show(heading)} is not in the template${hint}`;
  return { line: heading.line, code: "HEADING_EXTRA", message };
}

/** A heading that moved together with its parent is reported once, at the parent. */
function outOfOrder(
  expected: Expected[],
  actual: Heading[],
  moved: [number, number][],
): RawFinding[] {
  const movedTo = new Map(moved.map(([e, a]) => [a, e]));
  return moved.flatMap(([e, a]) => {
    const heading = actual[a];
    const section = expected[e];
    if (!heading || !section) return [];
    const parent = planParent(actual, a);
    if (
      parent !== undefined &&
      movedTo.has(parent) &&
      movedTo.get(parent) === section.parentIndex
    ) {
      return [];
    }
    const previous = expected[e - 1];
    const where = previous ? `after ${show(previous)}` : "first";
    return [
      {
        line: heading.line,
        code: "HEADING_ORDER",
        message: `heading ${show(heading)} is out of order; the template has it ${where}`,
      },
    ];
  });
}

function planParent(actual: Heading[], index: number): number | undefined {
  const level = actual[index]?.level ?? 0;
  for (let i = index - 1; i >= 0; i -= 1) {
    if ((actual[i]?.level ?? 0) < level) return i;
  }
  return undefined;
}

function checkTitle(headings: PlanHeading[], title: string): RawFinding[] {
  const want = collapse(title);
  const expected = `expected "# ${want}" or "# ${want}: <feature name>"`;
  const [first, ...others] = headings.filter((h) => h.level === 1);
  if (!first) {
    return [{ line: 1, code: "TITLE_MISMATCH", message: `the plan has no H1 title; ${expected}` }];
  }
  const findings: RawFinding[] = others.map((h) => ({
    line: h.line,
    code: "TITLE_MISMATCH",
    message: `a second H1 "# ${collapse(h.title)}"; the plan must have exactly one title`,
  }));
  if (!titleMatches(collapse(first.title), want)) {
    findings.unshift({
      line: first.line,
      code: "TITLE_MISMATCH",
      message: `title "${collapse(first.title)}" does not match the template; ${expected}`,
    });
  }
  return findings;
}

function titleMatches(title: string, want: string): boolean {
  if (title === want) return true;
  return title.startsWith(want) && /^(?::|\s—\s|\s-\s)\s*\S/.test(title.slice(want.length));
}

/** For each line, the innermost enclosing heading that is a template section. */
function sectionMap(
  scan: ScannedPlan,
  ids: Map<number, string>,
): (line: number) => string | undefined {
  const levels = new Map(scan.headings.map((h) => [h.line, h.level]));
  const byLine: (string | undefined)[] = [undefined];
  const stack: { level: number; id: string | undefined }[] = [];
  for (let line = 1; line <= scan.lastLine; line += 1) {
    const level = levels.get(line);
    if (level !== undefined) {
      while ((stack.at(-1)?.level ?? 0) >= level) stack.pop();
      stack.push({ level, id: ids.get(line) });
    }
    byLine.push(stack.findLast((entry) => entry.id !== undefined)?.id);
  }
  return (line) => byLine[line];
}
