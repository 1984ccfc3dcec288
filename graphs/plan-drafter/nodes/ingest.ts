import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { toFeatureDoc } from "../../../src/feature/feature-doc.js";
import { report, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";

/** No LLM: checks the feature doc, names the feature, and fixes the plan's date. */
export function ingestNode(ctx: GraphContext) {
  return (state: DraftStateType, config: LangGraphRunnableConfig): DraftUpdate => {
    report(config, { type: "step", step: "ingest", state: "started" });
    const bytes = Buffer.from(state.featureText ?? "", "utf8");
    const feature = toFeatureDoc(bytes, state.featureSource || "feature.md", ctx.maxFeatureBytes);
    const date = /^\d{4}-\d{2}-\d{2}$/.test(state.date ?? "") ? state.date : ctx.today();
    report(config, { type: "step", step: "ingest", state: "completed" });
    return { feature, date };
  };
}
