import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { scorePlan } from "../../src/eval/score.js";
import { parseTemplate } from "../../src/template/parse.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const template = parseTemplate(read("templates/implementation-plan.md"));
const clean = read("tests/fixtures/plans/clean-default.md");
/** Three IDs (GAIN-1, REQ-2, AC-1) and two criteria (AC-1, and one without an ID). */
const feature = toFeatureDoc(
  Buffer.from(read("tests/fixtures/check-feature-doc.md")),
  "doc.md",
  1e6,
);

function edit(plan: string, from: string, to: string): string {
  if (!plan.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return plan.replace(from, to);
}

const PRIMARY = "- **Primary Changes:** export endpoint";
const E2E = "- **E2E Testing:** a Playwright journey";

describe("scorePlan", { timeout: 30_000 }, () => {
  it("counts the IDs the plan names and the criteria its Testing Strategy covers", async () => {
    const traced = edit(
      edit(clean, PRIMARY, "- **Primary Changes:** GAIN-1, REQ-2: export endpoint"),
      E2E,
      "- **E2E Testing:** AC-1; large exports finish in the background and the owner is notified over the event stream",
    );
    const score = await scorePlan(traced, template, feature);
    expect(score.requirements).toEqual({ covered: 3, total: 3 });
    expect(score.criteria).toEqual({ covered: 2, total: 2 });
    expect(score.findings.map((f) => f.code)).toEqual([]);
  });

  it("counts a criterion named nowhere as missing and untested, and one named elsewhere as untested", async () => {
    const nowhere = await scorePlan(clean, template, feature);
    expect(nowhere.requirements).toEqual({ covered: 0, total: 3 });
    // The clean plan's tests cover the criterion without an ID in their own words; AC-1 is untested.
    expect(nowhere.criteria).toEqual({ covered: 1, total: 2 });
    const elsewhere = await scorePlan(
      edit(clean, PRIMARY, "- **Primary Changes:** GAIN-1, REQ-2, AC-1: export endpoint"),
      template,
      feature,
    );
    expect(elsewhere.requirements).toEqual({ covered: 3, total: 3 });
    expect(elsewhere.criteria).toEqual({ covered: 1, total: 2 });
  });

  it("counts the markers in the sections, not the appendix's copies, and no finding for them", async () => {
    const marked = edit(
      clean,
      PRIMARY,
      "- **Primary Changes:** TODO [NEEDS CLARIFICATION: Which formats?] and TODO",
    );
    const plan = `${marked.trimEnd()}\n\n## Open Questions and Assumptions\n\n- Which formats? (TODO)\n`;
    const score = await scorePlan(plan, template, feature);
    expect(score.todos).toBe(2);
    expect(score.clarifications).toBe(1);
    expect(score.findings.filter((f) => /TODO_LEFT|CLARIFICATION_LEFT/.test(f.code))).toEqual([]);
  });
});
