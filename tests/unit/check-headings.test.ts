import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { parseTemplate } from "../../src/template/parse.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const template = parseTemplate(read("templates/implementation-plan.md"));
const clean = read("tests/fixtures/plans/clean-default.md");

/** An asymmetric matcher, typed as the string it stands for. */
const containing = (text: string) => expect.stringContaining(text) as string;

function edit(plan: string, from: string, to: string): string {
  if (!plan.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return plan.replace(from, to);
}

function lineOf(plan: string, text: string): number {
  const index = plan.split("\n").findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`plan has no line with ${JSON.stringify(text)}`);
  return index + 1;
}

/** Cuts the lines from `start` up to (not including) `end` and pastes them before `before`. */
function move(plan: string, start: string, end: string, before: string): string {
  const from = plan.indexOf(start);
  const to = plan.indexOf(end, from);
  const block = plan.slice(from, to);
  const rest = plan.slice(0, from) + plan.slice(to);
  const at = rest.indexOf(before);
  return rest.slice(0, at) + block + rest.slice(at);
}

const codes = async (plan: string, code: string) =>
  (await checkPlan(plan, template)).filter((f) => f.code === code);

describe("headings", { timeout: 30_000 }, () => {
  it("reports a missing heading at the next heading's line", async () => {
    const plan = edit(clean, "### Scope\n", "");
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "## Architecture Alignment"),
        code: "HEADING_MISSING",
        message: 'missing heading "### Scope" (the template has it after "## Executive Summary")',
        sectionId: "architecture-alignment",
      },
    ]);
  });

  it("reports a missing last heading at the last line", async () => {
    const plan = edit(clean, "### Business Success Metrics\n", "");
    const findings = await checkPlan(plan, template);
    expect(findings).toMatchObject([
      {
        line: plan.trimEnd().split("\n").length,
        code: "HEADING_MISSING",
        sectionId: "success-criteria/technical-success-metrics",
      },
    ]);
  });

  it("reports a heading that is not in the template", async () => {
    const plan = edit(
      clean,
      "## Implementation Phases",
      "### Rollback Plan\nRevert the flag.\n\n## Implementation Phases",
    );
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "### Rollback Plan"),
        code: "HEADING_EXTRA",
        message: 'heading "### Rollback Plan" is not in the template',
        sectionId: "testing-strategy",
      },
    ]);
  });

  it("reports a repeated template heading as extra", async () => {
    const plan = edit(
      clean,
      "## Testing Strategy",
      "## Executive Summary\nAgain.\n\n## Testing Strategy",
    );
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "Again.") - 1,
        code: "HEADING_EXTRA",
        message: 'heading "## Executive Summary" appears more often than in the template',
        sectionId: undefined,
      },
    ]);
  });

  it("treats a level change as a mismatch", async () => {
    const plan = edit(clean, "### Scope\n", "#### Scope\n");
    const findings = await checkPlan(plan, template);
    // The missing "### Scope" should have been where the "#### Scope" is.
    const line = lineOf(plan, "#### Scope");
    expect(findings.map((f) => [f.code, f.line, f.sectionId])).toEqual([
      ["HEADING_MISSING", line, "executive-summary"],
      ["HEADING_EXTRA", line, "executive-summary"],
    ]);
    expect(findings[1]?.message).toContain('the template has it as "### Scope"');
  });

  it("reports one moved heading once, not as a cascade", async () => {
    const plan = move(clean, "### Phase 2: Core Features", "### Phase 3", "### Phase 4");
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "### Phase 2: Core Features"),
        code: "HEADING_ORDER",
        message:
          'heading "### Phase 2: Core Features" is out of order; the template has it after "### Phase 1: Foundation"',
        sectionId: "implementation-phases/phase-2-core-features",
      },
    ]);
  });

  it("reports a moved section with its subsections once", async () => {
    const plan = move(
      clean,
      "## Testing Strategy",
      "## Implementation Phases",
      "## Success Criteria",
    );
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: lineOf(plan, "## Testing Strategy"),
        code: "HEADING_ORDER",
        sectionId: "testing-strategy",
      },
    ]);
  });

  it("tells repeated titles apart by their parent", async () => {
    const plan = edit(
      clean,
      "#### Scope of Work\n- **Complexity:** Medium",
      "- **Complexity:** Medium",
    );
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: lineOf(plan, "#### Frontend (Next.js)"),
        code: "HEADING_MISSING",
        message: containing('"#### Scope of Work" (the template has it after "### 2. Gain'),
      },
    ]);
  });

  it("finds no heading problems in the clean plan", async () => {
    const heading = ["HEADING_MISSING", "HEADING_EXTRA", "HEADING_ORDER"];
    const findings = await checkPlan(clean, template);
    expect(findings.filter((f) => heading.includes(f.code))).toEqual([]);
  });

  it("compares titles after trimming and collapsing spaces", async () => {
    const plan = edit(clean, "## Executive Summary", "##   Executive    Summary  ");
    expect(await checkPlan(plan, template)).toEqual([]);
  });

  it("ignores headings inside fenced code blocks", async () => {
    const fenced =
      "```markdown\n# Another Title\n## Not A Section\n### Scope\n```\n\n~~~\n## Also Not\n~~~\n";
    const plan = edit(clean, "### Scope\n", `${fenced}\n### Scope\n`);
    expect(await checkPlan(plan, template)).toEqual([]);
  });
});

describe("title", { timeout: 30_000 }, () => {
  const withTitle = (title: string) =>
    edit(clean, "# Implementation Plan: Export Saved Searches as CSV", title);

  it.each([
    "# Implementation Plan",
    "# Implementation Plan: Export Saved Searches as CSV",
    "# Implementation Plan — Export Saved Searches as CSV",
    "# Implementation Plan - Export Saved Searches as CSV",
    "#  Implementation   Plan:  CSV export ",
  ])("accepts %j", async (title) => {
    expect(await codes(withTitle(title), "TITLE_MISMATCH")).toEqual([]);
  });

  it.each([
    "# Implementation Plan for CSV export",
    "# Implementation Plan:",
    "# Implementation Plan —",
    "# Implementation plan: CSV export",
    "# CSV export",
  ])("rejects %j", async (title) => {
    expect(await checkPlan(withTitle(title), template)).toEqual([
      {
        line: 1,
        code: "TITLE_MISMATCH",
        message: containing(
          'expected "# Implementation Plan" or "# Implementation Plan: <feature name>"',
        ),
        sectionId: undefined,
      },
    ]);
  });

  it("requires an H1", async () => {
    const plan = withTitle("Implementation Plan: CSV export");
    expect(await codes(plan, "TITLE_MISMATCH")).toMatchObject([
      { line: 1, message: containing("no H1 title") },
    ]);
  });

  it("requires exactly one H1", async () => {
    const plan = edit(clean, "## Testing Strategy", "# Testing\n\n## Testing Strategy");
    expect(await codes(plan, "TITLE_MISMATCH")).toMatchObject([
      {
        line: lineOf(plan, "# Testing"),
        message: containing("exactly one title"),
        sectionId: undefined,
      },
    ]);
  });
});
