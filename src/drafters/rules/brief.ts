import type { Cited, Requirement } from "../../feature/facts.js";
import type { DraftLayout } from "../../../graphs/plan-drafter/topology.js";
import type { Brief } from "../brief.js";
import { questionKey } from "../../render/markers.js";
import type { KnownRepository } from "../../workspace/known.js";
import { livesIn } from "./existing.js";
import type { DocFacts } from "./facts.js";
import { repoEvidence, repoProfiles } from "./repos.js";
import { assume, MAX_ITEMS } from "./scope.js";
import { shorten, unique } from "./text.js";

/**
 * The brief, from the doc alone: the same reading every section then works from. What the doc
 * states explicitly (its facts) comes first and wins; the heading heuristics only fill what it
 * leaves unsaid.
 */
export function ruleBrief(
  facts: DocFacts,
  layout: DraftLayout,
  known: readonly KnownRepository[] = [],
): Brief {
  const { stated } = facts;
  const evidence = repoEvidence(repoProfiles(layout), facts.statements);
  const repos = evidence.map((e) => {
    const said = stated.repos.find((r) => r.repo === e.repo);
    if (said) return { repo: e.repo, touched: said.touched, why: statedWhy(said.evidence) };
    // What the doc names lives in this repository: it is touched unless the doc says otherwise.
    const lives = e.touched ? undefined : livesIn(facts, known, e.repo);
    if (lives) return { repo: e.repo, touched: true, why: lives };
    return { repo: e.repo, touched: e.touched, why: e.why };
  });
  const touched = new Set(repos.filter((r) => r.touched).map((r) => r.repo));
  const scoped = inScope(facts, touched);
  return {
    goal: stated.goal ? shorten(stated.goal.text, 300) : facts.goal,
    in_scope: scoped.length > 0 ? scoped : facts.inScope,
    out_of_scope:
      stated.outOfScope.length > 0
        ? stated.outOfScope.map((c) => shorten(c.text)).slice(0, MAX_ITEMS)
        : facts.outOfScope,
    actors: facts.actors,
    entities: facts.entities,
    repos,
    integrations: facts.integrations,
    non_functional: facts.nonFunctional,
    // Rules cannot tell which sections hang on a question, nor whether it blocks: none claimed.
    open_questions: questions(stated.openQuestions, facts.questions).map((q) => ({
      ...q,
      sections: [],
      blocking: false,
    })),
  };
}

/** "The doc states it (line 3): "Repos: /gain, /edh"." */
export function statedWhy(evidence: Cited): string {
  return `The doc states it (line ${evidence.line}): "${shorten(evidence.text, 160)}".`;
}

/**
 * What the doc puts in scope, with every requirement ID that no touched repository's section
 * will carry (those with a repository prefix go to that repository). Acceptance criteria go to
 * the Testing Strategy, not here. Over `MAX_ITEMS`, requirements are listed by ID in runs, with
 * their lines: a plainly marked summary.
 */
function inScope(facts: DocFacts, touched: Set<string>): string[] {
  const { stated } = facts;
  const criteria = new Set(stated.acceptance.flatMap((c) => (c.id ? [c.id] : [])));
  const own = stated.requirements.filter(
    (r) => !criteria.has(r.id) && !(r.repo && touched.has(r.repo)),
  );
  const items = stated.inScope.map((c) => shorten(c.text));
  if (items.length + own.length <= MAX_ITEMS) return [...items, ...own.map((r) => shorten(r.text))];
  return [...items, ...inRuns(facts, own)].slice(0, MAX_ITEMS);
}

/**
 * "Memory write surface: FR-001, FR-002 (the doc's requirements, lines 99–100)": one entry per
 * heading the requirements stand under, or per run of them when there are too many headings.
 */
function inRuns(facts: DocFacts, requirements: Requirement[]): string[] {
  const room = Math.max(1, MAX_ITEMS - facts.stated.inScope.length);
  const headingOf = (r: Requirement) =>
    facts.sections.filter((s) => s.line !== undefined && s.line <= r.line).at(-1)?.title ?? "";
  const groups: Requirement[][] = [];
  for (const requirement of requirements) {
    const last = groups.at(-1);
    if (last && headingOf(last[0] as Requirement) === headingOf(requirement))
      last.push(requirement);
    else groups.push([requirement]);
  }
  const runs =
    groups.length <= room ? groups : chunks(requirements, Math.ceil(requirements.length / room));
  return runs.map((group) => {
    const first = group[0]?.line ?? 0;
    const last = group.at(-1)?.line ?? first;
    const where = first === last ? `line ${first}` : `lines ${first}–${last}`;
    const heading = groups.includes(group) && group[0] ? `${headingOf(group[0])}: ` : "";
    return `${heading}${group.map((r) => r.id).join(", ")} (the doc's requirements, ${where})`;
  });
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The doc's stated open questions first, then any its headings ask that they do not. */
function questions(
  stated: Cited[],
  read: { question: string; assumption: string }[],
): { question: string; assumption: string }[] {
  const asked = stated.map((q) => ({
    question: shorten(q.text),
    assumption: `${assume(q.text)} (the doc leaves it open, line ${q.line})`,
  }));
  const keys = asked.map((q) => questionKey(q.question));
  const more = read.filter((q) => {
    const key = questionKey(q.question);
    return !keys.some((known) => known.includes(key) || key.includes(known));
  });
  return unique([...asked, ...more].map((q) => q.question)).flatMap(
    (question) => [...asked, ...more].find((q) => q.question === question) ?? [],
  );
}
