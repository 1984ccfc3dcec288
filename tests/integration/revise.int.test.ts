import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { runCli } from "../support/cli.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");

describe("plandraft revise", () => {
  let llm: ScriptedLlm;
  let store: TestStore;
  let env: Record<string, string>;
  let version = 0;

  beforeAll(async () => {
    // Each answer names its version, so the test can tell old text from new.
    let decision = 0;
    llm = await startScriptedLlm({
      fill: (path) =>
        path.at(-1) === "unit_testing"
          ? [`unit tests, take ${++version}`]
          : path.at(-1) === "decision"
            ? `decision ${++decision}`
            : undefined,
    });
    store = createTestStore();
    env = {
      ...store.env,
      ...scriptedModelEnv(llm),
    };
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  async function draft(): Promise<string> {
    const run = await runCli(["draft", FEATURE, "--json"], { env });
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { id: string }).id;
  }

  it("re-drafts only the named section with the feedback, as a new version", async () => {
    const id = await draft();
    const before = llm.requests.length;
    const run = await runCli(
      [
        "revise",
        id,
        "--section",
        "Testing Strategy",
        "--feedback",
        "Cover the 200-supplier load case",
      ],
      { env },
    );
    expect(run.code).toBe(0);
    const requests = llm.requests.slice(before);
    expect(requests.map((r) => r.toolName)).toEqual(["testing"]);
    const prompt = JSON.stringify(requests[0]!.body.messages.at(-1));
    expect(prompt).toContain("Cover the 200-supplier load case");
    expect(prompt).toContain("unit tests, take 1"); // the section as it stood
    expect(run.stdout).toContain("**Unit Testing:** unit tests, take 2");
    expect(await checkPlan(run.stdout, DEFAULT_TEMPLATE)).toEqual([]);

    const first = await runCli(["show", id, "--version", "1"], { env });
    expect(first.stdout).toContain("**Unit Testing:** unit tests, take 1");
    const latest = await runCli(["show", id], { env });
    expect(latest.stdout).toBe(run.stdout);
    const record = JSON.parse((await runCli(["show", id, "--json"], { env })).stdout);
    expect(record).toMatchObject({
      versions: 2,
      status: "completed",
      version: { version: 2, revision: { section: "testing-strategy", cascade: false } },
    });
  });

  it("with --cascade, also re-drafts what depends on it, in dependency order", async () => {
    const id = await draft();
    const before = llm.requests.length;
    const run = await runCli(
      [
        "revise",
        id.slice(0, 8),
        "-s",
        "architecture",
        "-f",
        "Use the existing alerts service",
        "--cascade",
      ],
      { env },
    );
    expect(run.code).toBe(0);
    const requests = llm.requests.slice(before);
    const order = requests.map((r) => r.toolName);
    expect(new Set(order)).toEqual(
      new Set(["architecture", "testing", "phases", "summary", "successCriteria"]),
    );
    const startOf = (tool: string) => requests.find((r) => r.toolName === tool)!.startedAt;
    const endOf = (tool: string) => requests.find((r) => r.toolName === tool)!.endedAt!;
    expect(startOf("testing")).toBeGreaterThanOrEqual(endOf("architecture"));
    expect(startOf("summary")).toBeGreaterThanOrEqual(Math.max(endOf("testing"), endOf("phases")));
    expect(startOf("successCriteria")).toBeGreaterThanOrEqual(endOf("summary"));
    // a dependent is given the reviewer's feedback, and what changed in the sections above it
    const promptOf = (tool: string) =>
      (requests.find((r) => r.toolName === tool)!.body.messages.at(-1) as { content: string })
        .content;
    const testing = promptOf("testing");
    expect(testing).toContain('change to the section "Architecture Alignment"');
    expect(testing).toContain(
      "<reviewer_feedback>\nUse the existing alerts service\n</reviewer_feedback>",
    );
    const changes = /<changes>\n([\s\S]*?)\n<\/changes>/.exec(testing)?.[1] ?? "";
    expect(changes.split("\n")[0]).toBe('In "Architecture Alignment":');
    expect(changes).toMatch(/^- \| decision \d+ \|/m);
    expect(changes).toMatch(/^\+ \| decision \d+ \|/m);
    expect(changes).not.toContain("Local-first"); // an unchanged line is not listed
    // the summary sees the changes of every revised section it builds on
    const summary = promptOf("summary");
    expect(summary).toContain("Use the existing alerts service");
    for (const title of ["Architecture Alignment", "Testing Strategy", "Implementation Phases"])
      expect(summary).toContain(`In "${title}":`);
    // the target section alone gets the feedback as a request on itself
    expect(promptOf("architecture")).toContain("A reviewer asked for a change to this section");
    expect(await checkPlan(run.stdout, DEFAULT_TEMPLATE)).toEqual([]);
  });

  it("names a repository as a section, and refuses an unknown one with the choices", async () => {
    const id = await draft();
    const before = llm.requests.length;
    const run = await runCli(["revise", id, "-s", "/gain", "-f", "Reuse the notifications table"], {
      env,
    });
    expect(run.code).toBe(0);
    expect(llm.requests.slice(before).map((r) => r.toolName)).toEqual(["repoChanges_gain"]);
    const unknown = await runCli(["revise", id, "-s", "Budget", "-f", "x"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /SECTION_UNKNOWN: no section matches "Budget" \(name one of: .*\/gain.*Testing Strategy/,
    );
    const empty = await runCli(["revise", id, "-s", "/gain", "-f", "  "], { env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/USAGE: --feedback is empty/);
  });
});
