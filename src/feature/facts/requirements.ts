import type { Criterion, Requirement } from "../facts.js";
import type { DocReading, Passage } from "./passages.js";
import { kindOf } from "./scope.js";

/**
 * An ID that opens a heading, an item or a table row, as requirements are numbered:
 * "FR-001:", "**REQ-7**", "`EDH-3`", "[AC-1]". Elsewhere in a sentence it is a reference.
 */
const OPENING_ID = /^[[(`]?([A-Z][A-Z0-9]{0,11}-\d{1,4}[a-z]?)[\])`]?(?=$|[\s:.,;)|—–-])/;

/** Prefixes that number other things: proposals, standards, vulnerabilities, encodings. */
const NOT_REQUIREMENTS =
  /^(KEP|RFC|BEP|PEP|FLIP|ADR|PR|CVE|CWE|GHSA|ISO|IEC|UTF|SHA|MD|HTTP|HTTPS|TLS|SSL|IPV|X|V|P|Q|H|GPT|ES|ECMA|SQL|UTC|GMT)$/;

/** Prefixes of acceptance criteria and success criteria (spec-kit's SC-001). */
const CRITERION_ID = /^(AC|SC)-/;

export interface Numbered {
  requirements: Requirement[];
  acceptance: Criterion[];
}

/** The prefix of an ID as a template repository, when it names one: `EDH-3` -> `/edh`. */
export function repoOfId(id: string, templateRepos: string[]): string | undefined {
  const prefix = id.replace(/-\d+[a-z]?$/, "").toLowerCase();
  return templateRepos.find((repo) => repoName(repo) === prefix);
}

/** "/gain" -> "gain" */
export function repoName(repo: string): string {
  return repo.replace(/^\/+|\/+$/g, "").toLowerCase();
}

/**
 * Requirements the doc numbers, wherever they stand (an out-of-scope list aside), and its
 * acceptance criteria: numbered ones, Given/When/Then lines, and what an acceptance heading or
 * label lists (checklists included). A numbered criterion is a requirement too, as the
 * `Requirement` type says.
 */
export function readNumbered(
  doc: DocReading,
  templateRepos: string[],
  skip: ReadonlySet<number>,
): Numbered {
  const requirements: Requirement[] = [];
  const acceptance: Criterion[] = [];
  const passages = doc.passages.filter((p) => !p.reference && !skip.has(p.line));
  /** The When/Then lines that a Given line took in: one criterion, cited once. */
  const steps = new Set<Passage>();
  passages.forEach((passage, index) => {
    const kind = kindOf(passage);
    if (kind === "outOfScope") return;
    const id = idOf(passage);
    if (id && !requirements.some((r) => r.id === id))
      requirements.push({
        id,
        text: passage.text,
        line: passage.line,
        repo: repoOfId(id, templateRepos),
      });
    if (passage.form === "heading" || steps.has(passage)) return;
    const scenario = givenWhenThen(passages, index);
    scenario?.steps.forEach((step) => steps.add(step));
    const listed =
      kind === "acceptance" && passage.form !== "sentence" && !/[:：]\s*$/.test(passage.plain);
    if ((id && CRITERION_ID.test(id)) || scenario || listed) {
      if (!acceptance.some((c) => c.line === passage.line))
        acceptance.push({ text: scenario?.text ?? passage.text, line: passage.line, id });
    }
  });
  return { requirements, acceptance };
}

function idOf(passage: Passage): string | undefined {
  const source = passage.form === "row" ? (passage.cells[0] ?? "") : passage.plain;
  const id = OPENING_ID.exec(source.trim())?.[1];
  if (!id || NOT_REQUIREMENTS.test(id.replace(/-.*/, ""))) return undefined;
  return id;
}

const GIVEN = /^given\b/i;
const STEP = /^(when|then|and|but)\b/i;

/**
 * A Given/When/Then scenario that starts at `index`: one line that holds all three, or a
 * "Given" item or sentence followed by its When/Then steps (joined into one line).
 */
function givenWhenThen(
  passages: Passage[],
  index: number,
): { text: string; steps: Passage[] } | undefined {
  const passage = passages[index];
  if (!passage) return undefined;
  const plain = passage.plain.replace(/^\d+[.)]\s*/, "");
  if (/\bgiven\b.*\bwhen\b.*\bthen\b/i.test(plain) || /^given\b.*\bthen\b/i.test(plain))
    return { text: passage.text, steps: [] };
  if (!GIVEN.test(plain)) return undefined;
  const steps: Passage[] = [];
  for (const next of passages.slice(index + 1)) {
    if (next.form === "heading" || !STEP.test(next.plain)) break;
    steps.push(next);
  }
  if (!steps.some((s) => /^then\b/i.test(s.plain))) return undefined;
  return { text: [passage, ...steps].map((p) => p.text).join(" "), steps };
}
