import type { DraftContext } from "./context.js";
import { ownedEndpoints, ownedObjects } from "./owned.js";
import { countTerms } from "./repos.js";

/** Statements of what will be built; background and alternatives do not add work. */
const WORK_KINDS = new Set([
  "design",
  "requirements",
  "goals",
  "decision",
  "stories",
  "entities",
  "configuration",
]);

/**
 * How much of the doc maps to the unit: every owned endpoint and table, and every statement of
 * work that names the repository's technologies (for a repository; all of them otherwise).
 */
export function evidenceCount(ctx: DraftContext): number {
  const objects =
    ownedEndpoints(ctx).length + ownedObjects(ctx).filter((o) => o.change !== "read").length;
  const profile = ctx.profiles.find((p) => p.repo === ctx.unit.repo);
  const statements = ctx.facts.statements.filter(
    (s) => WORK_KINDS.has(s.kind ?? "") && (!profile || countTerms(profile, s.text).length > 0),
  ).length;
  return objects * 2 + statements;
}

/**
 * A choice such as "Low | Medium | High", picked by the amount of evidence: always one of the
 * template's own options, in the order the template lists them (smallest first).
 */
export function complexity(ctx: DraftContext, options: string[]): string {
  const count = evidenceCount(ctx);
  const level = count < 8 ? 0 : count < 24 ? 1 : 2;
  const scaled = Math.round((level / 2) * (options.length - 1));
  return options[Math.min(options.length - 1, scaled)] ?? options[0] ?? "";
}
