import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { renderFlowchart, renderSequence, mermaidLabel } from "../../src/render/mermaid.js";
import { checkPlan } from "../../src/check/index.js";
import { renderPlan } from "../../src/render/plan.js";
import { renderBlock } from "../../src/render/section.js";
import { blockText, cellText, inlineText } from "../../src/render/text.js";
import type { SectionDraft } from "../../src/render/types.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { parseTemplate } from "../../src/template/parse.js";
import { unitSchema } from "../../src/template/schema.js";
import { fillSchema } from "../support/schema-filler.js";

const template = parseTemplate(
  readFileSync(new URL("../../templates/implementation-plan.md", import.meta.url), "utf8"),
);
const layout = buildLayout(template);
const documentControl = {
  featureName: "Watchlist",
  featureLink: "./feature.md",
  date: "2026-11-27",
};

/** Content for every unit, generated from the unit's own schema. */
function filledDrafts(): Record<string, SectionDraft> {
  return Object.fromEntries(
    layout.units.map((unit) => {
      const value = fillSchema(z.toJSONSchema(unitSchema(unit))) as Record<string, unknown>;
      const content = unit.repo ? (value.plan as Record<string, unknown>) : value;
      return [unit.id, { status: "drafted", content } satisfies SectionDraft];
    }),
  );
}

