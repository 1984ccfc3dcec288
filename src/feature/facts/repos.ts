import type { Cited, Requirement, StatedRepo } from "../facts.js";
import type { MetadataField } from "./metadata.js";
import type { DocReading, Passage } from "./passages.js";
import { type RepoSpelling, repoSpellings, reposIn } from "./repo-names.js";
import { repoColumnOf, statusColumnOf } from "./repo-table.js";
import { kindOf } from "./scope.js";

/** Labels of a list of repositories, touched or not: "Repos:", "Repos not touched:", "Untouched:". */
const TOUCHED_KEY =
  /^(repos?|repositories|(repos?|repositories) (touched|affected|in scope|changed)|(touched|affected|changed) (repos?|repositories)|touched|touches|changes? in)$/i;
const UNTOUCHED_KEY =
  /^((repos?|repositories) (not touched|untouched|unchanged|out of scope)|not touched|untouched|unchanged|no changes?( in| to)?|out of scope repos?)$/i;

/** What says a repository is left as it is. */
const UNCHANGED =
  /\b(no (code )?changes?|not (be )?(touched|changed|modified|affected)|untouched|unchanged|does(n'?t| not) (change|touch)|(stays?|remains?) (as (it )?is|unchanged)|read[- ]only|no work|nothing (to change|changes))\b|^(no|none|n\/a|—|–|-|✗|✘|❌|×)$/i;
/** "only" said of the one repository a clause names: "touches /gain only", "only /gain changes". */
const ONLY = /\bonly\b/i;

/** What says, in a sentence, that work lands in a repository ("adds a table" does not: to what?). */
const CHANGED =
  /\b(touch(es|ed)?|changes? (in|to)|chang(es|ed)|modif(y|ies|ied)|work (lands|happens|goes) in|lands? in|implemented in)\b/i;

/** Lower is more explicit; the most explicit statement of a repository wins, then the first. */
const RANK: Record<StatedRepo["how"], number> = { table: 0, metadata: 0, list: 1, ids: 2, text: 3 };

export interface RepoSources {
  doc: DocReading;
  fields: MetadataField[];
  metadataLines: ReadonlySet<number>;
  requirements: Requirement[];
  /** Lines of what the doc says is built (scope, goal, acceptance): a repository named there is touched. */
  builtLines: ReadonlySet<number>;
  templateRepos: string[];
}

/**
 * The template's repositories that the doc states as touched or not, at most one statement
 * each (the most explicit): header tables and metadata lines, lists under a repositories
 * heading or label, requirement ID prefixes, then prose (a repository's own heading, a
 * sentence that says it changes or does not, what the doc says is built). A repository the
 * doc is silent on is absent.
 */
export function readRepos(sources: RepoSources): StatedRepo[] {
  const spellings = repoSpellings(sources.templateRepos);
  const stated: StatedRepo[] = [];
  const state = (repo: string, touched: boolean, how: StatedRepo["how"], evidence: Cited) =>
    stated.push({ repo, touched, how, evidence });
  for (const f of sources.fields) {
    const evidence = { text: `${f.key}: ${f.value}`, line: f.line };
    for (const [repo, touched] of listedRepos(f.key, f.value, spellings))
      state(repo, touched, f.how, evidence);
  }
  for (const passage of sources.doc.passages) {
    // A repository table in the doc's header is metadata, and still says what it says.
    const metadata = sources.metadataLines.has(passage.line) && passage.form !== "row";
    if (passage.reference || metadata) continue;
    for (const [repo, touched, how] of fromPassage(passage, spellings, sources.builtLines))
      state(repo, touched, how, { text: passage.text, line: passage.line });
  }
  for (const requirement of sources.requirements) {
    if (requirement.repo)
      state(requirement.repo, true, "ids", { text: requirement.text, line: requirement.line });
  }
  return sources.templateRepos.flatMap((repo) => {
    const best = stated
      .filter((s) => s.repo === repo)
      .sort((a, b) => RANK[a.how] - RANK[b.how] || a.evidence.line - b.evidence.line)[0];
    return best ? [best] : [];
  });
}

type Statement = [repo: string, touched: boolean, how: StatedRepo["how"]];

function fromPassage(
  passage: Passage,
  spellings: RepoSpelling[],
  built: ReadonlySet<number>,
): Statement[] {
  const label = /^([\p{L} ]{2,40}?)\s*[:：]\s*(.+)$/u.exec(passage.plain);
  if (passage.form === "row") {
    const keyed = listedRepos(passage.cells[0] ?? "", passage.cells.slice(1).join(", "), spellings);
    if (keyed.length > 0) return keyed.map(([repo, touched]) => [repo, touched, "table"]);
    return tableRow(passage, spellings);
  }
  if (label?.[1] && label[2] && (TOUCHED_KEY.test(label[1]) || UNTOUCHED_KEY.test(label[1])))
    return listedRepos(label[1], label[2], spellings).map(([repo, touched]) => [
      repo,
      touched,
      "list",
    ]);
  const kind = kindOf(passage);
  if (kind === "repos" && passage.form !== "heading") {
    const first = passage.plain.split(/\s+[—–:-]\s+|[:(]/)[0] ?? "";
    const repos = reposIn(first, spellings, "listed");
    if (repos.length === 1)
      return repos.map((repo) => [repo, !UNCHANGED.test(firstClause(passage.plain)), "list"]);
  }
  if (passage.form === "heading") return ownHeading(passage, spellings);
  return prose(passage, spellings, kind === "outOfScope", built.has(passage.line));
}

function firstClause(text: string): string {
  return text.split(/[;.]\s/)[0] ?? text;
}

/** "/gain, /edh (no changes), /data (read-only)" under a touched or untouched label. */
function listedRepos(key: string, value: string, spellings: RepoSpelling[]): [string, boolean][] {
  const bare = key.replace(/[*_`]/g, "").trim();
  const touchedKey = TOUCHED_KEY.test(bare);
  if (!touchedKey && !UNTOUCHED_KEY.test(bare)) return [];
  return topLevelParts(value).flatMap((part) =>
    reposIn(part, spellings, "listed").map((repo): [string, boolean] => [
      repo,
      touchedKey && !UNCHANGED.test(part),
    ]),
  );
}

/** Splits at commas, semicolons and "and" outside parentheses. */
function topLevelParts(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of value) {
    if (char === "(" || char === "[") depth += 1;
    if (char === ")" || char === "]") depth = Math.max(0, depth - 1);
    if (depth === 0 && (char === "," || char === ";")) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  return [...parts, current].flatMap((p) => p.split(/\s+(?:and|&|\+)\s+/)).filter((p) => p.trim());
}

/** A row of a table of repositories: `| /data | no changes |`, `| gain | ✓ | watchlist API |`. */
function tableRow(passage: Passage, spellings: RepoSpelling[]): Statement[] {
  const column = repoColumnOf(passage.header);
  const cell = passage.cells[Math.max(column, 0)] ?? "";
  if (column < 0 && !/^`?\/?[\w-]+`?$/.test(cell.trim())) return [];
  const repos = reposIn(cell.split(/[(—–:]/)[0] ?? "", spellings, "listed");
  if (repos.length !== 1) return [];
  const status = statusColumnOf(passage.header, column);
  const said =
    status >= 0
      ? [passage.cells[status] ?? ""]
      : passage.cells.filter((_, i) => i !== Math.max(column, 0));
  const touched = !said.some((c) => UNCHANGED.test(c.trim())) && said.some((c) => c.trim() !== "");
  return repos.map((repo) => [repo, touched, "table"]);
}

/** A section of its own: "## Changes in `/gain`", "### /edh", "### EDH repository". */
function ownHeading(passage: Passage, spellings: RepoSpelling[]): Statement[] {
  const rest = spellings.reduce(
    (text, s) =>
      s.named.reduce(
        (t, pattern) => t.replace(new RegExp(pattern, `${pattern.flags}g`), " "),
        text,
      ),
    passage.plain,
  );
  if (
    /[\p{L}]{3,}/u.test(
      rest.replace(/\b(changes?|in|to|the|repo|repository|work|[(][^)]*[)])\b/gi, ""),
    )
  )
    return [];
  return reposIn(passage.plain, spellings, "named").map((repo) => [
    repo,
    !UNCHANGED.test(passage.plain),
    "text",
  ]);
}

/** A sentence or item that says a repository changes or does not, clause by clause. */
function prose(
  passage: Passage,
  spellings: RepoSpelling[],
  outOfScope: boolean,
  built: boolean,
): Statement[] {
  const statements: Statement[] = [];
  for (const clause of passage.plain.split(/[;,]\s+|\s+(?:but|while|whereas)\s+/)) {
    const named = reposIn(clause, spellings, "named");
    // "Touches /gain only.": every other repository is left as it is, unless the same sentence
    // names it ("Only /gain changes its API; /data adds a table" says nothing of /data's fate).
    if (!outOfScope && named.length === 1 && ONLY.test(clause) && CHANGED.test(clause)) {
      const inSentence = reposIn(passage.plain, spellings, "named");
      for (const { repo } of spellings) {
        if (repo === named[0]) statements.push([repo, true, "text"]);
        else if (!inSentence.includes(repo)) statements.push([repo, false, "text"]);
      }
      continue;
    }
    for (const repo of named) {
      if (UNCHANGED.test(clause) || (outOfScope && CHANGED.test(clause)))
        statements.push([repo, false, "text"]);
      else if (!outOfScope && (built || CHANGED.test(clause)))
        statements.push([repo, true, "text"]);
    }
  }
  return statements;
}
