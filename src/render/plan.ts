import type { DraftLayout } from "../../graphs/plan-drafter/topology.js";
import type { Block, FieldBlock, Section } from "../template/types.js";
import { collectClarifications, renderAppendix, type AppendixParts } from "./appendix.js";
import { renderSection, renderUndrafted } from "./section.js";
import { inlineText } from "./text.js";
import type { DocumentControlValues, SectionDraft } from "./types.js";

export interface PlanParts {
  documentControl: DocumentControlValues;
  /** Drafts by unit id. */
  drafts: Record<string, SectionDraft | undefined>;
  /** A note under the title, e.g. that no LLM wrote this plan. */
  notice?: string | undefined;
  /**
   * What plandraft's own last section (after the template's) lists besides the clarification
   * markers of the drafts; the graph always gives it, a plan without it ends with the template.
   */
  appendix?: AppendixParts | undefined;
}

/**
 * Renders the whole plan in template order; every heading of the template is in it. Then the
 * appendix of open questions and assumptions, with every clarification marker the drafts carry.
 */
export function renderPlan(layout: DraftLayout, parts: PlanParts): string {
  const { template } = layout;
  const title = `${template.titleLine}: ${inlineText(parts.documentControl.featureName)}`;
  const preamble = template.preamble.filter((b) => b.kind === "literal").map((b) => b.text);
  const lines = [
    title,
    ...(parts.notice ? ["", `> ${inlineText(parts.notice)}`] : []),
    ...preamble,
  ];
  for (const section of template.sections) lines.push(...renderTopSection(layout, section, parts));
  if (parts.appendix) {
    const clarifications = collectClarifications(layout, parts.drafts);
    lines.push("", ...renderAppendix(parts.appendix, clarifications));
  }
  return `${collapseBlankLines(lines).join("\n").trimEnd()}\n`;
}

/** The markdown of one unit on its own, as the next sections' context and as progress output. */
export function renderUnit(section: Section, draft: SectionDraft): string {
  const lines =
    draft.status === "drafted"
      ? renderSection(section, draft.content)
      : renderUndrafted(section, draft);
  return collapseBlankLines(lines).join("\n").trim();
}

function renderTopSection(layout: DraftLayout, section: Section, parts: PlanParts): string[] {
  if (section === layout.documentControl)
    return renderDocumentControl(section, parts.documentControl);
  const units = layout.units.filter(
    (u) => u.section === section || section.children.includes(u.section),
  );
  if (units.length === 0) return renderVerbatim(section);
  if (units[0]?.section === section) return renderDraft(section, parts.drafts[section.id]);
  const own = [
    section.headingLine,
    ...section.blocks.map((b) => (b.kind === "literal" ? b.text : "")),
  ];
  const children = section.children.flatMap((child) =>
    units.some((u) => u.section === child)
      ? renderDraft(child, parts.drafts[child.id])
      : renderVerbatim(child),
  );
  return [...own, ...children];
}

function renderDraft(section: Section, draft: SectionDraft | undefined): string[] {
  const settled = draft ?? {
    status: "failed",
    code: "NOT_DRAFTED",
    message: "this section was not drafted",
  };
  return settled.status === "drafted"
    ? renderSection(section, settled.content)
    : [...renderUndrafted(section, settled), ""];
}

/** A section with nothing to fill stays exactly as the template has it. */
function renderVerbatim(section: Section): string[] {
  const own = section.blocks.map((b: Block) => (b.kind === "literal" ? b.text : ""));
  return [section.headingLine, ...own, ...section.children.flatMap(renderVerbatim)];
}

function renderDocumentControl(section: Section, values: DocumentControlValues): string[] {
  const lines = [section.headingLine];
  const lastField = section.blocks.findLastIndex((b) => b.kind === "field");
  for (const [index, block] of section.blocks.entries()) {
    if (block.kind === "literal") lines.push(block.text);
    else if (block.kind === "field") lines.push(documentField(block, values));
    if (index === lastField) lines.push(...draftedAgainst(values));
  }
  if (lastField < 0) lines.push(...draftedAgainst(values));
  return [...lines, ...section.children.flatMap(renderVerbatim)];
}

/**
 * plandraft's own Document Control line, after the template's fields: the commit of each
 * repository the plan was drafted against, which the paths it cites are checked at.
 */
export const DRAFTED_AGAINST_LABEL = "Drafted against";

function draftedAgainst(values: DocumentControlValues): string[] {
  const repos = values.repositories ?? [];
  if (repos.length === 0) return [];
  const each = repos.map((r) => {
    const dirty = r.dirty ? " (with changes not committed)" : "";
    return `\`${r.name}\` at commit \`${r.commit.slice(0, 12)}\`${dirty}`;
  });
  return [`**${DRAFTED_AGAINST_LABEL}:** ${each.join(", ")}`];
}

function documentField(block: FieldBlock, values: DocumentControlValues): string {
  const label = block.bold ? `**${block.label}:**` : `${block.label}:`;
  const value = /date/i.test(block.label)
    ? values.date
    : /feature|name|link|title/i.test(block.label)
      ? `[${inlineText(values.featureName).replace(/[[\]]/g, "")}](${values.featureLink})`
      : `TODO: ${block.slot.kind === "text" ? block.slot.instruction : block.label}`;
  return `${block.prefix}${label} ${value}${block.suffix}`;
}

/** At most one blank line in a row, so a removed slot leaves no hole. */
export function collapseBlankLines(lines: string[]): string[] {
  return lines.filter((line, i) => line.trim() !== "" || (lines[i - 1]?.trim() ?? "") !== "");
}
