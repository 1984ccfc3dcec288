import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("langgraph.json", () => {
  it("points at a module that exports the compiled plan-drafter graph", async () => {
    const config = JSON.parse(
      readFileSync(new URL("../../langgraph.json", import.meta.url), "utf8"),
    );
    const [file, exportName] = String(config.graphs["plan-drafter"]).split(":");
    const module = (await import(new URL(`../../${file}`, import.meta.url).href)) as Record<
      string,
      unknown
    >;
    const graph = module[exportName!] as { getGraph(): { nodes: Record<string, unknown> } };
    expect(Object.keys(graph.getGraph().nodes)).toEqual(
      expect.arrayContaining([
        "ingest",
        "analyze",
        "architecture",
        "repoChanges",
        "dataFlow",
        "testing",
        "phases",
        "summary",
        "successCriteria",
        "check",
        "repair",
        "assemble",
      ]),
    );
  });
});
