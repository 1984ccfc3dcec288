import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildLayout, criticalPathCalls } from "../../graphs/plan-drafter/topology.js";
import { parseTemplate } from "../../src/template/parse.js";
import type { Block, Section } from "../../src/template/types.js";

const DEFAULT = readFileSync(
  new URL("../../templates/implementation-plan.md", import.meta.url),
  "utf8",
);

const titles = (sections: Section[]): string[] =>
  sections.flatMap((s) => [s.title, ...titles(s.children)]);
const find = (sections: Section[], title: string): Section | undefined =>
  sections.map((s) => (s.title === title ? s : find(s.children, title))).find(Boolean);
const fillable = (section: Section): Block[] => section.blocks.filter((b) => b.kind !== "literal");

describe("the bundled template", () => {
  const template = parseTemplate(DEFAULT);

  it("ships the user's template verbatim", () => {
    const seed = new URL("../../../shared/seed/implementation-plan-template.md", import.meta.url);
    let original: string | undefined;
    try {
      original = readFileSync(seed, "utf8");
    } catch {
      original = undefined; // a fresh clone has no ../shared; the copy in templates/ is the source then
    }
    if (original !== undefined) expect(DEFAULT).toBe(original);
    expect(template.title).toBe("Implementation Plan");
  });

  it("has the template's sections in order", () => {
    expect(template.sections.map((s) => s.title)).toEqual([
      "Document Control",
      "Executive Summary",
      "Architecture Alignment",
      "Repository Changes Overview",
      "Data Flow Architecture",
      "Testing Strategy",
      "Implementation Phases",
      "Success Criteria",
    ]);
    expect(titles(template.sections)).toHaveLength(38);
  });

  it("reads guidance, fields, choices, checklists, tables and diagrams", () => {
    const summary = find(template.sections, "Executive Summary");
    expect(fillable(summary!)[0]).toMatchObject({
      kind: "guidance",
      instruction: expect.stringContaining("technical overview"),
    });
    const scope = find(template.sections, "Scope")!;
    expect(fillable(scope)).toMatchObject([
      {
        kind: "field",
        label: "In Scope",
        bold: true,
        slot: { kind: "text", instruction: "What will be implemented" },
      },
      { kind: "field", label: "Out of Scope" },
    ]);
    const work = find(template.sections, "Scope of Work")!;
    expect(fillable(work)[0]).toMatchObject({
      kind: "field",
      label: "Complexity",
      slot: { kind: "choice", options: ["Low", "Medium", "High"] },
    });
    const principles = find(template.sections, "Design Principles Applied")!;
    expect(fillable(principles)[0]).toMatchObject({
      kind: "checklist",
      items: expect.arrayContaining([
        expect.objectContaining({ label: "Fail-fast approach (no silent failures)" }),
      ]),
    });
    const decisions = find(template.sections, "Architectural Decisions")!;
    expect(fillable(decisions)[0]).toMatchObject({
      kind: "table",
      columns: [{ title: "Decision" }, { title: "Rationale" }, { title: "Impact" }],
    });
    expect(fillable(find(template.sections, "System Context")!)[1]).toMatchObject({
      kind: "diagram",
      diagram: "flowchart",
    });
    expect(fillable(find(template.sections, "High-Level Flow")!)[0]).toMatchObject({
      kind: "diagram",
      diagram: "sequence",
    });
  });

  it("keeps nested labels in context: Tables/Views > New", () => {
    const components = find(template.sections, "Components Affected")!;
    expect(
      fillable(components).map((b) =>
        b.kind === "field" ? [...b.context, b.label].join(" > ") : b.kind,
      ),
    ).toEqual([
      "Tables/Views > New",
      "Tables/Views > Modified",
      "ETL Pipelines > New",
      "ETL Pipelines > Modified",
    ]);
  });

  it("lays out named nodes, parallel where independent, one unit per repository", () => {
    const layout = buildLayout(template);
    expect(layout.documentControl?.title).toBe("Document Control");
    expect(layout.nodes.map((n) => [n.name, n.dependsOn])).toEqual([
      ["summary", ["architecture", "repoChanges", "dataFlow", "testing", "phases"]],
      ["architecture", []],
      ["repoChanges", []],
      ["dataFlow", []],
      ["testing", ["architecture", "repoChanges", "dataFlow"]],
      ["phases", ["architecture", "repoChanges", "dataFlow"]],
      ["successCriteria", ["summary"]],
    ]);
    expect(layout.units.filter((u) => u.repo).map((u) => u.repo)).toEqual([
      "/data",
      "/gain",
      "/edh",
      "/infra",
    ]);
    // analyze, then sections (arch | repos | flow), then testing | phases, summary, success criteria
    expect(criticalPathCalls(layout)).toBe(5);
  });
});

describe("a custom template", () => {
  const source = [
    "# Design Doc",
    "",
    "*Keep it short.*",
    "",
    "## Context",
    "*Why we are doing this.*",
    "",
    "## Risks",
    "| Risk | Mitigation |",
    "|---|---|",
    "| [risk] | [how we reduce it] |",
    "",
    "## Rollout",
    "**Size:** S | M | L",
    "- Owner: [team]",
    "",
    "```bash",
    "## not a heading",
    "```",
  ].join("\n");

  it("turns its headings into sections and its slots into instructions", () => {
    const template = parseTemplate(source);
    expect(template.sections.map((s) => s.title)).toEqual(["Context", "Risks", "Rollout"]);
    const [context, risks, rollout] = template.sections;
    expect(fillable(context!)).toMatchObject([
      { kind: "guidance", instruction: "Why we are doing this." },
    ]);
    expect(fillable(risks!)).toMatchObject([
      { kind: "table", columns: [{ instruction: "risk" }, { instruction: "how we reduce it" }] },
    ]);
    expect(fillable(rollout!)).toMatchObject([
      { kind: "field", label: "Size", slot: { kind: "choice", options: ["S", "M", "L"] } },
      { kind: "field", label: "Owner", bold: false, slot: { kind: "text", instruction: "team" } },
    ]);
  });

  it("drafts every section in parallel after the analysis", () => {
    const layout = buildLayout(parseTemplate(source));
    expect(layout.nodes.map((n) => [n.name, n.dependsOn, n.prompt])).toEqual([
      ["context", [], "section"],
      ["risks", [], "section"],
      ["rollout", [], "section"],
    ]);
    expect(criticalPathCalls(layout)).toBe(2);
  });

  it("rejects a template without a title or sections, naming the fix", () => {
    expect(() => parseTemplate("## Only a section\n")).toThrow(/no '# Title' heading/);
    expect(() => parseTemplate("# Title\n\nJust text.\n")).toThrow(/no '## Section' headings/);
  });
});
