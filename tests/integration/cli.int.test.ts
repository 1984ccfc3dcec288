import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { APPENDIX_HEADING } from "../../src/render/appendix.js";
import { runCli } from "../support/cli.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm } from "../support/scripted-llm.js";

const FEATURE = fixturePath("watchlist-feature.md");
const dir = mkdtempSync(join(tmpdir(), "plandraft-cli-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("plandraft draft", () => {
  it("drafts the example with no model and no database, plan on stdout, progress on stderr", async () => {
    const run = await runCli(["draft", FEATURE]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe("# Implementation Plan: Supplier Risk Watchlist");
    expect(run.stdout).toMatch(/no LLM/i);
    expect(await checkPlan(run.stdout, DEFAULT_TEMPLATE)).toEqual([]);
    expect(run.stderr).toMatch(/plandraft: draft [0-9a-f-]{36}: 10 sections/);
    expect(run.stderr).toContain("plandraft: Architecture Alignment: drafting");
    expect(run.stderr).toContain("plandraft: Architecture Alignment: done");
    expect(run.stderr).toMatch(/drafted [0-9a-f-]{36} \(version 1\) with none, no model calls/);
  });

  it("reads stdin with -, and writes -o OUT instead of stdout", async () => {
    const out = join(dir, "from-stdin.md");
    const run = await runCli(["draft", "-", "-o", out], { stdin: readFileSync(FEATURE) });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toContain("# Implementation Plan: Supplier Risk Watchlist");
    expect(readFileSync(out, "utf8")).toContain("[Supplier Risk Watchlist](./feature.md)");
  });

  it("prints the result as JSON with --json", async () => {
    const run = await runCli(["draft", FEATURE, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ status: "completed", model: "none", usage: { calls: 0 } });
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.sections).toHaveLength(10);
    expect(result.markdown).toContain("## Success Criteria");
  });

  it("uses a custom template", async () => {
    const template = file(
      "design.md",
      "# Design Doc\n\n## Context\n*Why we do this.*\n\n## Rollout\n**Size:** S | M | L\n- Owner: [team]\n",
    );
    const run = await runCli(["draft", FEATURE, "--template", template]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").filter((l) => l.startsWith("#"))).toEqual([
      "# Design Doc: Supplier Risk Watchlist",
      "## Context",
      "## Rollout",
      APPENDIX_HEADING,
    ]);
    expect(run.stdout).toMatch(/\*\*Size:\*\* (S|M|L)\n/);
  });
});

describe("plandraft draft with a model server", () => {
  let llm: ScriptedLlm;
  beforeAll(async () => {
    llm = await startScriptedLlm({
      respond: (req) =>
        req.toolName === "phases" ? { kind: "error", status: 500, message: "boom" } : undefined,
    });
  });
  afterAll(() => llm.close());

  const env = () => ({
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_API_KEY: "test",
    PLANDRAFT_MODEL_RETRIES: "1",
  });

  it("exits 1 when a section fails, names it, and writes no plan", async () => {
    const out = join(dir, "failed.md");
    const run = await runCli(["draft", FEATURE, "-m", "openai:scripted", "-o", out], {
      env: env(),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/failed: 1 section could not be drafted/);
    expect(run.stderr).toMatch(
      /✗ Implementation Phases: MODEL_ERROR: the model server answered 500/,
    );
    expect(existsSync(out)).toBe(false);
    expect(llm.requests.filter((r) => r.toolName === "phases")).toHaveLength(2);
  });

  it("reports token usage with PLANDRAFT_MODEL", async () => {
    const run = await runCli(["draft", FEATURE, "--json"], {
      env: { ...env(), PLANDRAFT_MODEL: "openai:scripted" },
    });
    const result = JSON.parse(run.stdout);
    expect(result.model).toBe("openai:scripted");
    expect(result.usage.calls).toBeGreaterThanOrEqual(10);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/model calls, \d+ tokens \(\d+ in, \d+ out\)/);
  });
});

describe("plandraft draft with Ollama", () => {
  it("talks to OLLAMA_BASE_URL through its OpenAI-compatible /v1 API", async () => {
    const ollama = await startScriptedLlm();
    try {
      const root = ollama.baseURL.replace(/\/v1$/, "");
      const run = await runCli(["draft", FEATURE, "-m", "ollama:llama3.1"], {
        env: { OLLAMA_BASE_URL: root },
      });
      expect(run.code).toBe(0);
      expect(ollama.requests.length).toBeGreaterThanOrEqual(11);
      expect(ollama.requests.every((r) => r.body.model === "llama3.1")).toBe(true);
      expect(await checkPlan(run.stdout, DEFAULT_TEMPLATE)).toEqual([]);
    } finally {
      await ollama.close();
    }
  });
});

