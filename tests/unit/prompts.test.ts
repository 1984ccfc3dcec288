import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fillPrompt } from "../../src/prompts/load-prompt.js";
import { PROMPTS_DIR } from "../../src/package-root.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../support/drafting.js";

const dir = mkdtempSync(join(tmpdir(), "plandraft-prompts-"));
writeFileSync(join(dir, "greet.md"), "Hello {{name}}, about {{ topic }}.");

describe("fillPrompt", () => {
  it("fills every placeholder", () => {
    expect(fillPrompt("greet", { name: "Ada", topic: "plans" }, dir)).toBe(
      "Hello Ada, about plans.",
    );
  });

  it("does not read placeholders inside the values (a feature doc cannot inject one)", () => {
    expect(fillPrompt("greet", { name: "{{topic}}", topic: "x" }, dir)).toBe(
      "Hello {{topic}}, about x.",
    );
  });

  it("fails on a missing file, an unfilled placeholder and an unused value", () => {
    expect(() => fillPrompt("nope", {}, dir)).toThrow(/prompt file .*nope\.md is missing/);
    expect(() => fillPrompt("greet", { name: "Ada" }, dir)).toThrow(
      /greet\.md needs a value for \{\{topic\}\}/,
    );
    expect(() => fillPrompt("greet", { name: "Ada", topic: "t", extra: "e" }, dir)).toThrow(
      /greet\.md has no placeholder for \{\{extra\}\}/,
    );
  });

  it("has a prompt file for every node of the default template", () => {
    const files = readdirSync(PROMPTS_DIR).map((f) => f.replace(/\.md$/, ""));
    const prompts = buildLayout(DEFAULT_TEMPLATE).nodes.map((n) => n.prompt);
    for (const name of [
      ...prompts,
      "system",
      "feature",
      "brief",
      "analyze",
      "brief-repair",
      "section",
      "repair",
      "output-invalid",
      "revise",
      "revise-dependent",
      "repository",
      "judge",
      "judge-plan",
    ]) {
      expect(files).toContain(name);
    }
  });
});
