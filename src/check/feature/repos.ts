import type { Block, Section } from "../../template/types.js";
import { noChangesLine, type PlanSection } from "../plan-sections.js";
import type { RawFinding } from "../types.js";
import { docLine, planItem, repoSection, type FeatureCheck, type PlanItem } from "./context.js";

/**
 * REPO_TOUCHED_NO_CHANGES and REPO_UNTOUCHED_CHANGED: only the repositories the doc states as
 * touched or not (its facts). A section counts as work when an item of it holds a value that is
 * not "none", "not applicable", "no change" or a TODO, choice fields aside.
 */
export function checkRepos(check: FeatureCheck): RawFinding[] {
  return check.facts.repos.flatMap((stated): RawFinding[] => {
    const section = repoSection(check.sections, stated.repo);
    if (!section) return [];
    const noChanges = noChangesLine(section);
    if (stated.touched && noChanges !== undefined) {
      return [
        {
          line: noChanges,
          code: "REPO_TOUCHED_NO_CHANGES" as const,
          message: `the plan says ${stated.repo} needs no change, but ${docLine(stated.evidence)} states it is touched; plan its work here`,
        },
      ];
    }
    if (stated.touched || section.undrafted) return [];
    const work = workIn(section);
    if (!work) return [];
    return [
      {
        line: work.line.line,
        code: "REPO_UNTOUCHED_CHANGED" as const,
        message: `the plan has work for ${stated.repo} ("${work.value}"), but ${docLine(stated.evidence)} states it is not touched; mark ${stated.repo} "No changes" and move the work where the doc puts it`,
      },
    ];
  });
}

const NONE =
  /^(?:none|n\/a|nothing|unchanged|no|not|todo)\b|^[-—–]$|\b(?:no changes?|not (?:touched|affected|applicable|needed|required|involved)|untouched|unaffected)\b/i;

function workIn(section: PlanSection): PlanItem | undefined {
  const choices = choiceLabels(section.section);
  return section.body
    .filter((l) => !l.fenced)
    .map(planItem)
    .find(
      (item) =>
        (item.indent !== undefined || item.label !== undefined) &&
        !/^#/.test(item.line.text.trim()) &&
        !choices.has(item.label?.toLowerCase() ?? "") &&
        item.value !== "" &&
        !NONE.test(item.value.replace(/^[*_`]+/, "")),
    );
}

function choiceLabels(section: Section): Set<string> {
  const labels = new Set<string>();
  const visit = (s: Section) => {
    s.blocks.forEach((b: Block) => {
      if (b.kind === "field" && b.slot.kind === "choice") labels.add(b.label.toLowerCase());
    });
    s.children.forEach(visit);
  };
  visit(section);
  return labels;
}
