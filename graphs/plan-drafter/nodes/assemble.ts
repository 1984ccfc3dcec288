import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { stillOpen } from "../../../src/drafters/review.js";
import { AppError } from "../../../src/errors.js";
import { renderPlan } from "../../../src/render/plan.js";
import { report, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";
import { factsOf } from "./ingest.js";

/**
 * No LLM: the plan's markdown, every section rendered by code in template order, then the
 * appendix of open questions and assumptions.
 */
export function assembleNode(ctx: GraphContext) {
  return (state: DraftStateType, config: LangGraphRunnableConfig): DraftUpdate => {
    report(config, { type: "step", step: "assemble", state: "started" });
    const markdown = planOf(ctx, state);
    report(config, { type: "step", step: "assemble", state: "completed" });
    return { markdown };
  };
}

export function planOf(ctx: GraphContext, state: DraftStateType): string {
  if (!state.feature) throw new AppError("INTERNAL", "assemble ran before ingest");
  return renderPlan(ctx.layout, {
    documentControl: {
      featureName: state.feature.name,
      featureLink: state.feature.link,
      date: state.date,
      repositories: state.grounding?.repositories,
    },
    drafts: state.drafts,
    notice: ctx.drafter.notice,
    appendix: {
      questions: state.brief ? stillOpen(state.brief, state.reviewed) : [],
      answered: state.reviewed?.answers,
      ignoredLines: factsOf(ctx, state).addressedToAi.map((c) => c.line),
      grounding: state.grounding,
    },
  });
}
