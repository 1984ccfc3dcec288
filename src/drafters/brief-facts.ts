import type { Cited, FeatureFacts } from "../feature/facts.js";
import type { Brief } from "./brief.js";
import { questionKey } from "../render/markers.js";

/** Where a brief says other than the doc states explicitly. */
export interface Contradiction {
  /** What the brief says, in its words (`/edh: untouched`, or an in-scope item). */
  brief: string;
  /** The doc's line that says otherwise. */
  doc: Cited;
  /** One sentence naming both, for the model's repair turn and for the error. */
  message: string;
}

/**
 * Where the brief contradicts the doc's facts: a repository the doc states as touched that the
 * brief marks untouched (or the reverse), and a non-goal of the doc that the brief puts in scope
 * (`inScopeNonGoal`). A repository the brief does not mention is not a contradiction: the
 * brief's schema already asks for every repository of the template.
 */
export function briefContradictions(brief: Brief, facts: FeatureFacts): Contradiction[] {
  const found: Contradiction[] = [];
  for (const entry of brief.repos) {
    const stated = facts.repos.find((r) => r.repo === entry.repo && r.touched !== entry.touched);
    if (!stated) continue;
    const says = stated.touched ? "touched" : "not touched";
    found.push({
      brief: `${entry.repo}: ${entry.touched ? "touched" : "untouched"}`,
      doc: stated.evidence,
      message: `the brief marks ${entry.repo} ${entry.touched ? "touched" : "untouched"}, but line ${stated.evidence.line} of the feature doc states it is ${says}: ${quote(stated.evidence.text)}`,
    });
  }
  for (const item of brief.in_scope) {
    const nonGoal = facts.outOfScope.find((goal) => inScopeNonGoal(item, goal.text));
    if (!nonGoal) continue;
    found.push({
      brief: item,
      doc: nonGoal,
      message: `the brief puts ${quote(item)} in scope, but line ${nonGoal.line} of the feature doc puts it out of scope: ${quote(nonGoal.text)}`,
    });
  }
  return found;
}

/**
 * Whether an in-scope item plans a non-goal. Only the non-goal's head counts (its words before
 * an explanation: a parenthesis, a dash, a colon or semicolon, "because"), reduced to content
 * words (stop words and generic verbs such as "build" or "support" dropped, plurals and verb
 * endings folded: "scores" = "score", "changing" = "change"). Words joined by "or", "and", a
 * comma or a slash are alternatives ("Email or Slack notifications": email or slack, and
 * notifications). The item plans the non-goal when it holds a word of every part; a one-part
 * non-goal ("SSO") only when the item is about nothing else. An item that says "not", "no",
 * "without", "except", "later" or "future" is never read as planning it. Precise before it is
 * complete: a contradiction fails the draft, so a paraphrase in other words goes unflagged
 * rather than a faithful item being flagged.
 */
export function inScopeNonGoal(item: string, nonGoal: string): boolean {
  if (NEGATED.test(item)) return false;
  const parts = contentParts(head(nonGoal));
  const words = new Set(contentParts(item).flat());
  if (parts.length === 0 || words.size === 0) return false;
  if (parts.length === 1) return [...words].every((w) => parts[0]?.includes(w));
  return parts.every((alternatives) => alternatives.some((w) => words.has(w)));
}

/** The content words of `text`, as `inScopeNonGoal` reads them (stop words dropped, endings folded). */
export function contentWords(text: string): string[] {
  return [...new Set(contentParts(text).flat())];
}

const NEGATED =
  /\b(not|no|never|without|except|excluding|excluded|nor|later|future|deferred)\b|n't\b|out of scope|non-goal/i;

/** A non-goal's words before its explanation: "Email (a later feature)" -> "Email". */
function head(text: string): string {
  const plain = text.replace(/[*_`]/g, "");
  return plain.split(/\s[(—–-]\s?|[(:;]|\s(?:because|since|as)\s|\.(?:\s|$)/i)[0] ?? plain;
}

const STOP = new Set(
  (
    "a an the of for to in on at by with from into onto via per as than then this that these " +
    "those it its their our your his her we they you i is are was were be been being will would " +
    "can could should may might must shall any all some each every other such own same so very " +
    "how what which who whom when where why there here also just only more most new existing " +
    "build builds building built support supports supporting supported add adds adding added " +
    "implement implements implementing implemented provide provides providing provided create " +
    "creates creating created allow allows allowing allowed enable enables enabling enabled " +
    "make makes making made do does doing done use uses using used feature features user users " +
    "now yet today initially first version"
  ).split(" "),
);
const CONJUNCTION = new Set(["or", "and", "/", ",", "&"]);

/** Content words in groups of alternatives, in order: "A or B C" -> [[a, b], [c]]. */
function contentParts(text: string): string[][] {
  const tokens = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*|[/,&]/gu) ?? [];
  const parts: string[][] = [];
  let joined = false;
  for (const token of tokens) {
    if (CONJUNCTION.has(token)) {
      joined = parts.length > 0;
      continue;
    }
    if (STOP.has(token)) continue;
    const word = stem(token);
    const last = parts.at(-1);
    if (joined && last) last.push(word);
    else parts.push([word]);
    joined = false;
  }
  return parts;
}

const SUFFIXES = ["ings", "ing", "ions", "ion", "ies", "es", "ed", "s", "e"];

/** A light stemmer: enough to fold plurals and verb forms of one word, never two words into one. */
function stem(word: string): string {
  const bare = word.replace(/'s$/, "");
  if (bare.endsWith("ss")) return bare;
  for (const suffix of SUFFIXES) {
    if (bare.endsWith(suffix) && bare.length - suffix.length >= 3)
      return bare.slice(0, -suffix.length);
  }
  return bare;
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return `"${line.length > 160 ? `${line.slice(0, 159)}…` : line}"`;
}

/**
 * The brief brought in line with the facts, for a drafter that cannot be asked again (the rule
 * drafter): a repository the doc states is touched or not as the doc says, with the doc's words
 * as the reason; an in-scope item that plans a non-goal is dropped; and an open question of the
 * doc that the brief does not ask is added, as a TODO to decide. The result has no contradiction
 * `briefContradictions` finds.
 */
export function obeyFacts(brief: Brief, facts: FeatureFacts): Brief {
  const repos = brief.repos.map((entry) => {
    const stated = facts.repos.find((r) => r.repo === entry.repo);
    if (!stated || stated.touched === entry.touched) return entry;
    const why = `The doc states it (line ${stated.evidence.line}): ${quote(stated.evidence.text)}`;
    return { ...entry, touched: stated.touched, why };
  });
  const inScope = brief.in_scope.filter(
    (item) => !facts.outOfScope.some((goal) => inScopeNonGoal(item, goal.text)),
  );
  const asked = brief.open_questions.map((q) => questionKey(q.question));
  const missing = facts.openQuestions.filter((q) => {
    const key = questionKey(q.text);
    return key && !asked.some((known) => known.includes(key) || key.includes(known));
  });
  const questions = missing.map((q) => ({
    question: q.text,
    assumption: `TODO: decide; the doc leaves it open (line ${q.line})`,
    sections: [],
    blocking: false,
  }));
  return {
    ...brief,
    repos,
    in_scope: inScope,
    open_questions: [...brief.open_questions, ...questions],
  };
}
