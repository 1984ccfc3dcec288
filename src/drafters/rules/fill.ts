import { contentKeys, LIMITS } from "../../template/schema.js";
import type { FieldBlock, FillableBlock, Section, TopicBlock } from "../../template/types.js";
import { checklist } from "./checklist.js";
import type { DraftContext } from "./context.js";
import { flowchart, sequence } from "./diagrams.js";
import { complexity } from "./measure.js";
import { guidance } from "./prose.js";
import { tableRows } from "./tables.js";
import { joinWords, MAX_VALUE, shorten, unique } from "./text.js";
import { labelCase, todo } from "./todo.js";
import { type SlotInfo, slotValues } from "./topics.js";

type Content = Record<string, unknown>;

/**
 * Fills a section the way the schema and the renderer walk it (`contentKeys`), so the content
 * validates against `sectionSchema` whatever the template.
 */
export function fillSection(ctx: DraftContext, section: Section, titles: string[]): Content {
  const content: Content = {};
  const filled = new Map<FillableBlock, unknown>();
  const objectives: { key: string; block: FieldBlock }[] = [];
  for (const { key, block, child } of contentKeys(section)) {
    if (child) content[key] = fillSection(ctx, child, [...titles, child.title]);
    else if (isObjective(block, section)) objectives.push({ key, block });
    else filled.set(block, (content[key] = fillBlock(ctx, block, titles)));
  }
  // An objective sums up the topics listed under it, so it is written after them.
  for (const { key, block } of objectives) content[key] = [objective(section, block, filled, ctx)];
  return content;
}

function fillBlock(ctx: DraftContext, block: FillableBlock, titles: string[]): unknown {
  switch (block.kind) {
    case "guidance":
      return guidance(ctx, block.instruction, titles);
    case "field":
      if (block.slot.kind === "choice") return complexity(ctx, block.slot.options);
      return fieldValues(ctx, block, titles);
    case "topic":
      return topicText(ctx, block, titles);
    case "checklist":
      return checklist(ctx, block);
    case "table":
      return tableRows(ctx, block);
    case "diagram":
      return block.diagram === "sequence" ? sequence(ctx) : flowchart(ctx);
  }
}

function fieldValues(ctx: DraftContext, block: FieldBlock, titles: string[]): string[] {
  if (block.slot.kind !== "text") return [];
  const slot: SlotInfo = {
    label: block.label,
    instruction: block.slot.instruction,
    context: block.context,
    titles,
    short: false,
  };
  const values = unique(slotValues(ctx, slot).map((v) => shorten(v, LIMITS.line)));
  if (values.length > 0) return values;
  // "New:" under "Tables/Views" means new tables/views: the group names what the label is about.
  const group = block.context.at(-1);
  const what = /^\S+$/.test(block.label) && group ? `${block.label} ${group}` : block.label;
  return [todo(what, block.slot.instruction)];
}

function topicText(ctx: DraftContext, block: TopicBlock, titles: string[]): string {
  const slot: SlotInfo = {
    label: block.label,
    instruction: "",
    context: block.context,
    titles,
    short: true,
  };
  const values = unique(slotValues(ctx, slot)).slice(0, 2);
  const where = block.context.at(-1);
  if (values.length === 0) return todo(block.label, where ? `in the ${where.toLowerCase()}` : "");
  const parts = values.map((v) => shorten(v, values.length > 1 ? 98 : MAX_VALUE));
  return shorten(parts.map((v, i) => (i < parts.length - 1 ? v.replace(/\.$/, "") : v)).join("; "));
}

/** "Objective: [What will be achieved]" above a list of topics, as in a phase of work. */
function isObjective(block: FillableBlock, section: Section): block is FieldBlock {
  return (
    block.kind === "field" &&
    /objective|goal|outcome|what will be achieved/i.test(
      `${block.label} ${block.slot.kind === "text" ? block.slot.instruction : ""}`,
    ) &&
    section.blocks.some((b) => b.kind === "topic")
  );
}

function objective(
  section: Section,
  block: FieldBlock,
  filled: Map<FillableBlock, unknown>,
  ctx: DraftContext,
): string {
  const number = /\bphase\s*(\d+)/i.exec(section.title)?.[1];
  const stated = number ? ctx.facts.docPhases.get(Number(number)) : undefined;
  if (stated) return shorten(`The doc's ${stated}`);
  const topics = section.blocks.flatMap((b) =>
    b.kind === "topic" ? [{ label: b.label, value: filled.get(b) }] : [],
  );
  const done = topics
    .filter((t) => typeof t.value === "string" && !t.value.startsWith("TODO"))
    .map((t) => labelCase(t.label));
  const open = topics
    .filter((t) => !done.includes(labelCase(t.label)))
    .map((t) => labelCase(t.label));
  const name = section.title.replace(/^.*?:\s*/, "");
  if (done.length === 0)
    return todo(
      `what the ${labelCase(name)} phase delivers`,
      block.slot.kind === "text" ? block.slot.instruction : "",
    );
  const rest = open.length > 0 ? `; TODO: plan ${joinWords(open)}` : "";
  return shorten(`Deliver ${joinWords(done)} from what the doc states below${rest}`);
}
