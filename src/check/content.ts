import type { FieldBlock, Section } from "../template/types.js";
import type { PlanSection } from "./plan-sections.js";
import { escapeRegExp, type PlanLine } from "./scan.js";
import type { RawFinding } from "./types.js";

/**
 * PLAN_EMPTY, SECTION_EMPTY, FIELD_MISSING and FIELD_EMPTY: content the template asks for that
 * the plan has dropped. A section a drafter marks "No changes" (or not drafted) is not empty.
 */
export function checkContent(sections: PlanSection[]): RawFinding[] {
  const expecting = sections.filter((s) => expectsContent(s.section));
  const empty = new Set(expecting.filter((s) => !s.undrafted && isEmpty(s)));
  const topLevel = expecting.filter(
    (s) => !sections.some((p) => p.section.children.includes(s.section)),
  );
  if (topLevel.length > 0 && topLevel.every((s) => empty.has(s))) {
    const first = topLevel[0]?.line ?? 1;
    const message =
      "the plan has the template's headings and nothing under them; draft it (plandraft draft) or fill in every section";
    return [{ line: first, code: "PLAN_EMPTY", message }];
  }
  const findings: RawFinding[] = [];
  for (const planSection of sections) {
    const { section, line } = planSection;
    if (empty.has(planSection)) {
      // One finding for a section whose whole body is gone, not one for each sub-section in it.
      const parent = sections.find((p) => p.section.children.includes(section));
      if (!parent || !empty.has(parent)) {
        const message = `"${section.title}" has its heading but nothing under it; write the content the template asks for here, or say why there is none`;
        findings.push({ line, code: "SECTION_EMPTY", message });
      }
      continue;
    }
    if (!planSection.undrafted) findings.push(...checkFields(planSection));
  }
  return findings;
}

/** Whether the template asks for content in the section or in a sub-section of it. */
function expectsContent(section: Section): boolean {
  return section.blocks.some((b) => b.kind !== "literal") || section.children.some(expectsContent);
}

const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;

/** Nothing but blank lines, rules and the headings of its sub-sections. */
function isEmpty(planSection: PlanSection): boolean {
  return planSection.body.every(
    (l) => !l.text.trim() || RULE.test(l.text) || (!l.fenced && /^ {0,3}#{1,6}(\s|$)/.test(l.text)),
  );
}

const LIST_ITEM = /^(\s*)(?:[-*+]|\d+[.)])\s+/;

function checkFields(planSection: PlanSection): RawFinding[] {
  const { section, own, line } = planSection;
  const fields = section.blocks.filter((b): b is FieldBlock => b.kind === "field");
  const findings: RawFinding[] = [];
  const byLabel = new Map<string, FieldBlock[]>();
  for (const field of fields)
    byLabel.set(field.label, [...(byLabel.get(field.label) ?? []), field]);
  for (const [label, expected] of byLabel) {
    const pattern = fieldPattern(label);
    const held = own.filter((l) => !l.fenced && pattern.test(l.text));
    if (held.length < expected.length) {
      const message = fieldMissing(section.title, label, expected.length, held.length);
      findings.push({ line, code: "FIELD_MISSING", message });
    }
    if (expected[0]?.slot.kind === "choice") continue; // CHOICE_INVALID already says it has no value
    for (const field of held) {
      if (pattern.exec(field.text)?.[1]?.trim() || hasItems(own, field)) continue;
      const message = `"${label}:" in "${section.title}" has no value; write it, or say "none" and why`;
      findings.push({ line: field.line, code: "FIELD_EMPTY", message });
    }
  }
  return findings;
}

function fieldMissing(title: string, label: string, expected: number, held: number): string {
  const which =
    expected > 1 ? `${expected} "${label}:" fields, the plan ${held}` : `a "${label}:" field`;
  return `"${title}" is missing a field: the template has ${which}; add the "${label}:" line back with its value`;
}

/** `**Label:**` or `Label:`, bold or not, as a list item or not: the plan's style may differ. */
function fieldPattern(label: string): RegExp {
  const name = escapeRegExp(label).replace(/ +/g, String.raw`\s+`);
  return new RegExp(
    String.raw`^\s*(?:>\s*)?(?:(?:[-*+]|\d+[.)])\s+)?(?:\*\*\s*${name}\s*(?::\s*\*\*|\*\*\s*:)|${name}\s*:)(.*)$`,
    "i",
  );
}

/** A field with several values lists them as list items under its label. */
function hasItems(own: PlanLine[], field: PlanLine): boolean {
  const next = own.find((l) => l.line > field.line && l.text.trim());
  if (!next) return false;
  const item = LIST_ITEM.exec(next.text);
  if (!item) return false;
  const fieldItem = LIST_ITEM.exec(field.text);
  // A label that is a list item holds only the items indented under it.
  return !fieldItem || (item[1]?.length ?? 0) > (fieldItem[1]?.length ?? 0);
}
