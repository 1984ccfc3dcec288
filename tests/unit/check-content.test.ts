import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPlan, type FindingCode } from "../../src/check/index.js";
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

const only = async (plan: string, code: FindingCode) =>
  (await checkPlan(plan, template)).filter((f) => f.code === code);

const PRIMARY = "- **Primary Changes:** export endpoint and router";
const PRIMARY_LINE = `${PRIMARY}, Celery export task, \`export_job\` table, export button and history drawer.`;
const DECISION_ROW =
  "| Use Python's built-in `csv` module | No new dependency; handles quoting and escaping correctly | None; the module is in the standard library |";
const GAIN_SCOPE = "repository-changes-overview/gain-repository-gain/scope-of-work";

describe("PLACEHOLDER_LEFT", { timeout: 30_000 }, () => {
  it("reports a template slot left in verbatim", async () => {
    const plan = edit(
      clean,
      "**Objective:** the feature is live for all users.",
      "**Objective:** [What will be achieved]",
    );
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "[What will be achieved]"),
        code: "PLACEHOLDER_LEFT",
        message: 'placeholder left in: "[What will be achieved]"; replace it with real content',
        sectionId: "implementation-phases/phase-5-deployment",
      },
    ]);
  });

  it("reports template cells left in a table row", async () => {
    const plan = edit(
      clean,
      DECISION_ROW,
      "| [Key decision] | Keeps it simple | [System implications] |",
    );
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: lineOf(plan, "[Key decision]"),
        code: "PLACEHOLDER_LEFT",
        message: containing('"[Key decision]", "[System implications]"'),
        sectionId: "architecture-alignment/architectural-decisions",
      },
    ]);
  });

  it.each([
    ["a bold field", PRIMARY_LINE, "- **Primary Changes:** [TBD]"],
    ["a plain list field", "  - New: none.", "  - New: [something]"],
    [
      "a list item",
      "- Migration execution: the additive",
      "- [To be decided]\n- Migration execution: the additive",
    ],
  ])("reports %s whose value is only a bracketed phrase", async (_what, from, to) => {
    const plan = edit(clean, from, to);
    const findings = await only(plan, "PLACEHOLDER_LEFT");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.line).toBe(lineOf(plan, to.split("\n")[0] ?? to));
  });

  it("reports the literal choice list once, not also as an invalid choice", async () => {
    const plan = edit(clean, "- **Complexity:** Medium", "- **Complexity:** Low | Medium | High");
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "Low | Medium | High"),
        code: "PLACEHOLDER_LEFT",
        message: 'choice list "Low | Medium | High" left in; keep exactly one of Low, Medium, High',
        sectionId: GAIN_SCOPE,
      },
    ]);
  });

  it("accepts links, resolving references, task boxes and code", async () => {
    const text = [
      "See the [feature doc](./feature.md) and ![diagram](./d.png).",
      "The [saved-search spec][spec] and [the RFC][] and [Key decision] are linked below.",
      "- [ ] a box left unchecked",
      "- [x] a box checked",
      "Use `[Key decision]` and ``[What will be achieved]`` as literal text.",
      "```text",
      "[Key decision] | [TBD]",
      "- **Primary Changes:** [High-level description]",
      "```",
      "",
      "[spec]: https://example.com/spec",
      "[the rfc]: https://example.com/rfc",
      "[key decision]: https://example.com/decisions",
      "",
    ].join("\n");
    const plan = edit(clean, "### Scope\n", `${text}\n### Scope\n`);
    expect(await checkPlan(plan, template)).toEqual([]);
  });

  it("reports a bracketed value whose reference is not defined", async () => {
    const plan = edit(clean, PRIMARY_LINE, "- **Primary Changes:** [see notes]");
    expect(await only(plan, "PLACEHOLDER_LEFT")).toMatchObject([
      { line: lineOf(plan, "[see notes]") },
    ]);
    const defined = `${plan}\n[see notes]: ./notes.md\n`;
    expect(await only(defined, "PLACEHOLDER_LEFT")).toEqual([]);
  });

  it("finds none in the clean plan", async () => {
    expect(await only(clean, "PLACEHOLDER_LEFT")).toEqual([]);
  });
});

