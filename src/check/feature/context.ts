import type { Cited, FeatureFacts } from "../../feature/facts.js";
import type { PlanSection } from "../plan-sections.js";
import type { PlanLine, ScannedPlan } from "../scan.js";

/** What a `--feature` rule reads: the doc's facts and the plan. */
export interface FeatureCheck {
  facts: FeatureFacts;
  /** The template's sections the plan has, up to its appendix. */
  sections: PlanSection[];
  /** The plan up to its appendix. */
  scan: ScannedPlan;
  /** The whole plan, appendix included. */
  whole: ScannedPlan;
}

/** `line 12 of the feature doc ("Email delivery of the digest.")` */
export function docLine(cited: Cited): string {
  const text = cited.text.replace(/\s+/g, " ").trim();
  return `line ${cited.line} of the feature doc ("${text.length > 120 ? `${text.slice(0, 119)}…` : text}")`;
}

/** The plan's section for a repository the template names in backticks, e.g. `/gain`. */
export function repoSection(sections: PlanSection[], repo: string): PlanSection | undefined {
  return sections.find((s) => s.section.title.includes(`\`${repo}\``));
}

/** The template's testing section (the outermost one whose title says "test"), as the plan has it. */
export function testingSection(sections: PlanSection[]): PlanSection | undefined {
  const testing = sections.filter((s) => /\btest/i.test(s.section.title));
  return testing.sort((a, b) => a.above.length - b.above.length)[0];
}

/** An ID as a word: `AC-1` is not in `AC-10` or `XAC-1`; case counts. */
export function mentionsId(lines: PlanLine[], id: string): boolean {
  const pattern = new RegExp(
    String.raw`(?<![\w-])${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?!\w)`,
  );
  return lines.some((l) => pattern.test(l.text));
}

/** The plan's title line, where a finding about the plan as a whole stands. */
export function titleLine(scan: ScannedPlan): number {
  return scan.headings.find((h) => h.level === 1)?.line ?? 1;
}

const LIST_MARKER = /^(\s*)(?:>\s*)?(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/;
const LABEL =
  /^(?:\*\*([^*]{1,60}?):\*\*|\*\*([^*]{1,60}?)\*\*\s*:|([^:*`[\]|]{1,60}?):(?=\s|$))\s*/;

/** A plan line split into its list indentation, label (`**Label:**`, `Label:`) and value. */
export interface PlanItem {
  line: PlanLine;
  /** Indentation of its list marker; undefined when it is not a list item. */
  indent: number | undefined;
  label: string | undefined;
  value: string;
}

export function planItem(line: PlanLine): PlanItem {
  const marker = LIST_MARKER.exec(line.text);
  const rest = line.text.slice(marker?.[0].length ?? 0).trim();
  const label = LABEL.exec(rest);
  const name = label ? (label[1] ?? label[2] ?? label[3])?.trim() : undefined;
  return {
    line,
    indent: marker ? (marker[1]?.length ?? 0) : undefined,
    label: name,
    value: label ? rest.slice(label[0].length).trim() : rest,
  };
}
