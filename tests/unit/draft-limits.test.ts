import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { checkNewDraft, plannedCalls } from "../../src/drafting/limits.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { parseTemplate } from "../../src/template/parse.js";

const bundled = buildLayout(
  parseTemplate(
    readFileSync(new URL("../../templates/implementation-plan.md", import.meta.url), "utf8"),
  ),
);

describe("the default limits", () => {
  it("never stop the bundled template with the default retries, even at its worst", () => {
    const config = loadConfig({});
    expect(plannedCalls(bundled)).toBe(11);
    expect(() => checkNewDraft(bundled, config)).not.toThrow();
    // Every unit re-drafted once by the check; every call with a repair turn; every request
    // tried retries + 1 times.
    const worst = (1 + 2 * bundled.units.length) * 2 * (config.modelRetries + 1);
    expect(worst).toBeLessThanOrEqual(config.maxModelCalls);
  });

  it("count what is not drafted yet when a run resumes", () => {
    const drafts = Object.fromEntries(bundled.units.slice(0, 4).map((u) => [u.id, {}]));
    expect(plannedCalls(bundled, { brief: {}, drafts })).toBe(6);
  });
});