describe("GUIDANCE_LEFT", { timeout: 30_000 }, () => {
  const guidance =
    "Provide a technical overview of the implementation approach, key architectural decisions, and how this aligns with the existing local-first LangGraph + FastAPI architecture.";

  it.each([
    ["italic", `*${guidance}*`],
    ["plain", guidance],
  ])("reports an %s guidance line", async (_how, line) => {
    const plan = edit(clean, "## Executive Summary\n", `## Executive Summary\n${line}\n`);
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "Provide a technical overview"),
        code: "GUIDANCE_LEFT",
        message: containing('template guidance left in: "Provide a technical overview'),
        sectionId: "executive-summary",
      },
    ]);
  });

  it("reports a short guidance line only when it is the whole line", async () => {
    const plan = edit(
      clean,
      "Only local and deployed configuration",
      "*Changes to Infrastructure*\n\nChanges to Infrastructure are limited to the queue. Only local and deployed configuration",
    );
    expect(await only(plan, "GUIDANCE_LEFT")).toMatchObject([
      {
        line: lineOf(plan, "*Changes to Infrastructure*"),
        sectionId: "repository-changes-overview/infra-repository-infra",
      },
    ]);
  });

  it("finds none in the clean plan", async () => {
    expect(await only(clean, "GUIDANCE_LEFT")).toEqual([]);
  });
});

describe("CHOICE_INVALID", { timeout: 30_000 }, () => {
  it("reports a value that is not one of the options", async () => {
    const plan = edit(clean, "- **Complexity:** Medium", "- **Complexity:** Medium-high");
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "Medium-high"),
        code: "CHOICE_INVALID",
        message: 'Complexity is "Medium-high"; expected exactly one of Low, Medium, High',
        sectionId: GAIN_SCOPE,
      },
    ]);
  });

  it("reports an empty value", async () => {
    const plan = edit(clean, "- **Complexity:** Medium", "- **Complexity:**");
    expect(await only(plan, "CHOICE_INVALID")).toMatchObject([
      {
        line: plan.split("\n").indexOf("- **Complexity:**") + 1,
        message: containing("has no value"),
        sectionId: GAIN_SCOPE,
      },
    ]);
  });

  it.each(["medium", "  HIGH.  ", "Low."])("accepts %j", async (value) => {
    const plan = edit(clean, "- **Complexity:** Medium", `- **Complexity:** ${value}`);
    expect(await only(plan, "CHOICE_INVALID")).toEqual([]);
  });

  it("checks only lines in the field's own section", async () => {
    const plan = edit(clean, "### Scope\n", "- **Complexity:** Trivial\n\n### Scope\n");
    expect(await only(plan, "CHOICE_INVALID")).toEqual([]);
  });

  it("finds none in the clean plan", async () => {
    expect(await only(clean, "CHOICE_INVALID")).toEqual([]);
  });
});

describe("TABLE_MALFORMED", { timeout: 30_000 }, () => {
  it("reports a row with the wrong number of cells", async () => {
    const plan = edit(
      clean,
      DECISION_ROW,
      "| Use Python's built-in `csv` module | No new dependency |",
    );
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: lineOf(plan, "| Use Python's built-in"),
        code: "TABLE_MALFORMED",
        message: "row has 2 cells, the header has 3",
        sectionId: "architecture-alignment/architectural-decisions",
      },
    ]);
  });

  it("reports a missing separator row at the header", async () => {
    const plan = edit(clean, "|----------|-----------|--------|\n", "");
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: lineOf(plan, "| Decision | Rationale | Impact |"),
        code: "TABLE_MALFORMED",
        message: "table has no separator row under its header (expected |---|---|---|)",
      },
    ]);
  });

  it("reports a separator with the wrong number of cells", async () => {
    const plan = edit(clean, "|----------|-----------|--------|", "|---|:---:|");
    expect(await only(plan, "TABLE_MALFORMED")).toMatchObject([
      { line: lineOf(plan, "|---|:---:|"), message: "separator row has 2 cells, the header has 3" },
    ]);
  });

  it("counts an escaped pipe as cell text, not a border", async () => {
    const row = String.raw`| Accept \| in names | Users name searches "A \| B" | Cells are quoted |`;
    const plan = edit(clean, DECISION_ROW, row);
    expect(await only(plan, "TABLE_MALFORMED")).toEqual([]);
  });

  it("ignores tables inside code fences", async () => {
    const plan = edit(clean, "### Scope\n", "```\n| a | b |\n| c |\n```\n\n### Scope\n");
    expect(await only(plan, "TABLE_MALFORMED")).toEqual([]);
  });

  it("finds none in the clean plan", async () => {
    expect(await only(clean, "TABLE_MALFORMED")).toEqual([]);
  });
});
