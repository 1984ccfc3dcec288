/**
 * The two ways a plan says a line is open. `TODO` is a gap for a person to fill (the rule
 * drafter's); `[NEEDS CLARIFICATION: question]` is a decision the doc leaves open, the marker
 * spec-kit users know. `check --strict` counts both, and `eval` reports both.
 */
export const CLARIFICATION_MARKER = /\[NEEDS CLARIFICATION:\s*([^\]\n]+?)\s*\]/g;
export const TODO_MARKER = /\bTODO\b/g;

/** `[NEEDS CLARIFICATION: question]`, with the question on one line and no closing bracket in it. */
export function needsClarification(question: string): string {
  return `[NEEDS CLARIFICATION: ${question.replace(/\s+/g, " ").replace(/[[\]]/g, "").trim()}]`;
}

/**
 * A question's identity: case, spacing and closing punctuation aside. Here, beside the marker,
 * because the appendix matches the brief's questions against the markers' by it, and what
 * renders a plan does not import the drafters.
 */
export function questionKey(question: string): string {
  return question
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/[\s?.!:;]+$/, "")
    .trim();
}
