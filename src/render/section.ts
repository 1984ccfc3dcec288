import { CHECKLIST_STATES, contentKeys, type ChecklistState } from "../template/schema.js";
import type { FlowchartContent, SequenceContent } from "../template/schema.js";
import type { Block, FieldBlock, Section } from "../template/types.js";
import { renderFlowchart, renderSequence } from "./mermaid.js";
import { blockText, cellText, inlineText } from "./text.js";
import type { SectionDraft } from "./types.js";

type Content = Record<string, unknown>;

/** Renders a section from its structured content: the template's lines, with each slot filled. */
export function renderSection(section: Section, content: Content): string[] {
  const lines = [section.headingLine];
  const keys = contentKeys(section);
  const keyOf = new Map(keys.map((k) => [k.block ?? k.child, k.key]));
  for (const block of section.blocks) {
    if (block.kind === "literal") lines.push(block.text);
    else lines.push(...renderBlock(block, content[keyOf.get(block) ?? ""]));
  }
  for (const child of section.children) {
    const childContent = content[keyOf.get(child) ?? ""];
    lines.push(...renderSection(child, isRecord(childContent) ? childContent : {}));
  }
  return lines;
}

/** How an undrafted unit's body opens, so `check` can tell it from a section whose body is gone. */
export const NO_CHANGES_NOTE = "**No changes.**";
export const NOT_DRAFTED_NOTE = "> **Not drafted.**";
export const NOT_APPLICABLE_NOTE = "Not applicable: see above.";

/** A unit that is not drafted keeps every heading, so the plan still has the template's shape. */
export function renderUndrafted(
  section: Section,
  draft: Exclude<SectionDraft, { status: "drafted" }>,
): string[] {
  const note =
    draft.status === "no_changes"
      ? `${NO_CHANGES_NOTE} ${inlineText(draft.reason)}`
      : `${NOT_DRAFTED_NOTE} ${inlineText(`${draft.code}: ${draft.message}`)}`;
  return [
    section.headingLine,
    "",
    note,
    "",
    ...section.children.flatMap(notApplicable),
    ...trailingRule(section),
  ];
}

function notApplicable(section: Section): string[] {
  return [
    section.headingLine,
    "",
    NOT_APPLICABLE_NOTE,
    "",
    ...section.children.flatMap(notApplicable),
  ];
}

/** Keeps the `---` that closes a section in the template. */
function trailingRule(section: Section): string[] {
  const last = [section, ...section.children]
    .flatMap((s) => s.blocks)
    .filter((b) => b.kind !== "literal" || b.text.trim());
  const tail = last.at(-1);
  return tail?.kind === "literal" && /^-{3,}\s*$/.test(tail.text) ? [tail.text, ""] : [];
}

export function renderBlock(block: Exclude<Block, { kind: "literal" }>, value: unknown): string[] {
  switch (block.kind) {
    case "guidance":
      return [blockText(asText(value))];
    case "field":
      return renderField(block, value);
    case "topic":
      return [`${block.prefix}${block.label}: ${inlineText(asText(value))}`];
    case "checklist":
      return block.items.map((item) => {
        const entry = isRecord(value) ? value[item.key] : undefined;
        const state = checklistState(entry);
        const note = isRecord(entry) ? inlineText(asText(entry.note)) : "";
        const shown = state === "unknown" ? `(unknown) ${note}`.trim() : note;
        return `${item.prefix}[${state === "met" ? "x" : " "}] ${item.label}${shown ? ` — ${shown}` : ""}`;
      });
    case "table": {
      const rows = Array.isArray(value) ? value.filter(isRecord) : [];
      return [
        ...block.headerLines,
        ...rows.map(
          (row) => `| ${block.columns.map((c) => cellText(asText(row[c.key]))).join(" | ")} |`,
        ),
      ];
    }
    case "diagram": {
      const body =
        block.diagram === "sequence"
          ? renderSequence(value as SequenceContent)
          : renderFlowchart(value as FlowchartContent);
      const marker = /^\s*(`{3,}|~{3,})/.exec(block.fence)?.[1] ?? "```";
      return [block.fence, ...body, marker];
    }
  }
}

function renderField(block: FieldBlock, value: unknown): string[] {
  const label = block.bold ? `**${block.label}:**` : `${block.label}:`;
  const items = (Array.isArray(value) ? value : [value])
    .map((v) => inlineText(asText(v)))
    .filter(Boolean);
  if (items.length <= 1)
    return [`${block.prefix}${label} ${items[0] ?? ""}`.trimEnd() + block.suffix];
  return fieldList(block, items);
}

/** A field with several items: the label, then one nested bullet per item (already inline text). */
export function fieldList(block: FieldBlock, items: string[]): string[] {
  const label = block.bold ? `**${block.label}:**` : `${block.label}:`;
  const indent = " ".repeat(block.prefix.length || 0);
  return [`${block.prefix}${label}`, ...items.map((item) => `${indent}- ${item}`)];
}

/** Drafts saved before checklist states existed said `met: true | false`. */
function checklistState(entry: unknown): ChecklistState {
  if (!isRecord(entry)) return "unknown";
  if (CHECKLIST_STATES.includes(entry.state as ChecklistState))
    return entry.state as ChecklistState;
  return entry.met === true ? "met" : entry.met === false ? "not_met" : "unknown";
}

function asText(value: unknown): string {
  return typeof value === "string"
    ? value
    : value === undefined || value === null
      ? ""
      : JSON.stringify(value);
}

function isRecord(value: unknown): value is Content {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
