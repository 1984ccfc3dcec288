import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Brief } from "../../src/drafters/brief.js";
import { createRuleDrafter } from "../../src/drafters/rules/index.js";
import { addUsage, type Usage } from "../../src/drafters/types.js";
import { toFeatureDoc, type FeatureDoc } from "../../src/feature/feature-doc.js";
import { readFeatureFacts } from "../../src/feature/facts/read.js";
import { renderPlan } from "../../src/render/plan.js";
import type { SectionDraft } from "../../src/render/types.js";
import {
  buildLayout,
  type DraftLayout,
  templateRepos,
} from "../../graphs/plan-drafter/topology.js";
import { parseTemplate } from "../../src/template/parse.js";
import { contentKeys } from "../../src/template/schema.js";
import type { Section } from "../../src/template/types.js";
import type { KnownRepository } from "../../src/workspace/known.js";

/** The default template's layout. */
export const DEFAULT = buildLayout(
  parseTemplate(
    readFileSync(join(import.meta.dirname, "../../templates/implementation-plan.md"), "utf8"),
  ),
);

export function inline(text: string, name = "feature.md"): FeatureDoc {
  return toFeatureDoc(new TextEncoder().encode(text), name, 512 * 1024);
}

export interface Drafted {
  brief: Brief;
  drafts: Record<string, SectionDraft>;
  markdown: string;
  layout: DraftLayout;
  /** What the brief and every section spent: nothing, for rules. */
  usage: Usage;
}

/** A whole plan by the rule drafter, unit by unit, as the graph would ask for it. */
export async function draft(
  doc: FeatureDoc,
  layout: DraftLayout = DEFAULT,
  known: readonly KnownRepository[] = [],
): Promise<Drafted> {
  const drafter = createRuleDrafter();
  const facts = readFeatureFacts(doc, templateRepos(layout));
  const first = await drafter.brief({ feature: doc, layout, facts, known }, {});
  const brief = first.brief;
  let usage = first.usage;
  const drafts: Record<string, SectionDraft> = {};
  for (const unit of layout.units) {
    const node = layout.nodes.find((n) => n.name === unit.node);
    if (!node) throw new Error(`no node for ${unit.id}`);
    const request = {
      unit,
      node,
      layout,
      feature: doc,
      facts,
      brief,
      dependencies: [],
      findings: [],
      previous: undefined,
      revision: undefined,
      known,
    };
    const result = await drafter.section(request, {});
    usage = addUsage(usage, result.usage);
    drafts[unit.id] = result.draft;
  }
  const documentControl = { featureName: doc.name, featureLink: doc.link, date: "2025-01-01" };
  return {
    brief,
    drafts,
    markdown: renderPlan(layout, { documentControl, drafts, notice: drafter.notice }),
    layout,
    usage,
  };
}

/** The drafted content of the unit whose repository (or title) is given. */
export function unitContent(
  result: Drafted,
  name: string,
): { section: Section; content: Record<string, unknown> } {
  const unit = result.layout.units.find((u) => u.repo === name || u.section.title === name);
  const drafted = unit ? result.drafts[unit.id] : undefined;
  if (!unit || drafted?.status !== "drafted")
    throw new Error(`${name} was not drafted: ${JSON.stringify(drafted)}`);
  return { section: unit.section, content: drafted.content };
}

/** The value of the first field or topic labelled `label`, walking the section as the schema does. */
export function valueOf(
  section: Section,
  content: Record<string, unknown>,
  label: string,
): unknown {
  for (const { key, block, child } of contentKeys(section)) {
    if (block && (block.kind === "field" || block.kind === "topic") && block.label === label)
      return content[key];
    if (child) {
      const found = valueOf(child, (content[key] ?? {}) as Record<string, unknown>, label);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

export function textOf(value: unknown): string {
  return Array.isArray(value) ? value.join("\n") : String(value);
}

export function statusOf(result: Drafted, repo: string): string | undefined {
  const unit = result.layout.units.find((u) => u.repo === repo);
  return unit ? result.drafts[unit.id]?.status : undefined;
}
