import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { AppError } from "../../../src/errors.js";
import type { FeatureFacts } from "../../../src/feature/facts.js";
import { readFeatureFacts } from "../../../src/feature/facts/read.js";
import { toFeatureDoc } from "../../../src/feature/feature-doc.js";
import { templateRepos } from "../topology.js";
import { report, type GraphContext } from "../context.js";
import type { DraftStateType, DraftUpdate } from "../state.js";

/**
 * No LLM: checks the feature doc, names the feature, reads what it states explicitly (its
 * facts, once per draft: they are kept in the checkpoint), and fixes the plan's date.
 */
export function ingestNode(ctx: GraphContext) {
  return (state: DraftStateType, config: LangGraphRunnableConfig): DraftUpdate => {
    report(config, { type: "step", step: "ingest", state: "started" });
    const bytes = Buffer.from(state.featureText ?? "", "utf8");
    const feature = toFeatureDoc(bytes, state.featureSource || "feature.md", ctx.maxFeatureBytes);
    const facts = readFeatureFacts(feature, templateRepos(ctx.layout));
    const date = /^\d{4}-\d{2}-\d{2}$/.test(state.date ?? "") ? state.date : ctx.today();
    report(config, { type: "step", step: "ingest", state: "completed" });
    return { feature, facts, date };
  };
}

/** The draft's facts; a draft ingested before facts were kept reads them again (same doc, same facts). */
export function factsOf(ctx: GraphContext, state: DraftStateType): FeatureFacts {
  if (state.facts) return state.facts;
  if (!state.feature) throw new AppError("INTERNAL", "the feature doc was read before ingest");
  return readFeatureFacts(state.feature, templateRepos(ctx.layout));
}