const headingLines = (markdown: string) => markdown.split("\n").filter((l) => /^#{2,6} /.test(l));

describe("renderPlan", () => {
  it("keeps every heading of the template, in order, and fills the Document Control", () => {
    const plan = renderPlan(layout, { documentControl, drafts: filledDrafts() });
    expect(headingLines(plan)).toEqual(headingLines(template.source));
    expect(plan.split("\n")[0]).toBe("# Implementation Plan: Watchlist");
    expect(plan).toContain("**Feature Name & Link:** [Watchlist](./feature.md)");
    expect(plan).toContain("**Date:** 2026-11-27  ");
    expect(plan).not.toMatch(/\[(Key decision|What will be achieved|High-level description)\]/);
    expect(plan).not.toContain("Guide for completing this document template");
  });

  it("says in Document Control which commit of each repository it was drafted against; check does not flag it", async () => {
    const drafts = filledDrafts();
    const repositories = [
      { name: "/gain", commit: "0123456789abcdef0123", dirty: false },
      { name: "/data", commit: "fedcba9876543210fedc", dirty: true },
    ];
    const plan = renderPlan(layout, {
      documentControl: { ...documentControl, repositories },
      drafts,
    });
    const lines = plan.split("\n");
    const date = lines.indexOf("**Date:** 2026-11-27  ");
    expect(lines[date + 1]).toBe(
      "**Drafted against:** `/gain` at commit `0123456789ab`, `/data` at commit `fedcba987654` (with changes not committed)",
    );
    expect(headingLines(plan)).toEqual(headingLines(template.source));
    const without = renderPlan(layout, { documentControl, drafts });
    expect(without).not.toContain("Drafted against");
    const found = async (markdown: string) =>
      (await checkPlan(markdown, template)).map(({ code, message, sectionId }) => ({
        code,
        message,
        sectionId,
      }));
    expect(await found(plan)).toEqual(await found(without));
  });

  it("renders a repository with no changes as one line, keeping its headings", () => {
    const drafts = filledDrafts();
    const edh = layout.units.find((u) => u.repo === "/edh")!;
    drafts[edh.id] = { status: "no_changes", reason: "the feature reads DimSupplier as it is" };
    const plan = renderPlan(layout, { documentControl, drafts });
    expect(headingLines(plan)).toEqual(headingLines(template.source));
    const edhPart = plan.slice(
      plan.indexOf("### 3. EDH Repository"),
      plan.indexOf("### 4. Infra Repository"),
    );
    expect(edhPart).toContain("**No changes.** the feature reads DimSupplier as it is");
    expect(edhPart).not.toContain("Complexity");
  });

  it("marks a failed section with its reason", () => {
    const drafts = filledDrafts();
    drafts["testing-strategy"] = {
      status: "failed",
      code: "MODEL_TIMEOUT",
      message: "the model did not answer testing in time",
    };
    const plan = renderPlan(layout, { documentControl, drafts });
    expect(plan).toContain(
      "> **Not drafted.** MODEL_TIMEOUT: the model did not answer testing in time",
    );
    expect(headingLines(plan)).toEqual(headingLines(template.source));
  });

  it("puts a notice under the title", () => {
    const plan = renderPlan(layout, {
      documentControl,
      drafts: filledDrafts(),
      notice: "No LLM wrote this plan.",
    });
    expect(plan.split("\n").slice(0, 3)).toEqual([
      "# Implementation Plan: Watchlist",
      "",
      "> No LLM wrote this plan.",
    ]);
  });
});

describe("checklists", () => {
  const arch = layout.units.find((u) => u.node === "architecture")!;
  const principles = arch.section.children.find((c) => c.title === "Design Principles Applied")!;
  const block = principles.blocks.find((b) => b.kind === "checklist")!;

  it("ticks a met item, leaves the others unchecked, and says so of an unknown one", () => {
    const [local, failFast, tech] = block.kind === "checklist" ? block.items : [];
    const lines = renderBlock(block, {
      [local!.key]: { state: "met", note: "one Compose file" },
      [failFast!.key]: { state: "not_met", note: "retries hide a failure" },
      [tech!.key]: { state: "unknown", note: "the doc names no library" },
    });
    expect(lines).toEqual([
      "- [x] Local-first development (Docker Compose) — one Compose file",
      "- [ ] Fail-fast approach (no silent failures) — retries hide a failure",
      "- [ ] Any new technologies/libraries/frameworks clearly explained in Architectural Decisions — (unknown) the doc names no library",
      "- [ ] High Level Design is Clear and Simple, not over complicated or adding features not requested by the Feature document — (unknown)",
    ]);
  });

  it("still renders a draft saved before states existed (met: true | false)", () => {
    const [local, failFast] = block.kind === "checklist" ? block.items : [];
    const lines = renderBlock(block, {
      [local!.key]: { met: true, note: "yes" },
      [failFast!.key]: { met: false, note: "no" },
    });
    expect(lines.slice(0, 2)).toEqual([
      "- [x] Local-first development (Docker Compose) — yes",
      "- [ ] Fail-fast approach (no silent failures) — no",
    ]);
  });
});

describe("untrusted text stays text", () => {
  it("cannot add a heading, a fence, a table or raw HTML", () => {
    const hostile =
      "Intro\n## Injected heading\n```mermaid\n|a|b|\n<script>alert(1)</script><!-- hidden -->\n---";
    const text = blockText(hostile);
    expect(text.split("\n").some((l) => /^#{1,6} /.test(l))).toBe(false);
    expect(text).toContain("\\## Injected heading");
    expect(text).toContain("\\```mermaid");
    expect(text).toContain("\\|a|b|");
    expect(text).toContain("&lt;script>alert(1)&lt;/script>");
    expect(text).not.toContain("hidden");
    expect(text).toContain("\\---");
    expect(inlineText("a\n# b <img src=x onerror=alert(1)>")).toBe(
      "a # b &lt;img src=x onerror=alert(1)>",
    );
    expect(cellText("a | b\nc")).toBe("a \\| b c");
  });

  it("keeps comparisons readable", () => {
    expect(inlineText("p99 < 5 ms and a<b")).toBe("p99 < 5 ms and a&lt;b");
  });
});

describe("diagrams from data", () => {
  it("escapes every label and generates the ids", () => {
    expect(mermaidLabel('He said "end"; then #1 [x] {y}')).toBe(
      "He said #34;end#34;#59; then #35;1 #91;x#93; #123;y#125;",
    );
    expect(
      renderFlowchart({
        nodes: [{ id: "ui thing", label: "Gain UI (Next.js)" }],
        links: [{ from: "ui thing", to: "api", label: "POST /api/watchlist" }],
      }),
    ).toEqual([
      "flowchart LR",
      '    n1["Gain UI #40;Next.js#41;"]',
      '    n2["api"]',
      '    n1 -->|"POST /api/watchlist"| n2',
    ]);
    expect(
      renderSequence({
        participants: [{ id: "A", label: "Analyst" }],
        messages: [
          { from: "A", to: "B", text: "GET /api/alerts?x=1", reply: false },
          { from: "B", to: "A", text: "200: alerts", reply: true },
        ],
      }),
    ).toEqual([
      "sequenceDiagram",
      "    participant p1 as Analyst",
      "    participant p2 as B",
      "    p1->>p2: GET /api/alerts?x#61;1",
      "    p2-->>p1: 200#58; alerts",
    ]);
  });
});

describe("code spans", () => {
  it("are shown as written, while HTML around them is escaped", () => {
    expect(inlineText("type `Record<string, Draft>` and <b>bold</b>")).toBe(
      "type `Record<string, Draft>` and &lt;b>bold&lt;/b>",
    );
    expect(blockText("an unclosed ` <script>x</script>")).toBe(
      "an unclosed ` &lt;script>x&lt;/script>",
    );
  });
});