describe("bad input: one clear line, exit 2, nothing written, no model call", () => {
  const cases: [string, () => string[], RegExp, Record<string, string>?][] = [
    [
      "a missing file",
      () => ["draft", join(dir, "nope.md")],
      /FEATURE_MISSING: feature doc .*nope\.md does not exist/,
    ],
    ["an empty file", () => ["draft", file("empty.md", "")], /FEATURE_EMPTY: .*empty\.md is empty/],
    ["a whitespace-only file", () => ["draft", file("blank.md", " \n\t\n")], /FEATURE_EMPTY/],
    [
      "a binary file",
      () => [
        "draft",
        file(
          "image.png",
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
        ),
      ],
      /FEATURE_BINARY: .*image\.png is a binary file/,
    ],
    [
      "text that is not UTF-8",
      () => ["draft", file("latin1.md", Buffer.from("# Caf\xe9 cr\xe8me\n", "latin1"))],
      /FEATURE_NOT_UTF8: .*latin1\.md is not valid UTF-8/,
    ],
    [
      "a doc over the limit",
      () => ["draft", FEATURE],
      /FEATURE_TOO_LARGE: .* over the 100 bytes limit \(shorten the doc, or raise PLANDRAFT_MAX_FEATURE_BYTES\)/,
      { PLANDRAFT_MAX_FEATURE_BYTES: "100" },
    ],
    [
      "an unknown model",
      () => ["draft", FEATURE, "-m", "gpt4"],
      /MODEL_UNKNOWN: unknown model "gpt4"/,
    ],
    [
      "an OpenAI model without a key",
      () => ["draft", FEATURE, "-m", "openai:gpt-4o-mini"],
      /MODEL_CONFIG: openai:gpt-4o-mini needs OPENAI_API_KEY/,
    ],
    [
      "a bad environment value",
      () => ["draft", FEATURE],
      /CONFIG_INVALID: bad environment: PLANDRAFT_MODEL_TIMEOUT_MS/,
      { PLANDRAFT_MODEL_TIMEOUT_MS: "soon" },
    ],
    [
      "a missing template",
      () => ["draft", FEATURE, "-t", join(dir, "none.md")],
      /TEMPLATE_MISSING/,
    ],
    [
      "a template without sections",
      () => ["draft", FEATURE, "-t", file("flat.md", "# Plan\n\ntext\n")],
      /TEMPLATE_INVALID: .*no '## Section' headings/,
    ],
    [
      "an output folder that does not exist",
      () => ["draft", FEATURE, "-o", join(dir, "no", "such", "plan.md")],
      /OUTPUT_WRITE_FAILED/,
    ],
    ["an unknown option", () => ["draft", FEATURE, "--colour"], /unknown option '--colour'/],
    ["a missing argument", () => ["draft"], /missing required argument 'feature'/],
  ];
  for (const [name, args, message, env] of cases) {
    it(name, async () => {
      const run = await runCli(args(), { env });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});

describe("plandraft check", () => {
  it("exits 0 on a clean plan", async () => {
    const run = await runCli(["check", fixturePath("plans/clean-default.md")]);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/follows the template/);
    expect(run.code).toBe(0);
  });

  it("lists findings with their line numbers and exits 1", async () => {
    const clean = readFileSync(fixturePath("plans/clean-default.md"), "utf8");
    const broken = clean
      .replace("## Testing Strategy", "## Tests")
      .replace(/\*\*Complexity:\*\* \w+/, "**Complexity:** Huge");
    const path = file("broken.md", broken);
    const run = await runCli(["check", path]);
    expect(run.code).toBe(1);
    const lineOf = (text: string) => broken.split("\n").findIndex((l) => l.includes(text)) + 1;
    expect(run.stdout).toContain(`${path}:${lineOf("**Complexity:** Huge")}: CHOICE_INVALID`);
    expect(run.stdout).toContain(`${path}:${lineOf("## Tests")}: HEADING_EXTRA`);
    expect(run.stdout).toMatch(/HEADING_MISSING: .*Testing Strategy/);
  });

  it("exits 2 for a plan that does not exist", async () => {
    const run = await runCli(["check", join(dir, "missing-plan.md")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/PLAN_MISSING/);
  });
});
