import { inScopeNonGoal } from "../../src/drafters/brief-facts.js";
import type { FeatureFacts } from "../../src/feature/facts.js";
import { APPENDIX_HEADING } from "../../src/render/appendix.js";

/**
 * What a plan does against its doc's facts, read from the markdown a user gets: the rules
 * `plandraft check --feature` judges (same names), until the check itself can be called here.
 */
export function factFindings(markdown: string, facts: FeatureFacts): string[] {
  const plan = markdown.split(`\n${APPENDIX_HEADING}\n`)[0] ?? markdown;
  const found: string[] = [];
  const planned = lines(withoutOutOfScope(plan));
  for (const goal of facts.outOfScope) {
    const line = planned.find((l) => inScopeNonGoal(l, goal.text));
    if (line) found.push(`NON_GOAL_PLANNED: line ${goal.line} "${goal.text}" in "${line}"`);
  }
  for (const repo of facts.repos) {
    const section = repoSection(plan, repo.repo);
    const none = section.includes("**No changes.**");
    if (repo.touched && none) found.push(`REPO_TOUCHED_NO_CHANGES: ${repo.repo}`);
    if (!repo.touched && !none) found.push(`REPO_UNTOUCHED_CHANGED: ${repo.repo}`);
  }
  for (const requirement of [...facts.requirements, ...facts.acceptance]) {
    if (requirement.id && !plan.includes(requirement.id))
      found.push(`REQUIREMENT_MISSING: ${requirement.id}`);
  }
  const testing = section(plan, "## Testing Strategy");
  for (const criterion of facts.acceptance) {
    const covered = criterion.id
      ? testing.includes(criterion.id)
      : normalise(testing).includes(normalise(criterion.text).slice(0, 80));
    if (!covered) found.push(`CRITERION_UNTESTED: line ${criterion.line}`);
  }
  const text = ` ${normalise(markdown)} `;
  for (const ai of facts.addressedToAi) {
    const copied = shingles(normalise(ai.text)).find((s) => text.includes(` ${s} `));
    if (copied) found.push(`AI_TEXT_COPIED: line ${ai.line} "${copied}"`);
  }
  return found;
}

/**
 * What the facts forbid as content, beyond the check's rules: rejected alternatives placed, a
 * metadata line placed (quoted only as the evidence of a stated repository), a code span cut.
 */
export function placementFindings(markdown: string, facts: FeatureFacts, doc: string): string[] {
  const plan = markdown.split(`\n${APPENDIX_HEADING}\n`)[0] ?? markdown;
  const found: string[] = [];
  const content = normalise(plan.replace(/The doc states it \(line \d+\): "[^"]*"/g, " "));
  for (const rejected of facts.rejected) {
    const text = normalise(
      rejected.text.replace(/^[^:]{0,40}\((?:not chosen|rejected)\):\s*/i, ""),
    );
    if (text.length >= 12 && content.includes(text))
      found.push(`REJECTED_PLACED: line ${rejected.line}`);
  }
  const docLines = doc.split(/\r?\n/);
  for (const line of facts.metadataLines) {
    const text = normalise(docLines[line - 1] ?? "");
    if (text.length >= 16 && content.includes(text)) found.push(`METADATA_PLACED: line ${line}`);
  }
  let fenced = false;
  for (const line of plan.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced && (line.match(/`/g)?.length ?? 0) % 2 === 1)
      found.push(`CODE_SPAN_CUT: ${line}`);
  }
  return found;
}

/** The markdown of a repository's section of the plan, from its heading to the next. */
export function repoSection(plan: string, repo: string): string {
  const at = plan.search(new RegExp(`^### .*\\(\`${repo.replace(/[/]/g, "\\/")}\`\\)`, "m"));
  if (at < 0) return "";
  const rest = plan.slice(at);
  const end = rest.slice(4).search(/^#{2,3} /m);
  return end < 0 ? rest : rest.slice(0, end + 4);
}

/** From a heading to the next of its level or above. */
export function section(plan: string, heading: string): string {
  const at = plan.indexOf(`\n${heading}\n`);
  if (at < 0) return "";
  const rest = plan.slice(at + 1);
  const level = heading.match(/^#+/)?.[0].length ?? 2;
  const end = rest.slice(heading.length).search(new RegExp(`^#{1,${level}} `, "m"));
  return end < 0 ? rest : rest.slice(0, end + heading.length);
}

/** The plan without its Out of Scope field, the one place a non-goal belongs. */
export function withoutOutOfScope(plan: string): string {
  return plan.replace(/^- \*\*Out of Scope:\*\*.*(?:\n {2,}- .*)*/m, "");
}

/** The plan's lines, list markers and labels gone. */
function lines(plan: string): string[] {
  return plan
    .split("\n")
    .map((l) => l.replace(/^\s*(?:[-*]|\d+\.)\s+(?:\[[ x]\]\s+)?(?:\*\*[^*]+:\*\*\s*)?/, "").trim())
    .filter((l) => l.length > 0 && !l.startsWith("#") && !l.startsWith("|-"));
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function shingles(text: string): string[] {
  const words = text.split(" ").filter(Boolean);
  if (words.length < 6) return words.length > 0 ? [words.join(" ")] : [];
  return words.slice(0, words.length - 5).map((_, i) => words.slice(i, i + 6).join(" "));
}
