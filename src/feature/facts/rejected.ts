import type { Cited } from "../facts.js";
import { factKind } from "./kinds.js";
import type { DocReading, Passage } from "./passages.js";
import { kindOf } from "./scope.js";

/** A heading or item marked where it stands: "Proposal 2 (not chosen)", "Option B — rejected". */
const MARKED =
  /\((not chosen|rejected|discarded|dropped|declined|not selected|not pursued)\b[^)]*\)|[—–:-]\s*(rejected|not chosen|discarded)\b|^rejected\s*[:：]/i;

/** A sentence that only gives the verdict on the one before it: "Rejected: too slow." */
const AFTER = /^(rejected|not chosen|discarded)\s*[:：]/i;

/** A sentence that rejects something; its match holds the names it rejects. */
const REJECTS =
  /\bwe considered\b.{0,200}?\b(but|however)\b|\bdecided against\b.{0,120}|\b(not chosen|ruled out|discarded)\b|\bwe (rejected|dropped)\b.{0,120}|\b(this|that|the) (option|alternative|approach|proposal|design|idea) (was|is|has been) (rejected|not chosen|dropped)\b/i;

/** An alternative the doc names: "Proposal 2", "Option B", "Alternative 1". */
const NAMED = /\b(proposal|option|alternative|approach|design)\s+([A-Z0-9]{1,2})\b/gi;

/** Said of the chosen one: not a rejected alternative. */
const CHOSEN =
  /\((chosen|selected|recommended|preferred)\)|\bwe (chose|choose|go with|picked)\b|\b(and|we) prefer\b/i;

/** What argues for the choice inside an alternatives section: "Advantages of ...", "Conclusion:". */
const ARGUMENT =
  /^(advantages|benefits|pros|cons|disadvantages|drawbacks|conclusion|summary|comparison|why|rationale|recommendation|decision)\b/i;

/** An alternatives section that says there is none. */
const NO_ALTERNATIVE = /\bno (clear |real |viable |other |good )?alternatives?\b|^none\b/i;

/**
 * Alternatives the doc rejects: headings and items marked so, what an alternatives heading
 * lists (not "Rationale and alternatives", which argues for the choice), sentences that
 * reject ("we decided against ...", "we considered X, however ..."), and the headings of the
 * proposals such a sentence names. A short heading ("Proposal 2 (not chosen)") is cited with
 * the first words under it, so the fact says what was rejected.
 */
export function readRejected(doc: DocReading, skip: ReadonlySet<number>): Cited[] {
  const rejected: Cited[] = [];
  const seen = new Set<Passage>();
  const add = (passage: Passage) => {
    if (seen.has(passage)) return;
    seen.add(passage);
    rejected.push({ text: described(doc, passage), line: passage.line });
  };
  const passages = doc.passages.filter((p) => !p.reference && !skip.has(p.line));
  const names = new Set<string>();
  const blocks = new Set<number>();
  const opening = new Set(passages.filter((p) => !blocks.has(p.block) && blocks.add(p.block)));
  const none = new Set(passages.filter((p) => NO_ALTERNATIVE.test(p.plain)).map((p) => p.block));
  for (const passage of opening) if (none.has(passage.block)) opening.delete(passage);
  for (const passage of passages) {
    if (CHOSEN.test(passage.plain)) continue;
    const rejects = REJECTS.exec(passage.plain);
    if (MARKED.test(passage.plain) || listedAlternative(passage, opening)) {
      if (AFTER.test(passage.plain)) verdictOn(doc, passage).forEach(add);
      add(passage);
    } else if (rejects && passage.form !== "heading") {
      add(passage);
      for (const [, kind = "", name = ""] of rejects[0].matchAll(NAMED))
        names.add(`${kind} ${name}`.toLowerCase());
    }
  }
  for (const heading of passages.filter((p) => p.form === "heading")) {
    const title = heading.plain.toLowerCase();
    if (
      [...names].some(
        (name) => title === name || title.startsWith(`${name}:`) || title.startsWith(`${name} `),
      )
    )
      add(heading);
  }
  return rejected.sort((a, b) => a.line - b.line);
}

/**
 * What a verdict such as "Rejected: too slow." rejects: the sentences of its paragraph back to
 * the one that names the alternative with a label ("Option A: ..."), else the sentence before.
 */
function verdictOn(doc: DocReading, verdict: Passage): Passage[] {
  if (verdict.form !== "sentence") return [];
  const at = doc.passages.indexOf(verdict);
  const before = doc.passages
    .slice(0, at)
    .filter((p) => p.block === verdict.block && p.form === "sentence");
  const named = before.findLastIndex((p) => LABELLED.test(p.plain));
  const rejected = named >= 0 ? before.slice(named) : before.slice(-1);
  return rejected.some((p) => CHOSEN.test(p.plain)) ? [] : rejected;
}

/** A sentence that opens with a short label: "Option A: ...". */
const LABELLED = /^[\p{L}\p{N}][\p{L}\p{N} '’-]{0,40}[:：]\s/u;

/** A heading right under an alternatives heading, or an item, row or first sentence under one. */
function listedAlternative(passage: Passage, opening: ReadonlySet<Passage>): boolean {
  if (passage.form === "heading")
    return factKind(passage.path.at(-2) ?? "") === "alternatives" && !ARGUMENT.test(passage.plain);
  if (kindOf(passage) !== "alternatives" || /[:：]\s*$/.test(passage.plain)) return false;
  if (passage.path.slice(1).some((t) => ARGUMENT.test(t)) || ARGUMENT.test(passage.plain))
    return false;
  const own = factKind(passage.path.at(-1) ?? "") === "alternatives" || passage.label !== undefined;
  if (!own) return false;
  if (passage.form === "sentence") return opening.has(passage);
  return passage.depth === 0 || factKind(passage.label ?? "") === "alternatives";
}

/** A heading of a few words says which alternative, not what it was: add the first words under it. */
function described(doc: DocReading, passage: Passage): string {
  const words = passage.plain
    .replace(MARKED, "")
    .replace(/[:\s]+$/, "")
    .trim();
  if (passage.form !== "heading" || words.split(/\s+/).length > 3) return passage.text;
  const first = doc.passages.find(
    (p) =>
      p.line > passage.line &&
      p.form !== "heading" &&
      p.path.join("\n") === passage.path.join("\n"),
  );
  return first ? `${passage.text}: ${first.text}` : passage.text;
}
