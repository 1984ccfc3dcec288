import type { DraftLayout, WorkUnit } from "../../../graphs/plan-drafter/topology.js";
import type { Section } from "../../template/types.js";
import type { Statement } from "./statements.js";
import { joinWords, termSource } from "./text.js";
import { PLAIN_WORDS, REPO_TERMS, TERM_EXCEPTIONS } from "./vocabulary.js";

/** A repository of the template, and the words that show a doc needs changes there. */
export interface RepoProfile {
  repo: string;
  unit: WorkUnit;
  terms: { term: string; pattern: RegExp }[];
}

/** How strongly a doc points at one repository. */
export interface RepoEvidence {
  repo: string;
  hits: { term: string; count: number }[];
  score: number;
  touched: boolean;
  why: string;
}

/** Each term counts at most this often, so one word repeated cannot outweigh several. */
const TERM_CAP = 3;

export function repoProfiles(layout: DraftLayout): RepoProfile[] {
  return layout.units.flatMap((unit) =>
    unit.repo ? [{ repo: unit.repo, unit, terms: termsFor(unit) }] : [],
  );
}

function termsFor(unit: WorkUnit): RepoProfile["terms"] {
  const name = (unit.repo ?? "").replace(/[^a-z0-9]/gi, "").toLowerCase();
  const words = REPO_TERMS[name] ?? technologyNames(unit.section);
  const seen = new Set<string>();
  return words.flatMap((term) => {
    const source = termSource(term).toLowerCase();
    if (seen.has(source)) return [];
    seen.add(source);
    return [{ term, pattern: TERM_EXCEPTIONS[term.toLowerCase()] ?? termPattern(term) }];
  });
}

/** Terms match in any case, except product names that are also English words ("React", "Spark"). */
function termPattern(term: string): RegExp {
  return new RegExp(termSource(term), ENGLISH_WORDS.has(term) ? "g" : "gi");
}

const ENGLISH_WORDS = new Set(["React", "Spark", "Delta", "Hive", "Helm", "Celery", "Compose"]);

/** For a repository the drafter does not know: the product names its template section uses. */
function technologyNames(section: Section): string[] {
  const text = [
    section.title,
    ...section.children.map((c) => c.title),
    ...instructions(section),
  ].join(" ");
  const names = text.match(/[A-Z][\w.+-]*[\w+]|[a-z]+[A-Z][\w.]*/g) ?? [];
  const repoName = /`\/?([^`]+)`/.exec(section.title)?.[1];
  return [
    ...new Set([
      ...(repoName ? [repoName] : []),
      ...names.filter((n) => !PLAIN_WORDS.has(n) && n.length > 1),
    ]),
  ];
}

function instructions(section: Section): string[] {
  return section.blocks.flatMap((b) => (b.kind === "guidance" ? [b.instruction] : []));
}

export function countTerms(profile: RepoProfile, text: string): RepoEvidence["hits"] {
  return profile.terms
    .map(({ term, pattern }) => ({ term, count: text.match(pattern)?.length ?? 0 }))
    .filter((hit) => hit.count > 0);
}

/** Which repositories the doc's words point at. A passing mention is not enough. */
export function repoEvidence(profiles: RepoProfile[], statements: Statement[]): RepoEvidence[] {
  const text = docText(statements);
  const scored = profiles.map((profile) => {
    const hits = countTerms(profile, text).sort((a, b) => b.count - a.count);
    return {
      profile,
      hits,
      score: hits.reduce((sum, hit) => sum + Math.min(hit.count, TERM_CAP), 0),
    };
  });
  const top = Math.max(0, ...scored.map((s) => s.score));
  return scored.map(({ profile, hits, score }) => {
    // One word said twice ("docker API") is a passing mention; a repository needs more than that.
    const touched = score >= 2 && (score >= 3 || hits.length >= 2) && score >= top * 0.25;
    return { repo: profile.repo, hits, score, touched, why: whyText(profile, hits, touched) };
  });
}

function docText(statements: Statement[]): string {
  const headings = new Set(statements.flatMap((s) => s.path));
  return [...headings, ...statements.map((s) => s.text)].join("\n").replace(URL, " ");
}

const URL = /https?:\/\/\S+/g;

function whyText(profile: RepoProfile, hits: RepoEvidence["hits"], touched: boolean): string {
  const named = hits.slice(0, 5).map((h) => (h.count > 1 ? `${h.term} (${h.count}×)` : h.term));
  if (touched) return `The feature doc mentions ${joinWords(named)}.`;
  const expected = joinWords(profile.terms.slice(0, 6).map((t) => t.term));
  if (hits.length > 0) {
    return `Only a passing mention of ${joinWords(named)} in the feature doc; nothing there asks for a change in ${profile.repo}.`;
  }
  return `The feature doc does not mention ${profile.repo}'s technologies (${expected}).`;
}

/** The touched repositories a piece of text points at; unplaced text goes to the main one. */
export function reposFor(
  text: string,
  profiles: RepoProfile[],
  evidence: RepoEvidence[],
): string[] {
  const touched = evidence.filter((e) => e.touched);
  const scored = touched
    .map((e) => {
      const profile = profiles.find((p) => p.repo === e.repo);
      return { repo: e.repo, count: profile ? countTerms(profile, text).length : 0 };
    })
    .filter((s) => s.count > 0);
  if (scored.length > 0) return scored.map((s) => s.repo);
  const main = [...touched].sort((a, b) => b.score - a.score)[0];
  return main ? [main.repo] : [];
}

/** The one repository that should list a fact, among those whose section has a slot for it. */
export function ownerOf(
  text: string,
  candidates: string[],
  profiles: RepoProfile[],
  evidence: RepoEvidence[],
): string | undefined {
  const ranked = candidates
    .map((repo) => {
      const profile = profiles.find((p) => p.repo === repo);
      const hits = profile ? countTerms(profile, text).reduce((sum, h) => sum + h.count, 0) : 0;
      const score = evidence.find((e) => e.repo === repo)?.score ?? 0;
      return { repo, hits, score };
    })
    .sort((a, b) => b.hits - a.hits || b.score - a.score);
  return ranked[0]?.repo;
}
