/**
 * What a feature doc states explicitly, read by rules alone: the same doc always gives the same
 * facts. Everything that must be faithful to the doc reads them: both drafters (the rule
 * drafter places them; the analyze step's brief may not contradict them), the open-questions
 * appendix, `plandraft check --feature` and `plandraft eval`. Where the doc is explicit, a fact
 * here wins over any keyword heuristic.
 *
 * Every fact carries the 1-based line of the doc it was read from, so a finding or an appendix
 * entry can point at it. Lines are the user's file's lines: the doc's HTML comments are dropped
 * but keep their line breaks. Read them with `readFeatureFacts` (`./facts/read.ts`).
 */

/** A piece of the doc's own text and where it stands. */
export interface Cited {
  /**
   * The doc's words, as one line of plain text (markdown emphasis kept, code spans intact; links
   * keep their words, HTML tags go).
   */
  text: string;
  line: number;
}

/** A repository of the plan template that the doc says is touched, or says is not. */
export interface StatedRepo {
  /** The repository as the template names it, e.g. `/gain`. */
  repo: string;
  touched: boolean;
  /** How the doc says it: a header table or metadata line, a list, requirement IDs, prose. */
  how: "table" | "metadata" | "list" | "ids" | "text";
  /** The doc's words that say it. */
  evidence: Cited;
}

/** A requirement or acceptance criterion the doc numbers (`REQ-7`, `AC-1`, `EDH-3`, `FR-001`). */
export interface Requirement extends Cited {
  id: string;
  /** The template repository its ID prefix names (`EDH-3` -> `/edh`), when one does. */
  repo?: string | undefined;
}

/** An acceptance criterion: numbered, a Given/When/Then line, or a checklist item under an acceptance heading. */
export interface Criterion extends Cited {
  id?: string | undefined;
}

export interface FeatureFacts {
  title: string;
  /** What the feature achieves, in the doc's words; undefined when the doc never says. */
  goal: Cited | undefined;
  inScope: Cited[];
  /** Out of scope and non-goals, whatever the heading ("Non-goals", "Not in v1", "do not build"). */
  outOfScope: Cited[];
  /**
   * Only repositories the doc states (touched or not); a repository it is silent on is absent.
   * At most one entry per repository, in template order: its most explicit statement (a table
   * or metadata line, then a list, then requirement IDs, then prose).
   */
  repos: StatedRepo[];
  /** Each numbered ID where the doc defines it (opening an item, a table row or a heading), once. */
  requirements: Requirement[];
  acceptance: Criterion[];
  /** Questions the doc leaves open: an open-questions heading, `Q1:`, lines marked TBD or unclear. */
  openQuestions: Cited[];
  /** Alternatives the doc rejects ("Proposal 2 (not chosen)", "Rejected:", "Alternatives considered"). */
  rejected: Cited[];
  /** Names the doc gives in code spans; endpoints also in prose as a method and a path. */
  names: { endpoints: Cited[]; tables: Cited[]; files: Cited[] };
  /** Dates and deadlines ("by 2027-03-01", "Q3 2026", "before the EU launch"). */
  dates: Cited[];
  /** Text addressed to an AI or trying to redirect the drafter ("ignore previous instructions"), in prose or code. */
  addressedToAi: Cited[];
  /** Lines that are the doc's metadata ("Repos: ...", "Status: draft v0.3", "Owner: ..."), never plan content. */
  metadataLines: number[];
}
