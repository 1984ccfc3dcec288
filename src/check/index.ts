import type { FeatureDoc } from "../feature/feature-doc.js";
import type { FeatureFacts } from "../feature/facts.js";
import { readFeatureFacts } from "../feature/facts/read.js";
import { buildLayout, templateRepos } from "../../graphs/plan-drafter/topology.js";
import type { Template } from "../template/types.js";
import type { CheckoutFiles } from "../workspace/types.js";
import { checkChoices } from "./choices.js";
import { checkCitations } from "./citations.js";
import { checkContent } from "./content.js";
import { checkDiagrams, checkDiagramsSoon } from "./diagrams.js";
import { checkOutline } from "./headings.js";
import { checkFeature } from "./feature/index.js";
import { checkMarkers } from "./markers.js";
import { checkPlaceholders } from "./placeholders.js";
import { planSections } from "./plan-sections.js";
import { scanPlan } from "./scan.js";
import { checkTables } from "./tables.js";
import { FINDING_CODES, type Finding, type RawFinding } from "./types.js";

export { FINDING_CODES, type Finding, type FindingCode } from "./types.js";

export interface CheckOptions {
  /** Open markers (TODO, NEEDS CLARIFICATION) are findings: the plan is meant to be final. */
  strict?: boolean;
  /** The feature doc's facts (`featureFacts`): the plan is checked against what the doc states. */
  facts?: FeatureFacts;
  /**
   * The mapped checkouts' tracked files (`--workspace`, `--repo`): every path the plan cites
   * under one of them must exist there.
   */
  checkouts?: readonly CheckoutFiles[] | undefined;
}

/**
 * Checks a plan against its template: headings and title, template text left in, content the
 * template asks for, mermaid diagrams, tables and choice values; with `strict`, the open
 * markers; with `facts`, what the feature doc states; with `checkouts`, that every cited path
 * exists. Returns the findings sorted by line; []
 * when clean.
 */
export async function checkPlan(
  plan: string,
  template: Template,
  options: CheckOptions = {},
): Promise<Finding[]> {
  const scan = scanPlan(plan);
  const whole =
    options.strict || options.facts || options.checkouts?.length
      ? scanPlan(plan, { withAppendix: true })
      : scan;
  const outline = checkOutline(scan, template);
  const sections = planSections(scan, template, outline.headingLines);
  const placeholders = checkPlaceholders(scan, template);
  // A choice line still holding template text is already reported as PLACEHOLDER_LEFT.
  const placeholderLines = new Set(
    placeholders.filter((f) => f.code === "PLACEHOLDER_LEFT").map((f) => f.line),
  );
  const choices = checkChoices(scan, template, outline.sectionAt).filter(
    (f) => !placeholderLines.has(f.line),
  );
  const raw: RawFinding[] = [
    ...outline.findings,
    ...placeholders,
    ...choices,
    ...checkContent(sections),
    ...checkTables(scan),
    ...(await checkDiagrams(scan)),
    ...(options.strict ? checkMarkers(whole) : []),
    ...(options.facts ? checkFeature({ facts: options.facts, sections, scan, whole }) : []),
    ...(options.checkouts ? checkCitations(whole, options.checkouts) : []),
  ];
  return raw
    .map((f) => ({
      line: f.line,
      code: f.code,
      message: f.message,
      sectionId: outline.sectionAt(f.line),
    }))
    .sort(
      (a, b) => a.line - b.line || FINDING_CODES.indexOf(a.code) - FINDING_CODES.indexOf(b.code),
    );
}

/** The feature doc's facts, with the repositories as `template` names them. */
export function featureFacts(feature: FeatureDoc, template: Template): FeatureFacts {
  return readFeatureFacts(feature, templateRepos(buildLayout(template)));
}

/** Parses the diagrams in `markdown` ahead of a `checkPlan` that will need them. */
export function prepareCheck(markdown: string): void {
  checkDiagramsSoon(scanPlan(markdown));
}

/** `plan.md:42: TABLE_MALFORMED: row has 2 cells, the header has 3` */
export function formatFinding(finding: Finding, file = "plan.md"): string {
  return `${file}:${finding.line}: ${finding.code}: ${finding.message}`;
}
