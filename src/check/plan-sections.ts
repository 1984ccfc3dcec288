import { NO_CHANGES_NOTE, NOT_APPLICABLE_NOTE, NOT_DRAFTED_NOTE } from "../render/section.js";
import type { Section, Template } from "../template/types.js";
import type { PlanLine, ScannedPlan } from "./scan.js";

/** A template section as the plan has it (only sections whose heading the plan keeps). */
export interface PlanSection {
  section: Section;
  /** The titles of the sections above it, from the top. */
  above: string[];
  /** The plan line of its heading. */
  line: number;
  /** Its own lines: after its heading, up to the next heading of any level. */
  own: PlanLine[];
  /** Its lines with its sub-sections': after its heading, up to the next heading of its level or higher. */
  body: PlanLine[];
  /** It, or a section above it, says it is not drafted: "No changes", "Not drafted", "Not applicable". */
  undrafted: boolean;
}

/** The template's sections the plan has, in template order, each with its lines. */
export function planSections(
  scan: ScannedPlan,
  template: Template,
  headingLines: Map<string, number>,
): PlanSection[] {
  const levels = new Map(scan.headings.map((h) => [h.line, h.level]));
  const found: PlanSection[] = [];
  const walk = (sections: Section[], above: string[], undraftedAbove: boolean) => {
    for (const section of sections) {
      const line = headingLines.get(section.id);
      let undrafted = undraftedAbove;
      if (line !== undefined) {
        const level = levels.get(line) ?? section.level;
        const own = linesUntil(scan, line, () => true);
        const body = linesUntil(scan, line, (h) => h <= level);
        undrafted ||= own.some((l) => isUndraftedNote(l.text));
        found.push({ section, above, line, own, body, undrafted });
      }
      walk(section.children, [...above, section.title], undrafted);
    }
  };
  walk(template.sections, [], false);
  return found;
}

/** The lines after `line` up to the next heading whose level `stops`. */
function linesUntil(
  scan: ScannedPlan,
  line: number,
  stops: (level: number) => boolean,
): PlanLine[] {
  const next = scan.headings.find((h) => h.line > line && stops(h.level));
  const end = next ? next.line - 1 : scan.lastLine;
  return scan.lines.filter((l) => l.line > line && l.line <= end);
}

function isUndraftedNote(text: string): boolean {
  const line = text.trim();
  return (
    line.startsWith(NO_CHANGES_NOTE) ||
    line.startsWith(NOT_DRAFTED_NOTE) ||
    line.startsWith(NOT_APPLICABLE_NOTE)
  );
}

/** The line where a section says it needs no change (`**No changes.** ...`), if it does. */
export function noChangesLine(section: PlanSection): number | undefined {
  return section.own.find((l) => l.text.trim().startsWith(NO_CHANGES_NOTE))?.line;
}
