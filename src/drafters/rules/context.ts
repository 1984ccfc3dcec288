import type { DraftLayout, WorkUnit } from "../../template/layout.js";
import type { Brief } from "../brief.js";
import { withItems } from "./design.js";
import type { DocFacts } from "./facts.js";
import type { HeadingKind } from "../../feature/headings.js";
import {
  type RepoEvidence,
  type RepoProfile,
  repoEvidence,
  repoProfiles,
  reposFor,
} from "./repos.js";
import type { Statement } from "./statements.js";
import { wordCount } from "../../feature/plain-text.js";
import { shorten } from "./text.js";

/** What filling one unit needs: the doc's facts, the brief, and where the unit sits. */
export interface DraftContext {
  facts: DocFacts;
  brief: Brief;
  layout: DraftLayout;
  unit: WorkUnit;
  profiles: RepoProfile[];
  evidence: RepoEvidence[];
  /** Statements already placed in this unit, so one statement fills one slot. */
  used: Set<Statement>;
}

export function draftContext(
  facts: DocFacts,
  brief: Brief,
  layout: DraftLayout,
  unit: WorkUnit,
): DraftContext {
  const profiles = repoProfiles(layout);
  const evidence = repoEvidence(profiles, facts.statements).map((e) => {
    const stated = brief.repos.find((r) => r.repo === e.repo);
    return stated ? { ...e, touched: stated.touched } : e;
  });
  return { facts, brief, layout, unit, profiles, evidence, used: new Set() };
}

export function touchedRepos(ctx: DraftContext): RepoEvidence[] {
  return ctx.evidence.filter((e) => e.touched);
}

/** How much a statement's heading says about its use in a plan: lower is better. */
const RANK: Partial<Record<HeadingKind, number>> = {
  design: 0,
  requirements: 0,
  goals: 0,
  decision: 0,
  stories: 1,
  entities: 1,
  configuration: 1,
  nonFunctional: 1,
  summary: 2,
  testing: 2,
  rollout: 2,
  dependencies: 2,
  background: 3,
  drawbacks: 3,
};
/** Text under these headings is about what the feature will not do, or might do one day. */
const OFF_PLAN = new Set<HeadingKind | undefined>([
  "nonGoals",
  "future",
  "alternatives",
  "questions",
]);
/** Rollout, test plans and drawbacks have slots of their own; elsewhere their words mislead. */
const OWN_SLOTS = new Set<HeadingKind | undefined>(["rollout", "testing", "drawbacks"]);

export interface FindOptions {
  limit?: number;
  /** A statement must also match this (e.g. UI words for a slot under "Frontend"). */
  within?: RegExp | undefined;
  /** Include acceptance scenarios and story narratives (only tests want them). */
  scenarios?: boolean;
  /** Statements that also match this come first (e.g. "new", "add" for a slot of new things). */
  prefer?: RegExp | undefined;
  /** Only statements under these kinds of heading. */
  kinds?: HeadingKind[];
  /** Limit to the unit's repository (the default for a repository unit). */
  repo?: string | undefined;
}

/** Statements that match `pattern`, best first, each at most once per unit. */
export function findStatements(
  ctx: DraftContext,
  pattern: RegExp,
  options: FindOptions = {},
): string[] {
  const repo = "repo" in options ? options.repo : ctx.unit.repo;
  const scored = ctx.facts.statements.flatMap((statement) => {
    if (!eligible(ctx, statement, options)) return [];
    const hits = matches(pattern, statement.text);
    if (hits === 0 || (options.within && !options.within.test(statement.text))) return [];
    if (repo && !inRepo(ctx, statement, repo)) return [];
    const score = options.prefer?.test(statement.text) ? hits + 1 : hits;
    return [{ statement, score, rank: rankOf(statement) }];
  });
  scored.sort(
    (a, b) => b.score - a.score || a.rank - b.rank || a.statement.order - b.statement.order,
  );
  const picked = scored.slice(0, options.limit ?? 3).map((s) => s.statement);
  picked.forEach((s) => ctx.used.add(s));
  return picked
    .sort((a, b) => a.order - b.order)
    .map((s) => shorten(withItems(ctx.facts.statements, s)));
}

/** Not used yet, on the plan, long enough to say something, and not a bare lead-in. */
function eligible(ctx: DraftContext, statement: Statement, options: FindOptions): boolean {
  if (ctx.used.has(statement) || statement.underLeadIn || OFF_PLAN.has(statement.kind))
    return false;
  if (
    options.kinds
      ? !options.kinds.includes(statement.kind as HeadingKind)
      : OWN_SLOTS.has(statement.kind)
  ) {
    return false;
  }
  if (!options.scenarios && SCENARIO.test(statement.text)) return false;
  const bareLeadIn =
    statement.leadIn && withItems(ctx.facts.statements, statement) === statement.text;
  return wordCount(statement.text) >= 5 && !bareLeadIn;
}

/** Given/When/Then, "Independent Test:", "As a user, I want": tests and stories, not design. */
const SCENARIO = /^(given|when|then)\b|^independent test|^why this priority|^(as an?\s|作为)/i;

/** How many different words of `pattern` the text uses: more means more on topic. */
function matches(pattern: RegExp, text: string): number {
  const global = new RegExp(
    pattern.source,
    pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`,
  );
  return Math.min(3, new Set([...text.matchAll(global)].map((m) => m[0].toLowerCase())).size);
}

/** Spec boilerplate ("Why this priority:", Given/When/Then) explains or tests; it is not the design. */
function rankOf(statement: Statement): number {
  const base = RANK[statement.kind as HeadingKind] ?? 2;
  if (/^(why this priority|independent test|priority)\b/i.test(statement.text)) return base + 3;
  if (/^(given|when|then)\b/i.test(statement.text)) return base + 2;
  return base;
}

export function inRepo(ctx: DraftContext, statement: Statement, repo: string): boolean {
  return reposFor(
    `${statement.path.at(-1) ?? ""}\n${statement.text}`,
    ctx.profiles,
    touchedRepos(ctx),
  ).includes(repo);
}

/** Texts of a list that are not used yet in this unit (for lists built outside `findStatements`). */
export function fresh(ctx: DraftContext, texts: string[]): string[] {
  const taken = new Set([...ctx.used].map((s) => shorten(s.text)));
  return texts.filter((t) => !taken.has(t));
}
