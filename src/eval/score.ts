import { checkPlan, featureFacts, type Finding } from "../check/index.js";
import { mentionsId } from "../check/feature/context.js";
import { scanPlan } from "../check/scan.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import { CLARIFICATION_MARKER, TODO_MARKER } from "../render/markers.js";
import type { Template } from "../template/types.js";

/** What part of something the doc numbers the plan covers. */
export interface Coverage {
  covered: number;
  total: number;
}

/** How one plan measures against its doc, by the same rules as `plandraft check --feature`. */
export interface PlanScore {
  /** `check --feature` findings (not --strict: the markers are counted on their own). */
  findings: Finding[];
  /** TODO markers in the plan's sections (the appendix repeats none of them). */
  todos: number;
  /** NEEDS CLARIFICATION markers in the plan's sections. */
  clarifications: number;
  /** The doc's requirement and criterion IDs the plan mentions (before the appendix). */
  requirements: Coverage;
  /** The doc's acceptance criteria the Testing Strategy covers, as `check --feature` judges it. */
  criteria: Coverage;
}

export async function scorePlan(
  plan: string,
  template: Template,
  feature: FeatureDoc,
): Promise<PlanScore> {
  const facts = featureFacts(feature, template);
  const findings = await checkPlan(plan, template, { facts });
  const count = (code: Finding["code"]) => findings.filter((f) => f.code === code).length;
  const lines = scanPlan(plan).lines.filter((l) => !l.fenced);
  const body = lines.map((l) => l.text).join("\n");
  // check reports a criterion whose ID the plan never names once, as REQUIREMENT_MISSING; it is
  // untested all the same.
  const unnamed = facts.acceptance.filter((c) => c.id && !mentionsId(lines, c.id)).length;
  return {
    findings,
    todos: [...body.matchAll(TODO_MARKER)].length,
    clarifications: [...body.matchAll(CLARIFICATION_MARKER)].length,
    requirements: {
      covered: facts.requirements.length - count("REQUIREMENT_MISSING"),
      total: facts.requirements.length,
    },
    criteria: {
      covered: facts.acceptance.length - count("CRITERION_UNTESTED") - unnamed,
      total: facts.acceptance.length,
    },
  };
}
