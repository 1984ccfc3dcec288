import type { Section } from "../../template/types.js";
import { type DraftContext, touchedRepos } from "./context.js";
import { changeWith, existenceNote, type Found, whereEndpoint, whereTable } from "./existing.js";
import type { DataObject, Endpoint } from "./objects.js";
import { countTerms, ownerOf } from "./repos.js";
import { shorten } from "./text.js";

/**
 * Endpoints and tables are listed once, in the repository that owns them: among the touched
 * repositories whose section has a slot for them, the one the fact's own words point at.
 */
const ENDPOINT_SLOT = /endpoint/i;
const OBJECT_SLOT = /\btables?\b|\bviews?\b|schema/i;

interface SlotOwner {
  label: string;
  context: string[];
}

type Change = "new" | "modified" | undefined;

export function ownedEndpoints(ctx: DraftContext): Endpoint[] {
  return owned(ctx, ctx.facts.endpoints, ENDPOINT_SLOT, {
    text: (e) => `${e.path}\n${e.source}`,
    where: (e) => whereEndpoint(ctx.known, e),
  });
}

export function ownedObjects(ctx: DraftContext): DataObject[] {
  return owned(ctx, ctx.facts.dataObjects, OBJECT_SLOT, {
    text: (o) => `${o.name}\n${o.source}`,
    where: (o) => whereTable(ctx.known, o),
  });
}

/**
 * A fact a mapped repository already declares goes there; a fact whose words name a
 * repository's technologies goes there; a fact that names none goes where most of its kind
 * went, so related tables stay together.
 */
function owned<T>(
  ctx: DraftContext,
  facts: T[],
  slot: RegExp,
  of: { text: (fact: T) => string; where: (fact: T) => Found[] },
): T[] {
  if (!ctx.unit.repo) return facts;
  const repos = candidates(ctx, slot);
  const placed = facts.map((fact) => ({
    fact,
    repo:
      of.where(fact).find((f) => repos.includes(f.repo))?.repo ??
      placedBy(ctx, repos, of.text(fact)),
  }));
  const tally = new Map<string, number>();
  for (const { repo } of placed) if (repo) tally.set(repo, (tally.get(repo) ?? 0) + 1);
  const fallback =
    [...tally].sort((a, b) => b[1] - a[1])[0]?.[0] ??
    ownerOf("", repos, ctx.profiles, ctx.evidence);
  return placed.filter(({ repo }) => (repo ?? fallback) === ctx.unit.repo).map(({ fact }) => fact);
}

function placedBy(ctx: DraftContext, repos: string[], text: string): string | undefined {
  const scored = repos.map((repo) => {
    const profile = ctx.profiles.find((p) => p.repo === repo);
    return {
      repo,
      hits: profile ? countTerms(profile, text).reduce((sum, h) => sum + h.count, 0) : 0,
    };
  });
  const best = Math.max(0, ...scored.map((s) => s.hits));
  return best > 0
    ? ownerOf(
        text,
        scored.filter((s) => s.hits === best).map((s) => s.repo),
        ctx.profiles,
        ctx.evidence,
      )
    : undefined;
}

function candidates(ctx: DraftContext, slot: RegExp): string[] {
  const touched = new Set(touchedRepos(ctx).map((e) => e.repo));
  return ctx.layout.units
    .filter(
      (u) =>
        u.repo &&
        touched.has(u.repo) &&
        labels(u.section).some((l) => slot.test(`${l.context.join(" ")} ${l.label}`)),
    )
    .map((u) => u.repo ?? "");
}

function labels(section: Section): SlotOwner[] {
  const own = section.blocks.flatMap((b) =>
    b.kind === "field" || b.kind === "topic" ? [{ label: b.label, context: b.context }] : [],
  );
  return [...own, ...section.children.flatMap(labels)];
}

export function endpointValues(
  ctx: DraftContext,
  slot: { short: boolean },
  change: Change,
): string[] {
  const endpoints = ownedEndpoints(ctx).map((e) => ({ e, found: whereEndpoint(ctx.known, e) }));
  return endpoints
    .filter(({ e, found }) => !change || changeWith(e, found) === change)
    .map(({ e, found }) => {
      const name = `\`${e.method ? `${e.method} ` : ""}${e.path}\``;
      if (slot.short) return name;
      const note = existenceNote(
        ctx.known,
        ctx.unit.repo,
        { ...e, name: e.path, noun: "endpoint" },
        found,
      );
      return shorten(`${name}${e.purpose ? ` — ${e.purpose}` : ""}`) + note;
    });
}

export function dataObjectValues(
  ctx: DraftContext,
  slot: { short: boolean },
  change: Change,
): string[] {
  const objects = ownedObjects(ctx).map((o) => {
    const found = whereTable(ctx.known, o);
    return { o: { ...o, change: changeWith(o, found) }, found };
  });
  return objects
    .filter(({ o }) => (change ? o.change === change : o.change !== "read"))
    .map(({ o, found }) => {
      const plain = /\s/.test(o.name) ? o.name : `\`${o.name}\``;
      if (slot.short) return plain;
      const note = existenceNote(ctx.known, ctx.unit.repo, { ...o, noun: o.kind }, found);
      return dataObjectLine(o, plain, change) + note;
    });
}

function dataObjectLine(o: DataObject, plain: string, change: Change): string {
  const name = change ? plain : `${plain} (${o.change})`;
  const columns =
    o.columns.length > 0
      ? ` (columns: ${o.columns.slice(0, 6).join(", ")}${o.columns.length > 6 ? ", …" : ""})`
      : "";
  const note = o.note && !columns ? ` — ${o.note}` : "";
  return shorten(`${name}${columns}${note}`);
}

export function envVarValues(ctx: DraftContext, slot: { short: boolean }): string[] {
  const vars = ctx.facts.envVars;
  if (vars.length === 0) return [];
  if (slot.short) return [shorten(`Environment variables: ${vars.map((v) => v.name).join(", ")}`)];
  return vars.slice(0, 6).map((v) => shorten(`\`${v.name}\`${v.purpose ? ` — ${v.purpose}` : ""}`));
}
