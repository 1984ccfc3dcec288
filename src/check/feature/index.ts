import type { RawFinding } from "../types.js";
import { checkAddressedToAi } from "./addressed-to-ai.js";
import type { FeatureCheck } from "./context.js";
import { checkCriteria } from "./criteria.js";
import { checkNonGoals } from "./non-goals.js";
import { checkRepos } from "./repos.js";
import { checkRequirements } from "./requirements.js";

export type { FeatureCheck } from "./context.js";

/** The `--feature` rules: what the plan says against what the doc states (its facts). */
export function checkFeature(check: FeatureCheck): RawFinding[] {
  return [
    ...checkNonGoals(check),
    ...checkRepos(check),
    ...checkRequirements(check),
    ...checkCriteria(check),
    ...checkAddressedToAi(check),
  ];
}
