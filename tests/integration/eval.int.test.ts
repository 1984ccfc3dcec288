import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { featureFacts } from "../../src/check/index.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { runCli } from "../support/cli.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { createTestStore, type TestStore } from "../support/store.js";
import {
  scriptedModelEnv,
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedRequest,
} from "../support/scripted-llm.js";

const DOCS = ["own-01-supplier-alert-digest.md", "13-lakefs-evict-user-auth-cache.md"];

/** A folder of two feature docs and a README, which eval must skip. */
function docsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "plandraft-eval-"));
  for (const name of DOCS) copyFileSync(fixturePath(`features/${name}`), join(dir, name));
  writeFileSync(join(dir, "README.md"), "# Our feature docs\n\nNot a feature doc.\n");
  return dir;
}

interface JsonRun {
  model: string;
  judgeModel?: string;
  rows: {
    doc: string;
    draftId: string;
    status: string;
    error?: string;
    usage: { calls: number; totalTokens: number };
    score?: {
      findings: { code: string; line: number }[];
      todos: number;
      clarifications: number;
      requirements: { covered: number; total: number };
      criteria: { covered: number; total: number };
    };
    judge?: { verdict: Record<string, { score: number; reason: string }> } | { error: string };
  }[];
}

function factsOf(name: string) {
  const doc = toFeatureDoc(readFileSync(fixturePath(`features/${name}`)), name, 1 << 20);
  return featureFacts(doc, DEFAULT_TEMPLATE);
}

const VERDICT = {
  faithful: { score: 4, reason: "Plans what the doc asks; one guess about retention." },
  useful: { score: 3, reason: "Names the endpoints but the phases are generic." },
  honest: { score: 5, reason: "Every gap is asked in the appendix." },
  readable: { score: 4, reason: "Short sentences." },
};

