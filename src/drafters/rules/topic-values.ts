import { type DraftContext, findStatements, fresh, repoRequirements } from "./context.js";
import { componentLine, componentsFound } from "./existing.js";
import { dataObjectValues, ownedEndpoints, ownedObjects } from "./owned.js";
import type { Change, SlotInfo } from "./slot.js";
import { LIMITS } from "../../template/schema.js";
import { shorten, unique } from "./text.js";

/** Tables first; a doc that names no table but lists its key entities gives those instead. */
export function dataObjects(ctx: DraftContext, slot: SlotInfo, change: Change): string[] {
  const named = dataObjectValues(ctx, slot, change);
  if (named.length > 0 || change === "modified") return named;
  return findStatements(ctx, /./, { kinds: ["entities"], limit: 4 });
}

export function tests(ctx: DraftContext, stated: string[], pattern: RegExp): string[] {
  if (stated.length > 0) return stated.slice(0, 4);
  const general = fresh(ctx, ctx.facts.tests.general).slice(0, 2);
  return general.length > 0
    ? general
    : findStatements(ctx, pattern, {
        kinds: ["requirements", "nonFunctional", "stories"],
        scenarios: true,
        limit: 2,
        repo: undefined,
      });
}

/** Performance and security come from what the doc states as such, never from passing words. */
export function nonFunctional(ctx: DraftContext, pattern: RegExp): string[] {
  return fresh(
    ctx,
    ctx.brief.non_functional.filter((n) => pattern.test(n)),
  ).slice(0, 3);
}

export function integrations(ctx: DraftContext): string[] {
  const systems = ctx.brief.integrations;
  return systems.length > 0 ? [`Systems the doc names: ${systems.join(", ")}`] : [];
}

export function dependencies(ctx: DraftContext): string[] {
  const stated = findStatements(ctx, /./, { kinds: ["dependencies"], limit: 2, repo: undefined });
  const systems = ctx.brief.integrations.slice(0, 5);
  return unique([
    ...stated,
    ...(systems.length > 0 ? [`External systems the doc names: ${systems.join(", ")}`] : []),
  ]);
}

/** A repository's main work: its own endpoints and tables, then the proposal's statements about it. */
export function primaryChanges(ctx: DraftContext): string[] {
  if (!ctx.unit.repo) return [shorten(ctx.brief.goal)];
  const required = repoRequirements(ctx);
  const owned = [
    ...ownedEndpoints(ctx).map((e) => `${e.method ? `${e.method} ` : ""}${e.path}`),
    ...ownedObjects(ctx)
      .filter((o) => o.change !== "read")
      .map((o) => o.name),
  ];
  // The doc's own requirements for the repository say its work best; heuristics only without them.
  const stated =
    required.length > 0
      ? required
      : findStatements(ctx, /./, {
          kinds: ["design", "requirements", "goals", "decision", "summary"],
          limit: 2,
        });
  const unsaid = owned.filter((name) => !stated.some((s) => s.includes(name.replace(/^\w+ /, ""))));
  const existing = componentsFound(ctx).map(componentLine);
  return unique([
    ...stated,
    ...(unsaid.length > 0 ? [shorten(`Named in the doc: ${unsaid.join(", ")}`)] : []),
    ...(existing.length > 0
      ? [`Named in the doc and found in ${ctx.unit.repo}: ${existing.slice(0, 6).join(", ")}`]
      : []),
  ]);
}

/** The doc's acceptance criteria, each with its ID when it has one, whole as far as a line allows. */
export function criteriaToTest(ctx: DraftContext): string[] {
  return ctx.facts.stated.acceptance.map((c) =>
    shorten(c.id && !c.text.includes(c.id) ? `${c.id}: ${c.text}` : c.text, LIMITS.line),
  );
}

/** A slot of components to change: first those the doc names that the repository holds. */
export function existingComponents(ctx: DraftContext, pattern: RegExp): string[] {
  return componentsFound(ctx)
    .filter((f) => pattern.test(f.found.at))
    .map(componentLine);
}
