import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { briefContradictions } from "../../../src/drafters/brief-facts.js";
import type { Brief } from "../../../src/drafters/brief.js";
import { addUsage, type BriefRequest } from "../../../src/drafters/types.js";
import { AppError } from "../../../src/errors.js";
import type { FeatureFacts } from "../../../src/feature/facts.js";
import { callWatch, knownOf, report, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";
import { factsOf } from "./ingest.js";

/**
 * The brief every section reads. Without it no section can be drafted well, so a failure here
 * fails the draft (and a resume retries it) instead of drafting sections blind. The brief may
 * not contradict what the doc states explicitly (its facts): a brief that does is sent back
 * once with each contradiction and the doc line it contradicts, and one that still does fails
 * the draft with BRIEF_CONTRADICTS_DOC.
 */
export function analyzeNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    if (!state.feature) throw new AppError("INTERNAL", "analyze ran before ingest");
    report(config, { type: "step", step: "analyze", state: "started" });
    const facts = factsOf(ctx, state);
    const request: BriefRequest = {
      feature: state.feature,
      layout: ctx.layout,
      facts,
      repair: undefined,
      ...knownOf(config),
      ...callWatch(config),
    };
    const briefing = ctx.drafter.brief(request, config);
    ctx.drafter.prepare?.(ctx.layout);
    const first = await briefing;
    const found = contradictionsOf(first.brief, facts);
    if (found.length === 0) return done(config, first);
    const repair = { previous: first.brief, contradictions: found };
    const second = await ctx.drafter.brief({ ...request, repair }, config);
    const left = contradictionsOf(second.brief, facts);
    if (left.length > 0) {
      throw new AppError(
        "BRIEF_CONTRADICTS_DOC",
        `the brief still contradicts the feature doc after a repair: ${left.join("; ")}`,
        { hint: "say it more plainly in the doc, or try another model" },
      );
    }
    return done(config, { brief: second.brief, usage: addUsage(first.usage, second.usage) });
  };
}

function contradictionsOf(brief: Brief, facts: FeatureFacts): string[] {
  return briefContradictions(brief, facts).map((c) => c.message);
}

function done(config: LangGraphRunnableConfig, update: Pick<DraftUpdate, "brief" | "usage">) {
  report(config, { type: "step", step: "analyze", state: "completed" });
  return update;
}