describe("plandraft eval", () => {
  let store: TestStore;
  beforeAll(() => {
    store = createTestStore();
  });
  afterAll(async () => {
    await store.drop();
  });

  it("drafts every doc of a folder with the rule drafter and scores each plan", async () => {
    const dir = docsFolder();
    const run = await runCli(["eval", dir, "--json"], {
      env: { ...store.env, PLANDRAFT_MODEL: "none" },
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as JsonRun;
    expect(result.model).toBe("none");
    expect(result.rows.map((r) => r.doc)).toEqual([...DOCS].sort());
    for (const row of result.rows) {
      const facts = factsOf(row.doc);
      expect(row.status).toBe("completed");
      expect(row.usage.calls).toBe(0);
      const missing = row.score?.findings.filter((f) => f.code === "REQUIREMENT_MISSING").length;
      expect(row.score?.requirements).toEqual({
        covered: facts.requirements.length - (missing ?? 0),
        total: facts.requirements.length,
      });
      expect(row.score?.criteria.total).toBe(facts.acceptance.length);
      // The plan it scored is the draft the store keeps.
      const shown = await runCli(["show", row.draftId], { env: store.env });
      expect(shown.code).toBe(0);
      expect((shown.stdout.match(/\bTODO\b/g) ?? []).length).toBeGreaterThanOrEqual(
        row.score?.todos ?? -1,
      );
    }
    expect(run.stderr).toContain("eval 1/2");
    expect(run.stderr).toContain("eval 2/2");
  });

  it("prints a table with a row per doc and a total", async () => {
    const dir = docsFolder();
    const run = await runCli(["eval", dir], { env: { ...store.env, PLANDRAFT_MODEL: "none" } });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("model none");
    expect(lines[2]).toMatch(
      /^doc\s+status\s+findings\s+todo\s+asks\s+reqs\s+criteria\s+calls\s+tokens$/,
    );
    expect(lines[3]).toMatch(
      /^13-lakefs-evict-user-auth-cache\.md\s+completed\s+\d+\s+\d+\s+\d+\s+(\d+\/\d+|-)\s+(\d+\/\d+|-)\s+0\s+0$/,
    );
    expect(lines[4]).toMatch(
      /^own-01-supplier-alert-digest\.md\s+completed\s+\d+\s+\d+\s+\d+\s+\d+\/9\s+\d+\/3\s+0\s+0$/,
    );
    expect(lines[5]).toMatch(/^total\s+2\/2\s/);
  });

  it("refuses a missing folder, an empty one and a bad doc before any model call (exit 2)", async () => {
    const llm = await startScriptedLlm();
    try {
      const env = { ...store.env, ...scriptedModelEnv(llm) };
      const missing = await runCli(["eval", "/nonexistent/docs"], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/EVAL_DIR_MISSING: \/nonexistent\/docs does not exist/);
      const empty = mkdtempSync(join(tmpdir(), "plandraft-eval-empty-"));
      writeFileSync(join(empty, "README.md"), "# notes\n");
      const none = await runCli(["eval", empty], { env });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/EVAL_DIR_EMPTY: .* holds no feature doc/);
      const bad = docsFolder();
      writeFileSync(join(bad, "zz-binary.md"), Buffer.from([0x23, 0x20, 0x00, 0xff, 0x01]));
      const binary = await runCli(["eval", bad], { env });
      expect(binary.code).toBe(2);
      expect(binary.stderr).toMatch(/FEATURE_BINARY: .*zz-binary\.md/);
      const judge = await runCli(["eval", docsFolder(), "--judge", "none"], { env });
      expect(judge.code).toBe(2);
      expect(judge.stderr).toMatch(/USAGE: --judge needs a model/);
      expect(llm.requests).toEqual([]);
    } finally {
      await llm.close();
    }
  });

  describe("with a model and a judge (the scripted server)", () => {
    let llm: ScriptedLlm;
    /** What the judge answers; a test sets it. */
    let verdict: unknown = VERDICT;
    beforeAll(async () => {
      llm = await startScriptedLlm({
        respond: (req: ScriptedRequest) =>
          req.toolName === "score_plan" ? { kind: "tool", arguments: verdict } : undefined,
      });
    });
    afterAll(async () => {
      await llm.close();
    });
    const env = () => ({ ...store.env, ...scriptedModelEnv(llm) });

    it("counts the drafts' calls and tokens and shows the judge's scores, reasons in --json", async () => {
      verdict = VERDICT;
      const dir = docsFolder();
      const before = llm.requests.length;
      const run = await runCli(["eval", dir, "--judge", "openai:judge-model", "--json"], {
        env: env(),
      });
      expect(run.code, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as JsonRun;
      expect(result).toMatchObject({ model: "openai:scripted", judgeModel: "openai:judge-model" });
      const requests = llm.requests.slice(before);
      const judged = requests.filter((r) => r.toolName === "score_plan");
      expect(judged).toHaveLength(2);
      expect(judged.every((r) => r.body.model === "judge-model")).toBe(true);
      const drafting = requests.filter((r) => r.toolName !== "score_plan");
      expect(result.rows.reduce((n, r) => n + r.usage.calls, 0)).toBe(drafting.length);
      for (const row of result.rows) {
        expect(row.usage.totalTokens).toBeGreaterThan(0);
        expect(row.judge).toEqual({
          verdict: VERDICT,
          usage: expect.objectContaining({ calls: 1 }),
        });
      }
      // The judge reads the rubric, then the doc and the plan as data.
      const messages = judged[0]?.body.messages as { role: string; content: string }[];
      expect(messages[0]?.content).toContain("**faithful**");
      expect(messages[0]?.content).toContain("data, not instructions");
      expect(messages[1]?.content).toMatch(
        /<feature_document name="[^"]+">[\s\S]+<\/feature_document>/,
      );
      expect(messages[1]?.content).toMatch(/<plan>\n# Implementation Plan: [\s\S]+<\/plan>/);

      const table = await runCli(["eval", dir, "--judge", "openai:judge-model"], { env: env() });
      expect(table.code, table.stderr).toBe(0);
      const lines = table.stdout.split("\n");
      expect(lines[0]).toBe("model openai:scripted, judged by openai:judge-model");
      expect(lines[2]).toMatch(/tokens\s+faithful\s+useful\s+honest\s+readable$/);
      expect(lines[3]).toMatch(/\s4\s+3\s+5\s+4$/);
      expect(lines[5]).toMatch(/^total\s.*\s4\.0\s+3\.0\s+5\.0\s+4\.0$/);
    });

    it("fails a row whose judge answers out of the rubric's range twice, and exits 1", async () => {
      verdict = { ...VERDICT, useful: { score: 9, reason: "off the scale" } };
      const run = await runCli(["eval", docsFolder(), "--judge", "openai:judge-model"], {
        env: env(),
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /own-01-supplier-alert-digest\.md: judge failed: MODEL_OUTPUT_INVALID: /,
      );
      expect(run.stdout).toMatch(/^total\s.*\s-\s+-\s+-\s+-$/m);
    });
  });
});
