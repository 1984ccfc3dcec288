import type { Cited, FeatureFacts } from "../../feature/facts.js";
import type { DocBlock, DocSection } from "../../feature/markdown.js";
import { contentKeys } from "../../template/schema.js";
import type { Section } from "../../template/types.js";
import { inScopeNonGoal } from "../brief-facts.js";
import { copiesText } from "../../feature/facts/addressed-to-ai.js";
import type { Statement } from "./statements.js";
import { todo, todoProse } from "./todo.js";

/**
 * What the doc's facts forbid the rule drafter to place. Its metadata lines and its text
 * addressed to an AI are never content anywhere; its rejected alternatives, non-goals and open
 * questions are not the plan's work (the non-goals have their Out of Scope field, the questions
 * the appendix). Where the doc is explicit, the facts win over the heading heuristics.
 */
export interface Unplaceable {
  /** Metadata lines and lines addressed to an AI: a block on one of them is dropped whole. */
  lines: Set<number>;
  /** Lines of rejected alternatives, non-goals and open questions: a heading on one drops its section. */
  offPlan: Set<number>;
  /** The doc's words that are not plan content, normalised (`normalise`). */
  texts: string[];
}

export function unplaceable(facts: FeatureFacts): Unplaceable {
  const off = [...facts.rejected, ...facts.outOfScope, ...facts.openQuestions];
  return {
    lines: new Set([...facts.metadataLines, ...facts.addressedToAi.map((c) => c.line)]),
    offPlan: new Set(off.map((c) => c.line)),
    texts: [...off, ...facts.addressedToAi].map((c) => normalise(c.text)).filter(Boolean),
  };
}

/** The doc's sections without what may not be placed: blocks on forbidden lines, off-plan sections. */
export function placeableSections(sections: DocSection[], off: Unplaceable): DocSection[] {
  const dropped = sections.filter((s) => s.line !== undefined && off.offPlan.has(s.line));
  const under = (section: DocSection) =>
    dropped.some((d) => d.path.every((title, i) => section.path[i] === title));
  return sections
    .filter((section) => !under(section))
    .map((section) => ({
      ...section,
      blocks: section.blocks.filter((block) => !blockLines(block).some((l) => off.lines.has(l))),
    }));
}

function blockLines(block: DocBlock): number[] {
  if (block.kind === "code") return block.lines.map((_, i) => block.line + i);
  return block.source.map((l) => l.line);
}

/** A statement that is none of the doc's off-plan text (a sentence of it, or a sentence holding it). */
export function placeable(statement: Pick<Statement, "text">, off: Unplaceable): boolean {
  const text = normalise(statement.text);
  return !off.texts.some((t) => overlaps(text, t));
}

function overlaps(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 12 && long.includes(short);
}

/** Lower case, letters and digits only: how the doc's words are compared whatever the markup. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Fields where a non-goal belongs, stated as out of scope. */
const OUT_OF_SCOPE = /out of scope|not be included|non-?goals?|exclu/i;

/**
 * The last guard on a drafted section: a value that plans a non-goal (`inScopeNonGoal`), holds
 * text addressed to an AI or has lost a code span leaves its field, which says TODO if nothing
 * is left. Only an Out of Scope field keeps the non-goals.
 */
export function keepFaithful(
  section: Section,
  content: Record<string, unknown>,
  facts: FeatureFacts,
): void {
  for (const { key, block, child } of contentKeys(section)) {
    const value = content[key];
    if (child) {
      if (value && typeof value === "object") keepFaithful(child, value as never, facts);
      continue;
    }
    if (!block) continue;
    const where = block.kind === "field" || block.kind === "topic" ? block.label : "";
    const nonGoals = OUT_OF_SCOPE.test(where) ? [] : facts.outOfScope;
    const wrong = (text: string) => misplaced(text, nonGoals, facts.addressedToAi);
    if (block.kind === "field" && Array.isArray(value)) {
      const kept = (value as string[]).filter((v) => !wrong(v));
      const instruction = block.slot.kind === "text" ? block.slot.instruction : "";
      if (kept.length < value.length)
        content[key] = kept.length > 0 ? kept : [todo(block.label, instruction)];
    } else if (block.kind === "topic" && typeof value === "string" && wrong(value)) {
      content[key] = todo(block.label, "");
    } else if (block.kind === "guidance" && typeof value === "string") {
      if (misplaced(value, [], facts.addressedToAi)) content[key] = todoProse(block.instruction);
    } else if (block.kind === "table" && Array.isArray(value)) {
      const rows = (value as Record<string, string>[]).filter(
        (row) => !Object.values(row).some(wrong),
      );
      const open = Object.fromEntries(block.columns.map((c) => [c.key, todo(c.title, "")]));
      if (rows.length < value.length) content[key] = rows.length > 0 ? rows : [open];
    }
  }
}

function misplaced(text: string, nonGoals: Cited[], ai: Cited[]): boolean {
  if ((text.match(/`/g)?.length ?? 0) % 2 === 1) return true;
  if (nonGoals.some((goal) => inScopeNonGoal(text, goal.text))) return true;
  return ai.some((c) => copiesText(text, c.text));
}
