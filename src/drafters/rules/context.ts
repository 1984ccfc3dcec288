import type { AnsweredQuestion } from "../review.js";
import type { DraftLayout, WorkUnit } from "../../../graphs/plan-drafter/topology.js";
import type { KnownRepository } from "../../workspace/known.js";
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
import { shorten, termSource } from "./text.js";

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
  /** What the workspace's repositories declare; empty without a workspace. */
  known: readonly KnownRepository[];
  /** What a person decided when the brief was reviewed: decisions the plan follows. */
  answers: readonly AnsweredQuestion[];
}

export function draftContext(
  facts: DocFacts,
  brief: Brief,
  layout: DraftLayout,
  unit: WorkUnit,
  known: readonly KnownRepository[] = [],
  answers: readonly AnsweredQuestion[] = [],
): DraftContext {
  const profiles = repoProfiles(layout);
  // The brief decides which repositories are touched, and why (the doc's words, where it says).
  const evidence = repoEvidence(profiles, facts.statements).map((e) => {
    const stated = brief.repos.find((r) => r.repo === e.repo);
    return stated ? { ...e, touched: stated.touched, why: stated.why } : e;
  });
  return { facts, brief, layout, unit, profiles, evidence, used: new Set(), known, answers };
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
export const OFF_PLAN = new Set<HeadingKind | undefined>([
  "nonGoals",
  "future",
  "alternatives",
  "questions",
]);
/**
 * Rollout, test plans and drawbacks have slots of their own; elsewhere their words mislead. A
 * summary or the background says what is wrong today, not what to build: its words would fill
 * a slot of work by keyword only.
 */
const OWN_SLOTS = new Set<HeadingKind | undefined>([
  "rollout",
  "testing",
  "drawbacks",
  "summary",
  "background",
]);

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
  if (
    !options.scenarios &&
    (SCENARIO.test(unnumbered(statement.text)) || criterion(ctx, statement))
  )
    return false;
  const bareLeadIn =
    statement.leadIn && withItems(ctx.facts.statements, statement) === statement.text;
  return wordCount(statement.text) >= 5 && !bareLeadIn;
}

/** "AC-1: Given ..." -> "Given ...". */
function unnumbered(text: string): string {
  return text.replace(/^[*_]*[A-Z][A-Z0-9]*-\d+[a-z]?[*_]*[:.)]?\s*/, "");
}

/** One of the doc's acceptance criteria: it is tested, not built. */
function criterion(ctx: DraftContext, statement: Statement): boolean {
  return ctx.facts.stated.acceptance.some(
    (c) => statement.lines.includes(c.line) && statement.text.length <= c.text.length + 8,
  );
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
  const owner = statedRepo(ctx, statement);
  if (owner) return owner === repo;
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

/**
 * The touched repository whose requirement the statement is, by the ID's prefix (`EDH-3`):
 * the doc says where it goes, so no keyword decides.
 */
export function statedRepo(ctx: DraftContext, statement: Statement): string | undefined {
  const requirement = ctx.facts.stated.requirements.find(
    (r) => r.repo && statement.lines.includes(r.line) && statement.text.includes(r.id),
  );
  const touched = touchedRepos(ctx).map((e) => e.repo);
  const repo = requirement?.repo;
  if (repo) return touched.includes(repo) ? repo : undefined;
  // "The export job in /data reads ...": a statement that names one repository is about it.
  const named = touched.filter((r) =>
    new RegExp(`(^|[\\s(])${termSource(r)}\\b`).test(statement.text),
  );
  return named.length === 1 && !onlyWhere(statement.text, named[0] ?? "") ? named[0] : undefined;
}

/** "Touches /gain only.": it says where the work lands, not what the work is. */
function onlyWhere(text: string, repo: string): boolean {
  const rest = text.replace(new RegExp(termSource(repo), "g"), " ");
  const words = rest.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2);
  const about = words.filter((w) => !WHERE_WORDS.test(w));
  return about.length === 0;
}

const WHERE_WORDS =
  /^(touch(es|ed)?|chang(es|ed)?|only|repo(sitory)?|the|and|work|lands?|here|this|feature|affects?|in)$/i;

/** The statements of the requirements the doc prefixes with the unit's repository, in order. */
export function repoRequirements(ctx: DraftContext): string[] {
  const repo = ctx.unit.repo;
  if (!repo) return [];
  const own = ctx.facts.statements.filter((s) => statedRepo(ctx, s) === repo);
  own.forEach((s) => ctx.used.add(s));
  const placed = new Set(own.map((s) => s.text));
  // A requirement the heuristics could not read as a statement is still the doc's own line.
  const unread = ctx.facts.stated.requirements
    .filter((r) => r.repo === repo && ![...placed].some((t) => t.includes(r.id)))
    .map((r) => r.text);
  return [...own.map((s) => shorten(s.text, 600)), ...unread.map((t) => shorten(t, 600))];
}
