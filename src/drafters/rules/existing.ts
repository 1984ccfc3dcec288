import {
  type Declared,
  findComponent,
  findEndpoint,
  findTable,
  type KnownRepository,
} from "../../workspace/known.js";
import { type DraftContext, OFF_PLAN } from "./context.js";
import type { DocFacts } from "./facts.js";
import type { DataObject, Endpoint } from "./objects.js";
import type { Statement } from "./statements.js";

/**
 * What the mapped repositories say about the things a doc names: whether each endpoint, table
 * or component already exists, and where. The doc stays the authority: where it says a thing is
 * new and a repository already declares it, the plan asks instead of choosing.
 */
export interface Found {
  repo: string;
  commit: string;
  found: Declared;
}

export function whereEndpoint(known: readonly KnownRepository[], endpoint: Endpoint): Found[] {
  return flat(findEndpoint(known, endpoint.method, endpoint.path));
}

export function whereTable(known: readonly KnownRepository[], object: DataObject): Found[] {
  // A name in prose ("watchlist alerts table") is a description, not a table's name.
  return object.name.includes(" ") ? [] : flat(findTable(known, object.name));
}

function flat(hits: { repo: KnownRepository; found: Declared }[]): Found[] {
  return hits.map(({ repo, found }) => ({ repo: repo.name, commit: repo.commit, found }));
}

/**
 * New or changed as the plan should list it: what the doc says outright wins; a thing the doc
 * only names is changed when a mapped repository already has it.
 */
export function changeWith<T extends { change: string; said?: boolean | undefined }>(
  thing: T,
  found: Found[],
): T["change"] {
  if (thing.said || found.length === 0) return thing.change;
  return thing.change === "new" ? "modified" : thing.change;
}

/**
 * What a plan line says of a named thing, for the repository `repo` that lists it: where it is
 * today, or that the mapped checkout does not have it; nothing when `repo` is not mapped.
 */
export function existenceNote(
  known: readonly KnownRepository[],
  repo: string | undefined,
  what: { name: string; change: string; said?: boolean | undefined; noun: string },
  found: Found[],
): string {
  const here = found.find((f) => f.repo === repo) ?? (repo ? undefined : found[0]);
  const mapped = known.find((k) => k.name === repo);
  if (here) {
    const declared = here.found.at;
    // A router mounted under a prefix declares less of the path than the doc writes.
    const as = here.found.name === what.name ? "" : ` as \`${here.found.name}\``;
    return what.said && what.change === "new"
      ? ` [NEEDS CLARIFICATION: the doc plans it as new, but \`${declared}\` already declares it${as}]`
      : ` (exists${as}: \`${declared}\`)`;
  }
  if (!mapped) return "";
  const at = `${mapped.name} at ${mapped.commit.slice(0, 7)}`;
  return what.change === "new"
    ? ` (not in ${at})`
    : ` [NEEDS CLARIFICATION: the doc changes this ${what.noun}, but ${at} does not declare it in the files read]`;
}

/**
 * Components the doc names in code spans: a file path, or an identifier too particular to be a
 * word (`WatchButton`, `score_alert`). Only statements that are part of the plan count.
 */
export function namedComponents(statements: Statement[]): string[] {
  const names = new Set<string>();
  for (const statement of statements) {
    if (OFF_PLAN.has(statement.kind)) continue;
    for (const match of statement.text.matchAll(/`([^`\s]+)`/g)) {
      const name = match[1] ?? "";
      if (COMPONENT_PATH.test(name) || IDENTIFIER.test(name)) names.add(name);
    }
  }
  return [...names];
}

/** `frontend/components/WatchButton.tsx`: a relative path to a file with an extension. */
const COMPONENT_PATH = /^(?:\.\/)?[\w.-]+(?:\/[\w.-]+)+\.\w+$/;
/** CamelCase with two humps or more, or snake_case: a name code gave, not an English word. */
const IDENTIFIER = /^(?:[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[a-z][a-z0-9]*(?:_[a-z0-9]+)+)$/;

/** The components the doc names that the unit's repository holds, with the files that hold them. */
export function componentsFound(ctx: DraftContext): Found[] {
  const mapped = ctx.known.filter((k) => k.name === ctx.unit.repo);
  if (mapped.length === 0) return [];
  return namedComponents(ctx.facts.statements).flatMap((name) => flat(findComponent(mapped, name)));
}

/** "`WatchButton` (`/gain/frontend/components/WatchButton.tsx`)". */
export function componentLine(found: Found): string {
  return `\`${found.found.name}\` (\`${found.found.at}\`)`;
}

/**
 * Why a repository the doc's words do not point at is touched all the same: an endpoint the
 * doc plans, or a table it creates or changes, is declared there today. Undefined when nothing
 * the doc names lives in it.
 */
export function livesIn(
  facts: DocFacts,
  known: readonly KnownRepository[],
  repo: string,
): string | undefined {
  const mapped = known.filter((k) => k.name === repo);
  if (mapped.length === 0) return undefined;
  const endpoint = facts.endpoints.flatMap((e) =>
    whereEndpoint(mapped, e).map((f) => ({
      name: `${e.method ? `${e.method} ` : ""}${e.path}`,
      f,
    })),
  )[0];
  const table = facts.dataObjects
    .filter((o) => o.change !== "read")
    .flatMap((o) => whereTable(mapped, o).map((f) => ({ name: o.name, f })))[0];
  const hit = endpoint ?? table;
  if (!hit) return undefined;
  return `The doc names \`${hit.name}\`, which ${repo} declares today (\`${hit.f.found.at}\`).`;
}
