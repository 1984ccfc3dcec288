import { lowerFirst, sentenceCase, shorten } from "./text.js";
import { KNOWN_SYSTEMS, REPO_TERMS } from "./vocabulary.js";

/** Product names keep their capitals when a label is put into a sentence. */
const NAMES = new Set(
  [...KNOWN_SYSTEMS, ...Object.values(REPO_TERMS).flat()].flatMap((n) => n.split(/[\s.]+/)),
);

const DECIDE =
  /strateg|approach|polic|configuration|priorit|pattern|complexity|requirements|choice|decision/i;
const LIST =
  /^(list|names?)\b|\bnew\b|\bmodified\b|required|needed|\bendpoints?\b|\btables?\b|\bcomponents?\b/i;

/**
 * A gap the doc leaves, as a task: what to decide, in the template's terms but reworded, so a
 * reader sees at a glance what is missing and the check never mistakes it for template text.
 */
export function todo(label: string, instruction: string): string {
  const what = phrase(label);
  const how = phrase(instruction);
  const verb = DECIDE.test(`${label} ${instruction}`)
    ? "decide"
    : LIST.test(`${label} ${instruction}`)
      ? "list"
      : "describe";
  if (!what || what === how) return shorten(`TODO: ${verb} ${how || "this"}`);
  return shorten(`TODO: ${verb} ${what}${how ? ` (${how})` : ""}`);
}

/** A guidance line turned into a task: "Provide a technical overview..." -> "TODO: write a technical overview...". */
export function todoProse(instruction: string): string {
  const plain = instruction.replace(/[:.]\s*$/, "").trim();
  const rewritten = plain
    .replace(/^(provide|give|add|include)\b/i, "write")
    .replace(/^(describe|explain|show)\b/i, (v) => v.toLowerCase());
  const task = rewritten === plain ? `describe ${lowerFirst(plain)}` : rewritten;
  return shorten(`TODO: ${lowerFirst(task)}; the feature doc does not say`);
}

/** A checklist item the doc does not settle (the item's own text is on the same line). */
export function todoConfirm(hint: string | undefined): string {
  return shorten(
    hint ? `TODO: confirm — ${hint}` : "TODO: confirm in review; the feature doc does not say",
  );
}

/** A template label inside a sentence: "Unit Testing" -> "unit testing", "LangGraph" kept. */
export function labelCase(text: string): string {
  return sentenceCase(text, NAMES);
}

function phrase(text: string): string {
  return sentenceCase(
    text
      .replace(/[[\]]/g, "")
      .replace(/^(list of|list|provide|add|describe)\s+/i, "")
      .replace(/[:.]\s*$/, "")
      .trim(),
    NAMES,
  );
}
