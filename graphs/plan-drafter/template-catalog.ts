import type { BaseCheckpointSaver } from "@langchain/langgraph";
import { checkPlan, prepareCheck } from "../../src/check/index.js";
import type { Config } from "../../src/config.js";
import type { Drafter } from "../../src/drafters/types.js";
import { parseTemplate } from "../../src/template/parse.js";
import type { Template } from "../../src/template/types.js";
import { buildPlanGraph, type PlanGraph } from "./index.js";
import { buildLayout, type DraftLayout } from "./topology.js";

/** What the catalog builds graphs with: a drafter per model, and the limit on a feature doc. */
export interface CatalogDeps {
  config: Pick<Config, "maxFeatureBytes">;
  drafterFor(modelName?: string): Drafter;
}

/** The graph one draft runs on, the layout it was built from, and its model's name. */
export interface DraftGraph {
  graph: PlanGraph;
  layout: DraftLayout;
  model: string;
}

/** Templates are few in practice; the bound keeps a server fed many edited copies from growing. */
const TEMPLATES_KEPT = 32;

/**
 * Templates by their text, their layouts, and the graphs compiled for them, so drafts of the same
 * template and model share one graph. One catalog per composition root (`createDeps`), so
 * nothing it keeps outlives the drafters and checkpointers it was built with.
 */
export function createTemplateCatalog(deps: CatalogDeps) {
  const templates = new Map<string, Template>();
  const layouts = new WeakMap<Template, DraftLayout>();
  // Weak at every level: a draft run in memory brings a checkpointer of its own, dropped after.
  const graphs = new WeakMap<
    DraftLayout,
    WeakMap<Drafter, WeakMap<BaseCheckpointSaver, PlanGraph>>
  >();

  const build = (layout: DraftLayout, drafter: Drafter, checkpointer?: BaseCheckpointSaver) =>
    buildPlanGraph(
      {
        layout,
        drafter,
        checkPlan: (markdown, facts, checkouts) =>
          checkPlan(markdown, layout.template, { facts, checkouts }),
        prepareCheck,
        maxFeatureBytes: deps.config.maxFeatureBytes,
        today: () => new Date().toISOString().slice(0, 10),
      },
      checkpointer,
    );

  /** The work a template asks for, built once per template. */
  const layoutOf = (template: Template): DraftLayout => {
    const layout = layouts.get(template) ?? buildLayout(template);
    layouts.set(template, layout);
    return layout;
  };

  return {
    /** The template written in `source`, parsed once while it is among the last few used. */
    templateOf(source: string): Template {
      const known = templates.get(source);
      if (known) return known;
      const template = parseTemplate(source);
      if (templates.size >= TEMPLATES_KEPT) {
        templates.delete(templates.keys().next().value as string);
      }
      templates.set(source, template);
      return template;
    },

    layoutOf,

    /**
     * The graph for one draft's template and model, saving to `checkpointer`. Without one (the
     * LangGraph server brings its own) the graph is built each time: it is asked for once.
     */
    graphFor(
      template: Template,
      run: { model?: string | undefined; checkpointer?: BaseCheckpointSaver | undefined },
    ): DraftGraph {
      const drafter = deps.drafterFor(run.model);
      const layout = layoutOf(template);
      const { checkpointer } = run;
      if (!checkpointer) return { graph: build(layout, drafter), layout, model: drafter.model };
      const byDrafter = graphs.get(layout) ?? new WeakMap();
      graphs.set(layout, byDrafter);
      const bySaver = byDrafter.get(drafter) ?? new WeakMap();
      byDrafter.set(drafter, bySaver);
      const graph = bySaver.get(checkpointer) ?? build(layout, drafter, checkpointer);
      bySaver.set(checkpointer, graph);
      return { graph, layout, model: drafter.model };
    },
  };
}

export type TemplateCatalog = ReturnType<typeof createTemplateCatalog>;
