import type { RawFinding } from "../types.js";
import {
  docLine,
  mentionsId,
  repoSection,
  testingSection,
  titleLine,
  type FeatureCheck,
} from "./context.js";

/**
 * REQUIREMENT_MISSING: a requirement or acceptance-criterion ID of the doc that the plan never
 * mentions. Read up to the appendix: traceability belongs in the plan's items, and the appendix
 * only repeats the doc's open questions. The finding stands where the ID belongs: a criterion
 * at the testing section, an ID whose prefix names a repository at that repository's section,
 * anything else at the title.
 */
export function checkRequirements(check: FeatureCheck): RawFinding[] {
  const { facts, sections, scan } = check;
  const lines = scan.lines.filter((l) => !l.fenced);
  const criteria = new Set(facts.acceptance.flatMap((c) => (c.id ? [c.id] : [])));
  return facts.requirements.flatMap((requirement) => {
    if (mentionsId(lines, requirement.id)) return [];
    const at = criteria.has(requirement.id)
      ? testingSection(sections)
      : requirement.repo
        ? repoSection(sections, requirement.repo)
        : undefined;
    const where = at ? `"${at.section.title}"` : "the plan item it comes from";
    return [
      {
        line: at?.line ?? titleLine(scan),
        code: "REQUIREMENT_MISSING" as const,
        message: `the plan never mentions ${requirement.id}, ${docLine(requirement)}; name ${requirement.id} in ${where}`,
      },
    ];
  });
}
