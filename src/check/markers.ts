import { CLARIFICATION_MARKER, TODO_MARKER } from "../render/markers.js";
import { maskInlineCode, type ScannedPlan } from "./scan.js";
import type { RawFinding } from "./types.js";

/**
 * `--strict`: TODO_LEFT for each TODO marker and CLARIFICATION_LEFT for each
 * `[NEEDS CLARIFICATION: ...]`, so a plan meant to be final can be gated. Read in the whole plan,
 * appendix included: an open question whose assumption is still a TODO is as open as a TODO in a
 * section. Code (fenced or inline) is a name, not a marker.
 */
export function checkMarkers(whole: ScannedPlan): RawFinding[] {
  return whole.lines.flatMap((line) => {
    if (line.fenced) return [];
    const text = maskInlineCode(line.text);
    const questions = [...text.matchAll(CLARIFICATION_MARKER)].map((m) => m[1] ?? "");
    const todos = text.replace(CLARIFICATION_MARKER, "").match(TODO_MARKER) ?? [];
    return [
      ...todos.map(() => ({
        line: line.line,
        code: "TODO_LEFT" as const,
        message:
          "TODO left in a plan meant to be final; fill it in, or remove the line if it does not apply",
      })),
      ...questions.map((question) => ({
        line: line.line,
        code: "CLARIFICATION_LEFT" as const,
        message: `open question left in a plan meant to be final: "${question}"; answer it and replace the marker with the decision`,
      })),
    ];
  });
}
