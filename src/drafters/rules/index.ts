import type { SectionDraft } from "../../render/types.js";
import { NO_USAGE, type Drafter, type SectionRequest } from "../types.js";
import { ruleBrief } from "./brief.js";
import { draftContext } from "./context.js";
import { docFacts } from "./facts.js";
import { fillSection } from "./fill.js";

export const RULE_DRAFTER_NOTICE =
  "No LLM wrote this plan: plandraft's rule-based drafter filled it from what the feature doc states, and every TODO marks a gap for a person or an LLM to fill.";

/**
 * The drafter used when no model is configured. It reads the feature doc with rules only
 * (headings, lists, endpoints, tables, repository keywords), so the same doc always gives the
 * same plan, and it marks every gap TODO instead of guessing.
 */
export function createRuleDrafter(): Drafter {
  return {
    model: "none",
    notice: RULE_DRAFTER_NOTICE,
    brief({ feature, layout }) {
      return Promise.resolve({
        brief: ruleBrief(docFacts(feature), layout),
        usage: { ...NO_USAGE },
      });
    },
    section(request) {
      return Promise.resolve({ draft: draftSection(request), usage: { ...NO_USAGE } });
    },
  };
}

/** One unit: a repository the brief calls untouched says why; anything else is filled. */
export function draftSection(request: SectionRequest): SectionDraft {
  const { unit, brief, layout, feature } = request;
  const stated = unit.repo ? brief.repos.find((r) => r.repo === unit.repo) : undefined;
  if (stated && !stated.touched)
    return { status: "no_changes", reason: noChangeReason(unit.repo ?? "", stated.why) };
  const ctx = draftContext(docFacts(feature), brief, layout, unit);
  return { status: "drafted", content: fillSection(ctx, unit.section, [unit.section.title]) };
}

function noChangeReason(repo: string, why: string): string {
  return `${why.trim().replace(/\.?$/, ".")} No change is planned in ${repo}.`;
}
