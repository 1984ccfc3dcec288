import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { draft } from "../support/rule-draft.js";
import { checkPlan, formatFinding } from "../../src/check/index.js";
import { createRuleDrafter } from "../../src/drafters/rules/index.js";
import { toFeatureDoc, type FeatureDoc } from "../../src/feature/feature-doc.js";
import type { SectionDraft } from "../../src/render/types.js";
import { buildLayout, type WorkUnit } from "../../graphs/plan-drafter/topology.js";
import { parseTemplate } from "../../src/template/parse.js";
import { unitSchema } from "../../src/template/schema.js";
import type { Section } from "../../src/template/types.js";

const FEATURES = join(import.meta.dirname, "../fixtures/features");
const DOCS = readdirSync(FEATURES).filter((f) => /^\d\d-.*\.md$/.test(f));
const TEMPLATE = readFileSync(
  join(import.meta.dirname, "../../templates/implementation-plan.md"),
  "utf8",
);
const layout = buildLayout(parseTemplate(TEMPLATE));

function feature(file: string): FeatureDoc {
  return toFeatureDoc(readFileSync(join(FEATURES, file)), file, 512 * 1024);
}

/** What a model would have returned for the unit: the shape `unitSchema` describes. */
function asUnitOutput(unit: WorkUnit, draft: SectionDraft): unknown {
  if (!unit.repo) return draft.status === "drafted" ? draft.content : undefined;
  if (draft.status === "no_changes")
    return { has_changes: false, no_changes_reason: draft.reason, plan: null };
  return {
    has_changes: true,
    no_changes_reason: null,
    plan: draft.status === "drafted" ? draft.content : undefined,
  };
}

function headingLines(sections: Section[]): string[] {
  return sections.flatMap((s) => [s.headingLine, ...headingLines(s.children)]);
}

/** `[text]` outside code, mermaid and task boxes: a template placeholder left in. */
function bracketed(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").flatMap((line) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return [];
    const prose = line.replace(/`[^`]*`/g, "").replace(/^\s*[-*] \[[ x]\]/, "");
    return /\[[^\]]+\]/.test(prose.replace(/\[[^\]]*\]\(\.\/[^)]*\)/, "")) ? [line] : [];
  });
}

/** Paths of empty strings anywhere in a draft: every slot must say something. */
function blankValues(value: unknown, path = "$"): string[] {
  if (typeof value === "string") return value.trim() ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => blankValues(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => blankValues(v, `${path}.${k}`));
  }
  return [];
}

describe("rule-based drafter", () => {
  it("says who wrote the plan and needs no model", () => {
    const drafter = createRuleDrafter();
    expect(drafter.model).toBe("none");
    expect(drafter.notice).toMatch(/no LLM/i);
    expect(drafter.notice).toMatch(/rule-based drafter/);
    expect(drafter.notice).toMatch(/TODO/);
  });

  it("would notice a placeholder left in (the template itself is full of them)", () => {
    expect(bracketed(TEMPLATE).length).toBeGreaterThan(10);
  });

  describe.each(DOCS)("%s", (file) => {
    it("drafts every unit so it validates, renders every heading and leaves no placeholder", async () => {
      const doc = feature(file);
      const { brief, usage, drafts, markdown } = await draft(doc, layout);
      expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 });
      expect(brief.repos.map((r) => r.repo)).toEqual(
        layout.units.flatMap((u) => (u.repo ? [u.repo] : [])),
      );
      for (const unit of layout.units) {
        const draft = drafts[unit.id];
        expect(draft?.status, unit.id).not.toBe("failed");
        const parsed = unitSchema(unit).safeParse(asUnitOutput(unit, draft as SectionDraft));
        if (!parsed.success)
          throw new Error(`${unit.id}: ${JSON.stringify(parsed.error.issues, null, 2)}`);
      }
      for (const line of headingLines(layout.template.sections)) expect(markdown).toContain(line);
      expect(bracketed(markdown)).toEqual([]);
      expect(markdown).not.toMatch(/TODO:?\s*$/m);
      for (const draft of Object.values(drafts)) expect(blankValues(draft)).toEqual([]);
      const findings = await checkPlan(markdown, layout.template);
      expect(findings.map((f) => formatFinding(f))).toEqual([]);
    });

    it("gives the same draft for the same doc", async () => {
      const first = await draft(feature(file), layout);
      const second = await draft(feature(file), layout);
      expect(second.brief).toEqual(first.brief);
      expect(second.drafts).toEqual(first.drafts);
      expect(second.markdown).toBe(first.markdown);
    });
  });
});
