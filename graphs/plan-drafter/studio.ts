import { readFileSync } from "node:fs";
import { loadConfig } from "../../src/config.js";
import { createDrafter } from "../../src/deps.js";
import { DEFAULT_TEMPLATE_PATH } from "../../src/package-root.js";
import { createTemplateCatalog } from "./template-catalog.js";

/**
 * The graph as LangGraph Studio and `npx @langchain/langgraph-cli dev` load it (langgraph.json):
 * the default template, and the model from the environment (PLANDRAFT_MODEL); the LangGraph
 * server brings its own checkpointer. Input:
 * `{ "featureText": "...", "featureSource": "feature.md" }`, with `"reviewFirst": true` to stop
 * at the review gate after analyze: Studio shows it as the graph's interrupt, and resuming with
 * `{ "approve": true, "answers": { "q1": "..." } }` drafts on.
 */
const config = loadConfig();
// Studio has no Deps to hold a catalog; it builds the one graph as the CLI and the server would.
const catalog = createTemplateCatalog({
  config,
  drafterFor: (modelName = config.model) => createDrafter(modelName, config),
});
const template = catalog.templateOf(readFileSync(DEFAULT_TEMPLATE_PATH, "utf8"));

export const graph = catalog.graphFor(template, {}).graph;
