import { contentWords } from "../../drafters/brief-facts.js";
import type { Criterion } from "../../feature/facts.js";
import type { PlanLine } from "../scan.js";
import type { RawFinding } from "../types.js";
import { docLine, mentionsId, testingSection, type FeatureCheck } from "./context.js";

/** Fewer content words than this: too little to tell whether a test covers it. */
const MIN_WORDS = 3;

/**
 * CRITERION_UNTESTED: an acceptance criterion the testing section does not cover: by its ID when
 * it has one (a criterion the plan never mentions is REQUIREMENT_MISSING instead, once), else by
 * its content words, covered when one line of the section holds a third of them (at least two).
 * Precise before complete: a test in other words goes unflagged rather than a covered
 * criterion being flagged.
 */
export function checkCriteria(check: FeatureCheck): RawFinding[] {
  const testing = testingSection(check.sections);
  if (!testing || testing.undrafted) return [];
  const planLines = check.scan.lines.filter((l) => !l.fenced);
  const lines = testing.body.filter((l) => !l.fenced);
  return check.facts.acceptance.flatMap((criterion) => {
    if (criterion.id) {
      if (mentionsId(lines, criterion.id) || !mentionsId(planLines, criterion.id)) return [];
    } else if (coveredByWords(criterion, lines)) {
      return [];
    }
    const name = criterion.id ? `${criterion.id}, ` : "";
    return [
      {
        line: testing.line,
        code: "CRITERION_UNTESTED" as const,
        message: `"${testing.section.title}" does not cover the acceptance criterion ${name}${docLine(criterion)}; add a test that verifies it${criterion.id ? ` and name ${criterion.id}` : ""}`,
      },
    ];
  });
}

function coveredByWords(criterion: Criterion, lines: PlanLine[]): boolean {
  const words = contentWords(criterion.text);
  if (words.length < MIN_WORDS) return true;
  const needed = Math.max(2, Math.ceil(words.length / 3));
  return lines.some((line) => {
    const held = new Set(contentWords(line.text));
    return words.filter((w) => held.has(w)).length >= needed;
  });
}
