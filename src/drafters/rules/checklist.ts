import type { ChecklistEntry } from "../../template/schema.js";
import type { ChecklistBlock } from "../../template/types.js";
import type { DraftContext } from "./context.js";
import { shorten, termSource } from "./text.js";
import { todoConfirm } from "./todo.js";

/**
 * A checklist item is met only when the doc says so in the item's own distinctive words
 * ("fail-fast", "Docker Compose"); everything else is unknown, with a TODO for a person to confirm.
 */
export function checklist(
  ctx: DraftContext,
  block: ChecklistBlock,
): Record<string, ChecklistEntry> {
  return Object.fromEntries(block.items.map((item) => [item.key, check(ctx, item.label)]));
}

function check(ctx: DraftContext, label: string): ChecklistEntry {
  const stated = statedIn(ctx, distinctiveTerms(label));
  if (stated) return { state: "met", note: shorten(`The doc states: ${stated}`, 180) };
  return { state: "unknown", note: todoConfirm(evidence(ctx, label)) };
}

/** Hyphenated terms and names in parentheses: the words a doc would use if it meant the item. */
function distinctiveTerms(label: string): string[] {
  const hyphenated = label.match(/\b[a-z]+-[a-z]+\b/gi) ?? [];
  const named = [...label.matchAll(/\(([^)]+)\)/g)].flatMap((m) =>
    (m[1] ?? "").split(/,|\//).map((t) => t.trim().replace(/^no\s+/i, "")),
  );
  return [...hyphenated, ...named].filter((t) => t.length >= 4);
}

function statedIn(ctx: DraftContext, terms: string[]): string | undefined {
  if (terms.length === 0) return undefined;
  const pattern = new RegExp(terms.map(termSource).join("|"), "i");
  return ctx.facts.statements.find(
    (s) => s.kind !== "nonGoals" && s.kind !== "alternatives" && pattern.test(s.text),
  )?.text;
}

/** What the doc says that bears on the item, so the TODO says what to check against. */
function evidence(ctx: DraftContext, label: string): string | undefined {
  const { brief, facts } = ctx;
  const stated = (text: string | undefined) => text && `the doc states: ${text}`;
  const against = (n: number, what: string) =>
    n > 0 ? `check against the ${what} the doc lists (${n})` : undefined;
  if (/performance/i.test(label))
    return stated(
      brief.non_functional.find((n) => /latency|p9\d|\bms\b|performan|throughput/i.test(n)),
    );
  if (/security/i.test(label))
    return stated(
      brief.non_functional.find((n) => /secur|auth|permission|encrypt|privacy/i.test(n)),
    );
  if (/requirements|feature/i.test(label)) return against(brief.in_scope.length, "in-scope items");
  if (/acceptance/i.test(label))
    return against(
      facts.acceptance.length + facts.stories.length,
      "user stories and acceptance scenarios",
    );
  if (/integration|technolog|librar|framework/i.test(label) && brief.integrations.length > 0) {
    return `the doc names ${brief.integrations.slice(0, 5).join(", ")}`;
  }
  return undefined;
}
