import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPlan, formatFinding } from "../../src/check/index.js";
import { parseTemplate } from "../../src/template/parse.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const template = parseTemplate(read("templates/implementation-plan.md"));
const clean = read("tests/fixtures/plans/clean-default.md");
const crlf = (text: string) => text.replace(/\n/g, "\r\n");

describe("checkPlan on the default template", { timeout: 30_000 }, () => {
  it("finds nothing in a complete, clean plan", async () => {
    expect(await checkPlan(clean, template)).toEqual([]);
  });

  it("reports the unfilled template itself, sorted by line", async () => {
    const findings = await checkPlan(template.source, template);
    const codes = new Set(findings.map((f) => f.code));
    expect([...codes].sort()).toEqual(["GUIDANCE_LEFT", "MERMAID_INVALID", "PLACEHOLDER_LEFT"]);
    expect(findings.map((f) => f.line)).toEqual(
      [...findings.map((f) => f.line)].sort((a, b) => a - b),
    );
    expect(findings[0]).toMatchObject({ line: 3, code: "GUIDANCE_LEFT", sectionId: undefined });
  });

  it("accepts CRLF line endings", async () => {
    expect(await checkPlan(crlf(clean), template)).toEqual([]);
  });

  it("reports the same lines for a CRLF plan", async () => {
    const broken = clean
      .replace("- **Complexity:** Medium", "- **Complexity:** Huge")
      .replace("### Scope\n", "### Scope Notes\n");
    const lf = await checkPlan(broken, template);
    expect(lf.map((f) => f.code)).toEqual(["HEADING_MISSING", "HEADING_EXTRA", "CHOICE_INVALID"]);
    expect(await checkPlan(crlf(broken), template)).toEqual(lf);
  });
});

describe("formatFinding", () => {
  const finding = {
    line: 42,
    code: "TABLE_MALFORMED" as const,
    message: "row has 2 cells, the header has 3",
    sectionId: "architecture-alignment/architectural-decisions",
  };

  it("prints file:line: CODE: message", () => {
    expect(formatFinding(finding)).toBe(
      "plan.md:42: TABLE_MALFORMED: row has 2 cells, the header has 3",
    );
    expect(formatFinding(finding, "docs/csv-plan.md")).toBe(
      "docs/csv-plan.md:42: TABLE_MALFORMED: row has 2 cells, the header has 3",
    );
  });
});

describe("checkPlan on a custom template", () => {
  const custom = parseTemplate(
    [
      "# Design Note",
      "",
      "*Write one short paragraph per section.*",
      "",
      "## Summary",
      "**Risk:** Low | High",
      "**Owner:** [Team name]",
      "",
      "## Details",
      "",
      "### Interfaces",
      "| Name | Kind | Owner |",
      "|------|------|-------|",
      "| [Interface] | [Kind] | [Owner] |",
      "",
      "### Rollout",
      "- **Stage:** Alpha | Beta | GA",
      "",
    ].join("\n"),
  );

  const good = [
    "# Design Note — Audit log",
    "",
    "## Summary",
    "**Risk:** low",
    "**Owner:** Platform team",
    "",
    "## Details",
    "",
    "### Interfaces",
    "| Name | Kind | Owner |",
    "|:-----|:----:|------:|",
    "| `audit.write` | function | Platform |",
    "",
    "### Rollout",
    "- **Stage:** Beta",
    "",
  ].join("\n");

  it("finds nothing in a plan that follows it", async () => {
    expect(await checkPlan(good, custom)).toEqual([]);
  });

  it("checks its own headings, table, slots, guidance and choices", async () => {
    const bad = [
      "# Audit log design", // 1
      "",
      "*Write one short paragraph per section.*", // 3
      "## Summary", // 4
      "**Risk:** Medium", // 5
      "**Owner:** [Team name]", // 6
      "",
      "### Interfaces", // 8: belongs under Details
      "| Name | Kind | Owner |",
      "|------|------|-------|",
      "| audit.write | function |", // 11
      "",
      "## Details", // 13
      "",
      "### Rollout", // 15
      "- **Stage:** Beta", // 16
      "- **Risk:** Extreme", // 17: not the field's section
    ].join("\n");
    const findings = await checkPlan(bad, custom);
    expect(findings.map((f) => [f.line, f.code, f.sectionId])).toEqual([
      [1, "TITLE_MISMATCH", undefined],
      [3, "GUIDANCE_LEFT", undefined],
      [5, "CHOICE_INVALID", "summary"],
      [6, "PLACEHOLDER_LEFT", "summary"],
      [8, "HEADING_ORDER", "details/interfaces"],
      [11, "TABLE_MALFORMED", "details/interfaces"],
    ]);
    expect(findings[2]?.message).toBe('Risk is "Medium"; expected exactly one of Low, High');
    expect(findings[4]?.message).toBe(
      'heading "### Interfaces" is out of order; the template has it after "## Details"',
    );
  });

  it("reports a renamed heading as missing and extra, and ignores other prefix styles", async () => {
    const plan = good
      .replace("### Rollout", "### Launch")
      .replace("**Risk:** low", "**Risk:** low\n- **Risk:** Extreme");
    const findings = await checkPlan(plan, custom);
    const line = plan.split("\n").indexOf("### Launch") + 1;
    expect(findings.map((f) => [f.line, f.code, f.sectionId])).toEqual([
      [line, "HEADING_MISSING", "details"],
      [line, "HEADING_EXTRA", "details"],
    ]);
  });
});
