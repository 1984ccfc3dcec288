import { inScopeNonGoal } from "../../drafters/brief-facts.js";
import type { RawFinding } from "../types.js";
import { docLine, planItem, type FeatureCheck, type PlanItem } from "./context.js";

/** Sections whose items are planned work: scope, scope of work, phases (and what they hold). */
const PLANNED = /\bscope\b|\bphases?\b/i;
/** A field that lists what is not planned. */
const NOT_PLANNED = /out of scope|non-?goals?|not in scope|excluded|not planned/i;

/**
 * NON_GOAL_PLANNED: an item in the plan's scope, a repository's scope of work or a phase that
 * plans one of the doc's non-goals (`inScopeNonGoal`, precise before complete). Items under an
 * "Out of Scope" field, and items that say the work is not done, are not findings.
 */
export function checkNonGoals(check: FeatureCheck): RawFinding[] {
  const { facts, sections } = check;
  if (facts.outOfScope.length === 0) return [];
  const findings: RawFinding[] = [];
  for (const section of sections) {
    if (section.undrafted) continue;
    if (![...section.above, section.section.title].some((t) => PLANNED.test(t))) continue;
    for (const item of plannedItems(section.own.filter((l) => !l.fenced).map(planItem))) {
      for (const part of item.value.split(/;\s+/)) {
        const nonGoal = facts.outOfScope.find((goal) => inScopeNonGoal(part, goal.text));
        if (!nonGoal) continue;
        findings.push({
          line: item.line.line,
          code: "NON_GOAL_PLANNED",
          message: `this plans "${part.trim()}", which ${docLine(nonGoal)} puts out of scope; take it out of the plan's scope and work, or list it under Out of Scope`,
        });
        break;
      }
    }
  }
  return findings;
}

/** The items that plan work: all but those of a not-planned field (its value and its sub-items). */
function plannedItems(items: PlanItem[]): PlanItem[] {
  let excluded: PlanItem | undefined;
  return items.filter((item) => {
    if (!item.line.text.trim()) return false;
    if (excluded && isUnder(item, excluded)) return false;
    excluded = item.label && NOT_PLANNED.test(item.label) ? item : undefined;
    return !excluded;
  });
}

/** A list item indented under a field that is a list item, or any list item under one that is not. */
function isUnder(item: PlanItem, field: PlanItem): boolean {
  if (item.indent === undefined) return false;
  return field.indent === undefined || item.indent > field.indent;
}
