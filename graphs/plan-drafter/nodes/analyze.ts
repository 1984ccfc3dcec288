import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { AppError } from "../../../src/errors.js";
import { callWatch, report, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";

/**
 * The brief every section reads. Without it no section can be drafted well, so a failure here
 * fails the draft (and a resume retries it) instead of drafting sections blind.
 */
export function analyzeNode(ctx: GraphContext) {
  return async (state: DraftStateType, config: LangGraphRunnableConfig): Promise<DraftUpdate> => {
    if (!state.feature) throw new AppError("INTERNAL", "analyze ran before ingest");
    report(config, { type: "step", step: "analyze", state: "started" });
    const { brief, usage } = await ctx.drafter.brief(
      { feature: state.feature, layout: ctx.layout, ...callWatch(config) },
      config,
    );
    report(config, { type: "step", step: "analyze", state: "completed" });
    return { brief, usage };
  };
}
