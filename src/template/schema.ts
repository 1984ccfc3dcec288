import { z } from "zod";
import { snakeKey, uniqueKey } from "./text.js";
import type { DiagramBlock, FillableBlock, Section, TableBlock } from "./types.js";

/**
 * What one answer may hold. Generous for a real plan (the rule drafter's fill of every corpus doc
 * fits), tight enough that a runaway reply is refused by the schema and repaired, instead of
 * landing in the plan. Sent to the model as `maxLength`/`maxItems`.
 */
export const LIMITS = {
  /** A guidance block: a few short paragraphs. */
  prose: 3000,
  /** One line of text: a field entry, a topic, a table cell, a note, an item of the brief. */
  line: 600,
  /** A name: a diagram node's id or label, a repository, a section title. */
  name: 160,
  /** The entries of one field or one list of the brief. */
  items: 30,
  /** The rows of one table. */
  rows: 30,
  /** The boxes of a diagram, and its links or messages. */
  nodes: 25,
  links: 50,
} as const;

/** A checklist item: met, not met, or not known from what the doc says (rendered unchecked, with a note). */
export const CHECKLIST_STATES = ["met", "not_met", "unknown"] as const;
export type ChecklistState = (typeof CHECKLIST_STATES)[number];

export const ChecklistEntry = z.object({
  state: z
    .enum(CHECKLIST_STATES)
    .describe(
      "met: this plan meets it; not_met: it does not; unknown: the feature doc does not say enough to tell",
    ),
  note: z
    .string()
    .max(LIMITS.line)
    .describe("how it is met, why not, or what would settle it, in one sentence"),
});
export type ChecklistEntry = z.infer<typeof ChecklistEntry>;

const line = (description: string) => z.string().max(LIMITS.line).describe(description);

/**
 * The structured content a drafter returns for a section, derived from the template: one
 * property per slot, one nested object per sub-section. The renderer walks the same tree, so
 * the key names here and there must come from `contentKeys`.
 */
export function sectionSchema(section: Section): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const { key, block, child } of contentKeys(section)) {
    shape[key] = child ? sectionSchema(child) : blockSchema(block);
  }
  return z.object(shape).describe(`Content of the section "${section.title}"`);
}

/**
 * What one model call for a unit returns; a repository unit may say it has no changes. Takes
 * the two fields it reads, not the graph's WorkUnit: the template knows nothing of the graph.
 */
export function unitSchema(unit: { section: Section; repo: string | undefined }): z.ZodObject {
  const content = sectionSchema(unit.section);
  if (!unit.repo) return content;
  return z.object({
    has_changes: z.boolean().describe(`Whether the feature needs any change in ${unit.repo}`),
    no_changes_reason: z
      .string()
      .max(LIMITS.line)
      .nullable()
      .describe(`When has_changes is false: one sentence saying why ${unit.repo} needs no change`),
    plan: content.nullable().describe(`When has_changes is true: the changes in ${unit.repo}`),
  });
}

export type ContentKey =
  | { key: string; block: FillableBlock; child?: undefined }
  | { key: string; block?: undefined; child: Section };

const keysOf = new WeakMap<Section, ContentKey[]>();

/** The property names of a section's content, in template order; worked out once per section. */
export function contentKeys(section: Section): readonly ContentKey[] {
  const known = keysOf.get(section);
  if (known) return known;
  const keys = computeKeys(section);
  keysOf.set(section, keys);
  return keys;
}

function computeKeys(section: Section): ContentKey[] {
  const taken = new Set<string>();
  const keys: ContentKey[] = [];
  for (const block of section.blocks) {
    if (block.kind !== "literal") keys.push({ key: uniqueKey(block.key, taken), block });
  }
  for (const child of section.children) {
    keys.push({ key: uniqueKey(snakeKey(child.title), taken), child });
  }
  return keys;
}

function blockSchema(block: FillableBlock): z.ZodType {
  switch (block.kind) {
    case "guidance":
      return z
        .string()
        .max(LIMITS.prose)
        .describe(`${block.instruction} (one or two short paragraphs of prose)`);
    case "field":
      if (block.slot.kind === "choice") {
        return z.enum(block.slot.options as [string, ...string[]]).describe(block.label);
      }
      return z
        .array(z.string().max(LIMITS.line))
        .max(LIMITS.items)
        .describe(
          `${[...block.context, block.label].join(" > ")}: ${block.slot.instruction}. One entry per item; one entry when a sentence says it all`,
        );
    case "topic":
      return line(`${[...block.context, block.label].join(" > ")}: one or two sentences`);
    case "checklist":
      return z.object(
        Object.fromEntries(
          block.items.map((item) => [item.key, ChecklistEntry.describe(item.label)]),
        ),
      );
    case "table":
      return tableSchema(block);
    case "diagram":
      return diagramSchema(block);
  }
}

function tableSchema(block: TableBlock): z.ZodType {
  const row = z.object(Object.fromEntries(block.columns.map((c) => [c.key, line(c.instruction)])));
  return z
    .array(row)
    .max(LIMITS.rows)
    .describe(`Rows of the table: ${block.columns.map((c) => c.title).join(", ")}`);
}

const name = (description: string) => z.string().max(LIMITS.name).describe(description);

const DiagramNode = z.object({
  id: name("short identifier, letters and digits"),
  label: name("what the box shows"),
});

export const Flowchart = z.object({
  nodes: z.array(DiagramNode).max(LIMITS.nodes).describe("components, existing and new"),
  links: z
    .array(
      z.object({
        from: name("id of a node"),
        to: name("id of a node"),
        label: z.string().max(LIMITS.name).nullable().describe("what flows along the link"),
      }),
    )
    .max(LIMITS.links),
});

export const SequenceDiagram = z.object({
  participants: z
    .array(DiagramNode)
    .max(LIMITS.nodes)
    .describe("actors and services, in order of appearance"),
  messages: z
    .array(
      z.object({
        from: name("id of a participant"),
        to: name("id of a participant"),
        text: line("the call or message"),
        reply: z.boolean().describe("true for a response (drawn dashed)"),
      }),
    )
    .max(LIMITS.links),
});

export type FlowchartContent = z.infer<typeof Flowchart>;
export type SequenceContent = z.infer<typeof SequenceDiagram>;

function diagramSchema(block: DiagramBlock): z.ZodType {
  const schema = block.diagram === "sequence" ? SequenceDiagram : Flowchart;
  return schema.describe(block.instruction);
}
