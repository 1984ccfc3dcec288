import { readFileSync } from "node:fs";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { createTemplateCatalog } from "../../graphs/plan-drafter/template-catalog.js";
import { createRuleDrafter } from "../../src/drafters/rules/index.js";
import type { Drafter } from "../../src/drafters/types.js";

const DEFAULT_TEMPLATE = readFileSync(
  new URL("../../templates/implementation-plan.md", import.meta.url),
  "utf8",
);

/** A catalog whose drafters are one per model name, as createDeps gives them. */
function catalogOf() {
  const drafters = new Map<string, Drafter>();
  return createTemplateCatalog({
    config: { maxFeatureBytes: 200_000 },
    drafterFor: (model = "none") => {
      const drafter = drafters.get(model) ?? { ...createRuleDrafter(), model };
      drafters.set(model, drafter);
      return drafter;
    },
  });
}

describe("the template catalog", () => {
  it("gives drafts of the same template, model and checkpointer one graph", () => {
    const catalog = catalogOf();
    const template = catalog.templateOf(DEFAULT_TEMPLATE);
    expect(catalog.templateOf(DEFAULT_TEMPLATE)).toBe(template);
    expect(catalog.layoutOf(template)).toBe(catalog.layoutOf(template));

    const checkpointer = new MemorySaver();
    const first = catalog.graphFor(template, { checkpointer });
    expect(catalog.graphFor(template, { checkpointer }).graph).toBe(first.graph);
    expect(first.layout).toBe(catalog.layoutOf(template));
    expect(first.model).toBe("none");

    expect(catalog.graphFor(template, { checkpointer, model: "other" }).graph).not.toBe(
      first.graph,
    );
    expect(catalog.graphFor(template, { checkpointer: new MemorySaver() }).graph).not.toBe(
      first.graph,
    );
  });

  it("keeps the last 32 templates it parsed", () => {
    const catalog = catalogOf();
    const first = catalog.templateOf(DEFAULT_TEMPLATE);
    for (let n = 1; n < 32; n += 1) catalog.templateOf(`${DEFAULT_TEMPLATE}\n<!-- copy ${n} -->\n`);
    expect(catalog.templateOf(DEFAULT_TEMPLATE)).toBe(first);
    catalog.templateOf(`${DEFAULT_TEMPLATE}\n<!-- copy 32 -->\n`);
    expect(catalog.templateOf(DEFAULT_TEMPLATE)).not.toBe(first);
  });

  it("does not keep two catalogs' graphs in common", () => {
    const checkpointer = new MemorySaver();
    const [one, two] = [catalogOf(), catalogOf()];
    const graphOf = (catalog: typeof one) =>
      catalog.graphFor(catalog.templateOf(DEFAULT_TEMPLATE), { checkpointer }).graph;
    expect(graphOf(one)).not.toBe(graphOf(two));
  });
});
