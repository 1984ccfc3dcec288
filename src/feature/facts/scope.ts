import type { Cited } from "../facts.js";
import { type FactKind, factKind, OUT_OF_SCOPE_MARK, pathFactKind, scopeLabel } from "./kinds.js";
import type { DocReading, Passage } from "./passages.js";

/** The fact kind a passage stands under: its label if that says one, else its headings'. */
export function kindOf(passage: Passage): FactKind | undefined {
  return pathFactKind(passage.label ? [...passage.path, passage.label] : passage.path);
}

export interface Scope {
  inScope: Cited[];
  outOfScope: Cited[];
}

/**
 * In and out of scope, from what the doc says: the items under its scope and goals headings,
 * its non-goals whatever their heading, lines labelled "Out of scope:" or "In scope:", and
 * items marked "(not in v1)". Lead-ins ("The following are out of scope:") are not items.
 */
export function readScope(doc: DocReading, skip: ReadonlySet<number>): Scope {
  const inScope: Cited[] = [];
  const outOfScope: Cited[] = [];
  const usable = doc.passages.filter(
    (p) => p.form !== "heading" && !p.reference && !skip.has(p.line),
  );
  const listed = new Set(usable.filter((p) => p.form !== "sentence").map((p) => p.path.join("\n")));
  for (const passage of usable) {
    const labelled = scopeLabel(passage.plain);
    if (labelled) {
      if (labelled.rest)
        push(labelled.kind === "inScope" ? inScope : outOfScope, passage, labelled.rest);
      continue;
    }
    if (OUT_OF_SCOPE_MARK.test(passage.plain)) {
      push(outOfScope, passage);
      continue;
    }
    const kind = kindOf(passage);
    if (kind !== "inScope" && kind !== "goal" && kind !== "outOfScope") continue;
    if (kind === "goal" && passage.form === "sentence") continue;
    if (!isListed(passage, listed)) continue;
    push(kind === "outOfScope" ? outOfScope : inScope, passage);
  }
  const out = new Set(outOfScope.map((c) => c.line));
  return { inScope: inScope.filter((c) => !out.has(c.line)), outOfScope };
}

/**
 * Items (top-level, or under a label) and table rows; sentences only where the section has no
 * list, and never a lead-in that ends with a colon.
 */
function isListed(passage: Passage, listed: Set<string>): boolean {
  if (passage.lead || /[:：]\s*$/.test(passage.plain)) return false;
  if (passage.form === "sentence") return !listed.has(passage.path.join("\n"));
  return listedItem(passage);
}

/** A top-level item or row, or one that a lead-in introduces ("Non-goals:", "such as:"). */
function listedItem(passage: Passage): boolean {
  return passage.depth === 0 || passage.label !== undefined;
}

function push(list: Cited[], passage: Passage, text = passage.text): void {
  const words = text === passage.text ? text : restAsWritten(passage.text, text);
  if (!list.some((c) => c.line === passage.line && c.text === words))
    list.push({ text: words, line: passage.line });
}

/** The part of the doc's text after a label, with its markdown: `rest` is the plain version. */
function restAsWritten(text: string, rest: string): string {
  const colon = text.search(/[:：]/);
  const after = colon >= 0 ? text.slice(colon + 1).replace(/^[\s*_]+/, "") : "";
  return after || rest;
}

/** A sentence that says it is the goal, wherever it stands. */
const STATED_GOAL =
  /^(the|our) (main |primary )?(goal|aim|objective|purpose) of this (change|feature|work|proposal|project|rfc|spec) is\b/i;

/** Headings whose first paragraph says what the feature achieves, best first. */
const GOAL_KINDS: FactKind[] = ["goal", "summary"];

/** Sentences that state the aim rather than the background. */
const AIM =
  /^(this (feature|rfc|kep|bep|proposal|change|design|project|work) (?!(is|was|has|goes|describes|covers|documents|discusses|outlines|explains)\b)\w+s\b|this (spec|document) (proposes|adds|introduces)\b|this is a (design|proposal) to\b|we (propose|want|will|aim|plan)\b|the (goal|aim|purpose|proposal|objective) (is|of)\b|our goal\b|to (make|enable|allow|let|give|provide)\b)/i;

/**
 * What the feature achieves: a "Goal:" line, else the first paragraph under a goal heading,
 * else under a summary heading (its sentence that states the aim, or its first). Undefined
 * when the doc has neither: background and motivation say why, not what.
 */
export function readGoal(doc: DocReading, skip: ReadonlySet<number>): Cited | undefined {
  const sentences = doc.passages.filter(
    (p) => p.form === "sentence" && !p.reference && !skip.has(p.line),
  );
  const labelled = sentences.find((p) => /^(goal|objective|purpose)\s*[:：]\s*\S/i.test(p.plain));
  if (labelled) return { text: restAsWritten(labelled.text, labelled.plain), line: labelled.line };
  const stated = sentences.find((p) => STATED_GOAL.test(p.plain));
  if (stated) return { text: stated.text, line: stated.line };
  for (const kind of GOAL_KINDS) {
    const own = sentences.filter((p) => factKind(p.path.at(-1) ?? "") === kind && !p.label);
    const first = own.find(
      (p) =>
        !/[:：]\s*$/.test(p.plain) &&
        (p.plain.split(/\s+/).length >= 4 || /\p{Script=Han}{4}/u.test(p.plain)),
    );
    if (!first) continue;
    const aim = own.find((p) => AIM.test(p.plain)) ?? first;
    return { text: aim.text, line: aim.line };
  }
  return undefined;
}
