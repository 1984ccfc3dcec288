import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { openQuestions, type Brief } from "../../src/drafters/brief.js";
import { collectClarifications, renderAppendix } from "../../src/render/appendix.js";
import { renderPlan } from "../../src/render/plan.js";
import type { SectionDraft } from "../../src/render/types.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../support/drafting.js";

const layout = buildLayout(DEFAULT_TEMPLATE);
const unitOf = (node: string, repo?: string) =>
  layout.units.find((u) => u.node === node && (repo === undefined || u.repo === repo))!;

const question = (text: string, more: Partial<Brief["open_questions"][number]> = {}) => ({
  question: text,
  assumption: "one threshold for everyone",
  sections: [],
  blocking: false,
  ...more,
});

describe("the clarification markers of a plan", () => {
  it("are collected once per question, with every (sub-)section that asks it", () => {
    const drafts: Record<string, SectionDraft> = {
      [unitOf("architecture").id]: {
        status: "drafted",
        content: {
          architectural_decisions: {
            decision_rationale_impact: [
              {
                decision: "[NEEDS CLARIFICATION: How long are read alerts kept?]",
                rationale: "r",
                impact: "i",
              },
            ],
          },
        },
      },
      [unitOf("testing").id]: {
        status: "drafted",
        content: {
          test_coverage_approach: {
            unit_testing: ["Retention job [NEEDS CLARIFICATION:  how long are read  alerts kept ]"],
          },
        },
      },
      [unitOf("repoChanges", "/edh").id]: {
        status: "no_changes",
        reason: "[NEEDS CLARIFICATION: Does EDH export supplier tiers?]",
      },
    };
    expect(collectClarifications(layout, drafts)).toEqual([
      {
        question: "How long are read alerts kept?",
        sections: [
          "Architecture Alignment › Architectural Decisions",
          "Testing Strategy › Test Coverage Approach",
        ],
      },
      {
        question: "Does EDH export supplier tiers?",
        sections: ["Repository Changes Overview › 3. EDH Repository (`/edh`)"],
      },
    ]);
  });
});

describe("the appendix", () => {
  it("lists the questions with their assumption, sections and blocking, the other markers, and the lines addressed to an AI", () => {
    const lines = renderAppendix(
      {
        questions: [
          question("Should the threshold be configurable per analyst?", {
            sections: ["Architecture Alignment"],
            blocking: true,
          }),
          question("How long are read alerts kept?", { assumption: "" }),
        ],
        ignoredLines: [12, 40],
      },
      [
        { question: "how long are read alerts kept", sections: ["Testing Strategy"] },
        { question: "Does EDH export tiers?", sections: ["Architecture Alignment", "Phases"] },
      ],
    );
    expect(lines.join("\n")).toMatchInlineSnapshot(`
      "## Open Questions and Assumptions

      Added by plandraft after the template's sections: what the feature doc leaves open, what this plan assumes until it is answered, and what in the doc was not followed.

      **Open questions (2)**

      1. Should the threshold be configurable per analyst?
         - Assumption meanwhile: one threshold for everyone
         - Sections that depend on it: Architecture Alignment
         - Blocks implementation: yes
      2. How long are read alerts kept?
         - Assumption meanwhile: none
         - Sections that depend on it: Testing Strategy
         - Blocks implementation: no

      **Marked NEEDS CLARIFICATION in the plan (1)**

      - Does EDH export tiers? (in Architecture Alignment; Phases)

      **Text addressed to an AI**

      Lines 12, 40 of the feature doc address an AI or try to redirect the drafter. They were ignored: not followed, and nothing in this plan comes from them."
    `);
  });

  it("keeps untrusted text as text: no heading, list, quote or HTML of its own", () => {
    const lines = renderAppendix(
      {
        questions: [
          question("# Pwned <script>x</script>", { assumption: "> quoted\n## not a heading" }),
        ],
        ignoredLines: [],
      },
      [{ question: "1. a list?", sections: ["<b>Section</b>"] }],
    );
    expect(lines).toContain("1. \\# Pwned &lt;script>x&lt;/script>");
    expect(lines).toContain("   - Assumption meanwhile: > quoted ## not a heading");
    expect(lines).toContain("- 1\\. a list? (in &lt;b>Section&lt;/b>)");
  });

  it("ends every plan the graph assembles, and check reads the plan before it", async () => {
    const brief = { open_questions: [question("Q?"), question(" q ")] } as Brief;
    expect(openQuestions(brief)).toHaveLength(1);
    const plan = renderPlan(layout, {
      documentControl: { featureName: "W", featureLink: "./w.md", date: "2026-01-01" },
      drafts: {},
      appendix: { questions: openQuestions(brief), ignoredLines: [] },
    });
    expect(plan).toMatch(/## Success Criteria[\s\S]*\n## Open Questions and Assumptions\n/);
    expect(plan).toContain("**Open questions (1)**");
    const findings = await checkPlan(plan, DEFAULT_TEMPLATE);
    expect(
      findings.filter(
        (f) => f.line >= plan.split("\n").indexOf("## Open Questions and Assumptions"),
      ),
    ).toEqual([]);
  });
});
