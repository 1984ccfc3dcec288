import { type DraftContext, findStatements } from "./context.js";
import { type Change, componentWords, type SlotInfo, type Topic } from "./slot.js";
import { keywords, termSource } from "./text.js";
import { DELIVERY_TOPICS } from "./topics-delivery.js";
import { SCOPE_TOPICS } from "./topics-scope.js";

export type { SlotInfo } from "./slot.js";

/** Checked in order; the first topic whose words match the slot's label fills it. */
const TOPICS: Topic[] = [...SCOPE_TOPICS, ...DELIVERY_TOPICS];

/** The slot's own words decide first; the groups and headings around it only break a tie. */
export function topicFor(slot: SlotInfo): Topic | undefined {
  const tiers = [
    `${slot.label} ${slot.instruction}`,
    slot.context.join(" "),
    [...slot.titles].reverse().join(" "),
  ];
  for (const words of tiers) {
    const topic = TOPICS.find((t) => t.slot.test(words.toLowerCase()));
    if (topic) return topic;
  }
  return undefined;
}

/** The facts for a slot: by its topic, else the doc's statements that share its words. */
export function slotValues(ctx: DraftContext, slot: SlotInfo): string[] {
  const topic = topicFor(slot);
  const change: Change = /\bnew\b/i.test(slot.label)
    ? "new"
    : /modif|existing/i.test(slot.label)
      ? "modified"
      : undefined;
  if (topic)
    return topic
      .values(ctx, slot, change)
      .filter(Boolean)
      .slice(0, topic.max ?? 8);
  const words = keywords(`${slot.label} ${slot.instruction}`);
  if (words.length === 0) return [];
  const pattern = new RegExp(words.map((w) => `${termSource(w)}\\w*`).join("|"), "i");
  return findStatements(ctx, pattern, { limit: 2, within: componentWords(slot) });
}
