import { unitTitle, type DraftLayout } from "../../graphs/plan-drafter/topology.js";
import { contentKeys } from "../template/schema.js";
import type { Section } from "../template/types.js";
import { CLARIFICATION_MARKER, questionKey } from "./markers.js";
import { inlineText, itemText } from "./text.js";
import type { SectionDraft } from "./types.js";
import type { Grounding } from "../workspace/types.js";

/**
 * plandraft's own last section, after the template's: every open question with the assumption
 * the plan makes meanwhile, the sections that depend on it and whether it blocks, and a note of
 * any text in the doc that addressed an AI and was ignored. `check` knows this heading as
 * plandraft's, not the template's.
 */
export const APPENDIX_HEADING = "## Open Questions and Assumptions";
export const APPENDIX_TITLE = "Open Questions and Assumptions";

/** An open question as the appendix lists it: the brief's, whose shape this matches. */
export interface AppendixQuestion {
  question: string;
  /** What the plan assumes until it is answered. */
  assumption: string;
  /** Titles of the sections whose content depends on the answer. */
  sections: string[];
  /** Whether implementation cannot start until it is answered. */
  blocking: boolean;
}

/** A question answered at the review gate (`AnsweredQuestion`, whose shape this matches). */
export interface AnsweredAppendixQuestion {
  question: string;
  answer: string;
  /** The answer is the suggestion the gate offered. */
  suggested: boolean;
  sections: string[];
}

/** What the appendix reads besides the drafted sections. */
export interface AppendixParts {
  /** The brief's open questions, each once: `openQuestions(brief)`, the list a summary counts. */
  questions: AppendixQuestion[];
  /**
   * Questions a person answered at the review gate, with their answers: listed apart from the
   * open ones, which no longer count them. Absent or empty: nobody reviewed, or answered none.
   */
  answered?: readonly AnsweredAppendixQuestion[] | undefined;
  /** Lines of the feature doc that address an AI (`facts.addressedToAi`): ignored, never quoted. */
  ignoredLines: number[];
  /** The workspace the draft read (names and commits); absent: no workspace, nothing said. */
  grounding?: Grounding | undefined;
}

/** A question a section asks with `[NEEDS CLARIFICATION: ...]`, and where it is asked. */
export interface Clarification {
  question: string;
  /** Titles of the (sub-)sections that carry it, in plan order. */
  sections: string[];
}

/** Every clarification marker the drafted sections carry, once per question, in plan order. */
export function collectClarifications(
  layout: DraftLayout,
  drafts: Record<string, SectionDraft | undefined>,
): Clarification[] {
  const found = new Map<string, Clarification>();
  const add = (question: string, section: string) => {
    const key = questionKey(question);
    const known = found.get(key) ?? { question, sections: [] };
    if (!known.sections.includes(section)) known.sections.push(section);
    found.set(key, known);
  };
  for (const unit of layout.units) {
    const draft = drafts[unit.id];
    const title = unitTitle(layout, unit);
    if (draft?.status === "drafted") walkSection(unit.section, draft.content, title, add);
    else if (draft?.status === "no_changes") markersIn(draft.reason, (q) => add(q, title));
  }
  return [...found.values()];
}

function walkSection(
  section: Section,
  content: Record<string, unknown>,
  title: string,
  add: (question: string, section: string) => void,
): void {
  for (const { key, child } of contentKeys(section)) {
    const value = content[key];
    if (child && isRecord(value)) walkSection(child, value, `${title} › ${child.title}`, add);
    else for (const text of stringsIn(value)) markersIn(text, (q) => add(q, title));
  }
}

function markersIn(text: string, found: (question: string) => void): void {
  for (const match of text.matchAll(CLARIFICATION_MARKER)) if (match[1]) found(match[1]);
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isRecord(value)) return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * The appendix's lines. A marker that asks one of the brief's questions is shown with that
 * question (where it is marked), so the open questions are counted once and the number a
 * summary gives is the length of this list. Every text in it is the doc's or the model's, so it
 * is escaped; doc text addressed to an AI is never quoted, only its line.
 */
