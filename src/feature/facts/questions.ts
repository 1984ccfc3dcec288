import type { Cited } from "../facts.js";
import type { DocReading, Passage } from "./passages.js";
import { factKind } from "./kinds.js";
import { kindOf } from "./scope.js";

/** "Q1:", "Q:", "Question 2:" at the start of a line. */
const NUMBERED_QUESTION = /^(Q\d*|question\s*\d*)\s*[:.)：]\s*\S/i;

/** Words that mark a line as undecided, where they stand as a marker rather than as prose. */
const UNDECIDED_MARK = /\b(TBD|TBC|TBA)\b|待定|待讨论/;
const UNDECIDED =
  /\bto be (decided|determined|confirmed|defined|agreed)\b|\bnot (yet )?decided\b|\bundecided\b|\bopen question\b|\(unclear\)|\bunclear[:：]|\b(it is|it's|still|remains) unclear\b|^unclear\b|\bneeds clarification\b/i;

/** An answer given on the same line: "Q: ... → A: ...", "Answer:", "Resolved:". */
const ANSWERED =
  /(→|->|=>)\s*A\s*[:：]|\bA\d*\s*[:：]|\b(answer|resolved|decided|decision)\s*[:：]/i;

/** Nothing left open: "None", "N/A", "No open questions". */
const NOTHING = /^(none|n\/a|nothing|no open questions?|no questions?)\b\s*([.!:,;—–-].*)?$/i;

/**
 * Questions the doc leaves open: what an open-questions heading or label lists (items, rows,
 * questions, and sub-headings that ask), and anywhere, `Q1:` lines and lines marked TBD or
 * unclear. Questions the doc answers on the same line are not open. A bare "TBD" under a
 * heading cites the heading: "Rollback: TBD" says what is undecided, "TBD" does not.
 */
export function readQuestions(doc: DocReading, skip: ReadonlySet<number>): Cited[] {
  const questions: Cited[] = [];
  const add = (text: string, line: number) => {
    if (!questions.some((q) => q.line === line)) questions.push({ text, line });
  };
  const passages = doc.passages.filter((p) => !p.reference && !skip.has(p.line));
  const listed = new Set(
    passages.filter((p) => p.form !== "sentence" && p.form !== "heading").map((p) => place(p)),
  );
  for (const passage of passages) {
    if (ANSWERED.test(passage.plain) || NOTHING.test(passage.plain)) continue;
    if (underQuestions(passage, listed) || NUMBERED_QUESTION.test(passage.plain)) {
      add(passage.text, passage.line);
    } else if (UNDECIDED_MARK.test(passage.plain) || UNDECIDED.test(passage.plain)) {
      if (
        /\p{L}{2,}.*\p{L}{2,}/u.test(
          passage.plain.replace(UNDECIDED_MARK, "").replace(UNDECIDED, ""),
        )
      )
        add(passage.text, passage.line);
      else bareMarker(doc, passage, add);
    }
  }
  return questions.sort((a, b) => a.line - b.line);
}

function place(passage: Passage): string {
  return passage.path.join("\n");
}

function underQuestions(passage: Passage, listed: Set<string>): boolean {
  if (passage.form === "heading") {
    return (
      /\?\s*$/.test(passage.plain) &&
      kindOf({ ...passage, path: passage.path.slice(0, -1) }) === "questions"
    );
  }
  if (kindOf(passage) !== "questions" || /[:：]\s*$/.test(passage.plain)) return false;
  if (passage.form !== "sentence") return passage.depth === 0 || passage.label !== undefined;
  if (/[?？]\s*$/.test(passage.plain)) return true;
  // Prose that explains a question is not one; prose right under the heading is, if no list is.
  const own = factKind(passage.path.at(-1) ?? "") === "questions";
  return own && !passage.label && !listed.has(place(passage));
}

/** "TBD" alone: the heading above it says what is to be decided. */
function bareMarker(
  doc: DocReading,
  passage: Passage,
  add: (text: string, line: number) => void,
): void {
  const heading = [...doc.passages]
    .reverse()
    .find((p) => p.form === "heading" && p.line < passage.line && place(p) === place(passage));
  if (heading) add(`${heading.text}: ${passage.text}`, heading.line);
}
