import { readFileSync } from "node:fs";
import { checkPlan, prepareCheck } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import { createDrafter } from "../../src/deps.js";
import { DEFAULT_TEMPLATE_PATH } from "../../src/package-root.js";
import { buildLayout } from "./topology.js";
import { parseTemplate } from "../../src/template/parse.js";
import { buildPlanGraph } from "./index.js";

/**
 * The graph as LangGraph Studio and `npx @langchain/langgraph-cli dev` load it (langgraph.json):
 * the default template, and the model from the environment (PLANDRAFT_MODEL); the LangGraph
 * server brings its own checkpointer. Input:
 * `{ "featureText": "...", "featureSource": "feature.md" }`.
 */
const config = loadConfig();
const template = parseTemplate(readFileSync(DEFAULT_TEMPLATE_PATH, "utf8"));

export const graph = buildPlanGraph({
  layout: buildLayout(template),
  drafter: createDrafter(config.model, config),
  checkPlan: (markdown, facts, checkouts) => checkPlan(markdown, template, { facts, checkouts }),
  prepareCheck,
  maxFeatureBytes: config.maxFeatureBytes,
  today: () => new Date().toISOString().slice(0, 10),
});
