import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { DraftLayout } from "../../graphs/plan-drafter/topology.js";

type Limits = Pick<Config, "maxSections" | "maxModelCalls">;

/**
 * The model calls a run needs at the least: the brief unless it is written, and one per unit not
 * yet drafted. Retries, repair turns and the check's repairs come on top, within the same limit.
 */
export function plannedCalls(
  layout: DraftLayout,
  done: { brief?: unknown; drafts?: Record<string, unknown> } = {},
): number {
  const units = layout.units.filter((unit) => !done.drafts?.[unit.id]);
  return (done.brief ? 0 : 1) + units.length;
}

/**
 * Refuses, before anything is saved or sent, a new draft whose template asks for more sections
 * than allowed (each repository of a per-repository section is a call, so it counts) or whose
 * calls could not fit in one run.
 */
export function checkNewDraft(layout: DraftLayout, limits: Limits): void {
  const sections = layout.units.length;
  if (sections > limits.maxSections) {
    throw new AppError(
      "TEMPLATE_TOO_LARGE",
      `the template asks for ${sections} sections to draft, more than the ${limits.maxSections} allowed (PLANDRAFT_MAX_SECTIONS; each repository of a per-repository section counts)`,
      { hint: "use a template with fewer sections, or raise PLANDRAFT_MAX_SECTIONS" },
    );
  }
  checkPlannedCalls(plannedCalls(layout), limits, "this draft");
}

/** Refuses a run (`what`: this draft, resume or revision) that needs more calls than one run may send. */
export function checkPlannedCalls(planned: number, limits: Limits, what: string): void {
  if (planned <= limits.maxModelCalls) return;
  throw new AppError(
    "MODEL_CALL_LIMIT",
    `${what} needs ${planned} model calls before any retry, more than the ${limits.maxModelCalls} one run may send (PLANDRAFT_MAX_MODEL_CALLS)`,
    { hint: "raise PLANDRAFT_MAX_MODEL_CALLS" },
  );
}
