import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_TEMPLATE, draftWith, fixturePath, scriptedConfig } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm } from "../support/scripted-llm.js";

/** The 16 real feature docs (tests/fixtures/features/SOURCES.md), of very different shapes. */
const DOCS = readdirSync(fixturePath("features")).filter((name) => /^\d\d-.*\.md$/.test(name));

describe("every corpus doc drafts into a plan that passes check", () => {
  it("has all 16 docs", () => expect(DOCS).toHaveLength(16));

  describe("with the no-LLM drafter", () => {
    for (const doc of DOCS) {
      it(doc, async () => {
        const { result } = await draftWith(loadConfig({}), {
          path: fixturePath(`features/${doc}`),
        });
        expect(result.status).toBe("completed");
        expect(result.findings).toEqual([]);
        expect(await checkPlan(result.markdown, DEFAULT_TEMPLATE)).toEqual([]);
      });
    }
  });

  describe("through the scripted OpenAI-compatible server", () => {
    let llm: ScriptedLlm;
    beforeAll(async () => {
      llm = await startScriptedLlm();
    });
    afterAll(() => llm.close());

    for (const doc of DOCS) {
      it(doc, async () => {
        const { result } = await draftWith(scriptedConfig(llm.baseURL), {
          path: fixturePath(`features/${doc}`),
        });
        expect(result.status).toBe("completed");
        expect(result.sections.every((s) => s.status === "drafted")).toBe(true);
        expect(await checkPlan(result.markdown, DEFAULT_TEMPLATE)).toEqual([]);
      });
    }
  });
});
