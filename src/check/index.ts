import type { Template } from "../template/types.js";
import { checkChoices } from "./choices.js";
import { checkDiagrams, checkDiagramsSoon } from "./diagrams.js";
import { checkOutline } from "./headings.js";
import { checkPlaceholders } from "./placeholders.js";
import { scanPlan } from "./scan.js";
import { checkTables } from "./tables.js";
import { FINDING_CODES, type Finding, type RawFinding } from "./types.js";

export { FINDING_CODES, type Finding, type FindingCode } from "./types.js";

/**
 * Checks a plan against its template: headings and title, template text left in, mermaid
 * diagrams, tables and choice values. Returns the findings sorted by line; [] when clean.
 */
export async function checkPlan(plan: string, template: Template): Promise<Finding[]> {
  const scan = scanPlan(plan);
  const outline = checkOutline(scan, template);
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
    ...checkTables(scan),
    ...(await checkDiagrams(scan)),
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

/** Parses the diagrams in `markdown` ahead of a `checkPlan` that will need them. */
export function prepareCheck(markdown: string): void {
  checkDiagramsSoon(scanPlan(markdown));
}

/** `plan.md:42: TABLE_MALFORMED: row has 2 cells, the header has 3` */
export function formatFinding(finding: Finding, file = "plan.md"): string {
  return `${file}:${finding.line}: ${finding.code}: ${finding.message}`;
}
