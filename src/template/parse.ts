import { AppError } from "../errors.js";
import { parseBody } from "./parse-body.js";
import { closesFence, parseFence, parseHeading, slugify, splitLines, uniqueKey } from "./text.js";
import type { Section, Template } from "./types.js";

interface RawHeading {
  level: number;
  title: string;
  line: number;
  headingLine: string;
  body: string[];
}

/**
 * Parses a markdown plan template into its heading tree. The first H1 is the plan's title;
 * every H2 is a section; deeper headings nest. Text before the first H2 is document guidance.
 */
export function parseTemplate(source: string): Template {
  const { preface, headings } = splitByHeadings(splitLines(source));
  const h1Index = headings.findIndex((h) => h.level === 1);
  const h1 = headings[h1Index];
  if (!h1) {
    throw new AppError("TEMPLATE_INVALID", "the template has no '# Title' heading", {
      hint: "start the template with a level-1 heading such as '# Implementation Plan'",
    });
  }
  if (preface.some((line) => line.trim() !== "")) {
    throw new AppError("TEMPLATE_INVALID", "the template has text before its '# Title' heading", {
      hint: "move that text below the title",
    });
  }
  const rest = headings.slice(h1Index + 1);
  if (!rest.some((h) => h.level === 2)) {
    throw new AppError("TEMPLATE_INVALID", "the template has no '## Section' headings", {
      hint: "give each part of the plan a level-2 heading",
    });
  }
  const taken = new Set<string>();
  const sections = nest(rest, 2, [], taken);
  return {
    title: h1.title,
    titleLine: h1.headingLine,
    preamble: parseBody(h1.body, new Set(), h1.title),
    sections,
    source,
  };
}

function splitByHeadings(lines: string[]): { preface: string[]; headings: RawHeading[] } {
  const preface: string[] = [];
  const headings: RawHeading[] = [];
  let fence: string | undefined;
  lines.forEach((line, index) => {
    const current = headings.at(-1);
    const heading = fence ? undefined : parseHeading(line);
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
    } else {
      fence = parseFence(line)?.marker;
    }
    if (heading) {
      headings.push({ ...heading, line: index + 1, headingLine: line.trimEnd(), body: [] });
    } else if (current) {
      current.body.push(line);
    } else {
      preface.push(line);
    }
  });
  return { preface, headings };
}

/** Builds sections of `level` from a flat heading list; deeper headings become children. */
function nest(
  headings: RawHeading[],
  level: number,
  parentPath: string[],
  taken: Set<string>,
): Section[] {
  const sections: Section[] = [];
  let index = 0;
  while (index < headings.length) {
    const head = headings[index];
    if (!head) break;
    let end = index + 1;
    while (end < headings.length && (headings[end]?.level ?? 0) > head.level) end += 1;
    const path = [...parentPath, slugify(head.title)];
    const keys = new Set<string>();
    sections.push({
      id: uniqueKey(path.join("/"), taken),
      title: head.title,
      headingLine: head.headingLine,
      level: Math.max(head.level, level),
      line: head.line,
      blocks: parseBody(head.body, keys, head.title),
      children: nest(headings.slice(index + 1, end), head.level + 1, path, taken),
    });
    index = end;
  }
  return sections;
}
