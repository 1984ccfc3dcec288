import { z } from "zod";
import type { WorkUnit } from "./layout.js";
import { snakeKey, uniqueKey } from "./text.js";
import type { DiagramBlock, FillableBlock, Section, TableBlock } from "./types.js";

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

/** What one model call for a unit returns; a repository unit may say it has no changes. */
export function unitSchema(unit: WorkUnit): z.ZodObject {
  const content = sectionSchema(unit.section);
  if (!unit.repo) return content;
  return z.object({
    has_changes: z.boolean().describe(`Whether the feature needs any change in ${unit.repo}`),
    no_changes_reason: z
      .string()
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
      return z.string().describe(`${block.instruction} (one or two short paragraphs of prose)`);
    case "field":
      if (block.slot.kind === "choice") {
        return z.enum(block.slot.options as [string, ...string[]]).describe(block.label);
      }
      return z
        .array(z.string())
        .describe(
          `${[...block.context, block.label].join(" > ")}: ${block.slot.instruction}. One entry per item; one entry when a sentence says it all`,
        );
    case "topic":
      return z
        .string()
        .describe(`${[...block.context, block.label].join(" > ")}: one or two sentences`);
    case "checklist":
      return z.object(
        Object.fromEntries(
          block.items.map((item) => [
            item.key,
            z
              .object({
                met: z.boolean().describe("true when this plan meets it"),
                note: z.string().describe("how, or why not, in one sentence"),
              })
              .describe(item.label),
          ]),
        ),
      );
    case "table":
      return tableSchema(block);
    case "diagram":
      return diagramSchema(block);
  }
}

function tableSchema(block: TableBlock): z.ZodType {
  const row = z.object(
    Object.fromEntries(block.columns.map((c) => [c.key, z.string().describe(c.instruction)])),
  );
  return z
    .array(row)
    .describe(`Rows of the table: ${block.columns.map((c) => c.title).join(", ")}`);
}

const DiagramNode = z.object({
  id: z.string().describe("short identifier, letters and digits"),
  label: z.string().describe("what the box shows"),
});

export const Flowchart = z.object({
  nodes: z.array(DiagramNode).describe("components, existing and new"),
  links: z.array(
    z.object({
      from: z.string().describe("id of a node"),
      to: z.string().describe("id of a node"),
      label: z.string().nullable().describe("what flows along the link"),
    }),
  ),
});

export const SequenceDiagram = z.object({
  participants: z.array(DiagramNode).describe("actors and services, in order of appearance"),
  messages: z.array(
    z.object({
      from: z.string().describe("id of a participant"),
      to: z.string().describe("id of a participant"),
      text: z.string().describe("the call or message"),
      reply: z.boolean().describe("true for a response (drawn dashed)"),
    }),
  ),
});

export type FlowchartContent = z.infer<typeof Flowchart>;
export type SequenceContent = z.infer<typeof SequenceDiagram>;

function diagramSchema(block: DiagramBlock): z.ZodType {
  const schema = block.diagram === "sequence" ? SequenceDiagram : Flowchart;
  return schema.describe(block.instruction);
}