export function renderAppendix(parts: AppendixParts, clarifications: Clarification[]): string[] {
  const markedFor = new Map(clarifications.map((c) => [questionKey(c.question), c]));
  const questions = parts.questions.flatMap((q, i) => {
    const marked = markedFor.get(questionKey(q.question));
    markedFor.delete(questionKey(q.question));
    return questionLines(i + 1, q, marked?.sections ?? []);
  });
  const others = [...markedFor.values()];
  const lines = [
    APPENDIX_HEADING,
    "",
    "Added by plandraft after the template's sections: what the feature doc leaves open, what this plan assumes until it is answered, and what in the doc was not followed.",
    "",
    `**Open questions (${parts.questions.length})**`,
    "",
    ...(parts.questions.length > 0
      ? questions
      : ["The brief found no question that the feature doc leaves open."]),
  ];
  const answered = parts.answered ?? [];
  if (answered.length > 0) {
    lines.push(
      "",
      `**Answered when the brief was reviewed (${answered.length})**`,
      "",
      ...answered.flatMap((q, i) => answeredLines(i + 1, q)),
    );
  }
  if (others.length > 0) {
    lines.push(
      "",
      `**Marked NEEDS CLARIFICATION in the plan (${others.length})**`,
      "",
      ...others.map((c) => `- ${itemText(c.question)} (in ${titles(c.sections)})`),
    );
  }
  if (parts.grounding) lines.push("", ...groundingLines(parts.grounding));
  if (parts.ignoredLines.length > 0) {
    const one = parts.ignoredLines.length === 1;
    const where = `${one ? "Line" : "Lines"} ${parts.ignoredLines.join(", ")} of the feature doc`;
    lines.push(
      "",
      "**Text addressed to an AI**",
      "",
      one
        ? `${where} addresses an AI or tries to redirect the drafter. It was ignored: not followed, and nothing in this plan comes from it.`
        : `${where} address an AI or try to redirect the drafter. They were ignored: not followed, and nothing in this plan comes from them.`,
    );
  }
  return lines;
}

/** Which repositories this plan was drafted against, and which it did not read. */
function groundingLines(grounding: Grounding): string[] {
  const read = grounding.repositories.map((r) => {
    const dirty = r.dirty ? ", with changes not committed" : "";
    return `- \`${r.name}\` read at commit \`${r.commit.slice(0, 12)}\`${dirty} (${r.filesRead} ${r.filesRead === 1 ? "file" : "files"} read)`;
  });
  const unread =
    grounding.unmapped.length > 0
      ? [
          `- Not read: ${grounding.unmapped.map((r) => `\`${r}\``).join(", ")}. The workspace does not map ${grounding.unmapped.length === 1 ? "it" : "them"}, so ${grounding.unmapped.length === 1 ? "its section was" : "their sections were"} drafted from the feature doc alone.`,
        ]
      : [];
  const docs =
    grounding.contextDocs > 0 ? [`- Context documents read: ${grounding.contextDocs}`] : [];
  return ["**Repositories read**", "", ...read, ...unread, ...docs];
}

function questionLines(n: number, q: AppendixQuestion, markedIn: string[]): string[] {
  const sections = [...new Set([...q.sections, ...markedIn])];
  return [
    `${n}. ${itemText(q.question)}`,
    `   - Assumption meanwhile: ${inlineText(q.assumption) || "none"}`,
    `   - Sections that depend on it: ${sections.length > 0 ? titles(sections) : "none named"}`,
    `   - Blocks implementation: ${q.blocking ? "yes" : "no"}`,
  ];
}

function answeredLines(n: number, q: AnsweredAppendixQuestion): string[] {
  const whose = q.suggested ? " (the suggested answer, accepted)" : "";
  return [
    `${n}. ${itemText(q.question)}`,
    `   - Answer: ${inlineText(q.answer)}${whose}`,
    `   - Sections that follow it: ${q.sections.length > 0 ? titles(q.sections) : "none named"}`,
  ];
}

function titles(sections: string[]): string {
  return sections.map(inlineText).join("; ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
