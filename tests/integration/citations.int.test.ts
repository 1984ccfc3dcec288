import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { draftInMemory } from "../../src/drafting/run-draft.js";
import { createDrafter } from "../../src/deps.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { buildLayout, templateRepos } from "../../graphs/plan-drafter/topology.js";
import { readCheckouts } from "../../src/workspace/checkouts.js";
import { createDigestCache } from "../../src/workspace/digest-cache.js";
import { readWorkspace } from "../../src/workspace/material.js";
import { runCli } from "../support/cli.js";
import {
  DEFAULT_TEMPLATE,
  QUICK_RETRIES,
  fixturePath,
  scriptedConfig,
} from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm } from "../support/scripted-llm.js";
import { git, makeWorkspaceRepos, writeFiles } from "../support/workspace-repos.js";

const repos = makeWorkspaceRepos();
const gainCommit = git(repos.gain, "rev-parse", "HEAD").trim();
const LINE =
  "- Existing components requiring modification: `SavedSearchRow` gains the export button";
const EXISTING = "`/gain/backend/app/main.py`";
const MISSING = "`/gain/backend/app/nope.py`";

describe("check --workspace", () => {
  const plan = join(repos.root, "cited-plan.md");
  const clean = readFileSync(fixturePath("plans/clean-default.md"), "utf8");
  writeFileSync(
    plan,
    clean.replace(LINE, `${LINE}; it sits in ${EXISTING}, routes move to ${MISSING}`),
  );
  writeFiles(repos.root, { "cite.workspace.yaml": "repositories:\n  /gain: gain\n" });

  it("reports a cited path the mapped checkout does not track, with its repository and commit (exit 1)", async () => {
    for (const options of [
      ["--workspace", join(repos.root, "cite.workspace.yaml")],
      ["--repo", `/gain=${repos.gain}`],
    ]) {
      const run = await runCli(["check", plan, ...options, "--json"]);
      expect(run.code, run.stderr).toBe(1);
      const findings = JSON.parse(run.stdout) as { code: string; message: string }[];
      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        line: 85,
        code: "PATH_NOT_FOUND",
        message: `${MISSING} cites backend/app/nope.py, which does not exist in /gain at commit ${gainCommit.slice(0, 12)}; cite a file that checkout tracks, or remove the path`,
      });
      expect(run.stderr).toContain("1 finding");
    }
  });

  it("judges no path without a workspace, nor under a repository it does not map", async () => {
    const run = await runCli(["check", plan]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    const data = await runCli(["check", plan, "--repo", `/data=${repos.data}`]);
    expect(data.code, data.stderr).toBe(0);
    expect(data.stderr).toContain("citing only paths that exist (/data@");
  });
});

describe("check with a bad workspace", () => {
  it("refuses it as draft does (exit 2), before judging anything", async () => {
    const plan = fixturePath("plans/clean-default.md");
    const unknown = await runCli(["check", plan, "--repo", `/nope=${repos.gain}`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/WORKSPACE_INVALID: --repo: unknown repository \/nope/);
    const missing = await runCli(["check", plan, "--workspace", join(repos.root, "none.yaml")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/WORKSPACE_INVALID: workspace file .*none\.yaml cannot be read/);
  });
});

describe("a draft that cites a path that does not exist", () => {
  let llm: ScriptedLlm;
  beforeAll(async () => {
    let firstGain: number | undefined;
    llm = await startScriptedLlm({
      fill: (path, _schema, req) => {
        if (req.toolName !== "repoChanges_gain" || path.at(-1) !== "primary_changes")
          return undefined;
        firstGain ??= req.index;
        return [`Add the watchlist routes to ${req.index === firstGain ? MISSING : EXISTING}`];
      },
    });
  });
  afterAll(async () => {
    await llm.close();
  });

  it("sends the section back once naming the path, and the repaired plan cites only what exists", async () => {
    const config = scriptedConfig(llm.baseURL);
    const layout = buildLayout(DEFAULT_TEMPLATE);
    const workspace = {
      source: "--repo",
      repositories: [
        { name: "/gain", path: repos.gain },
        { name: "/data", path: repos.data },
      ],
      context: [],
    };
    const read = await readWorkspace(workspace, {
      cache: createDigestCache(undefined),
      templateRepos: templateRepos(layout),
      tokens: 3000,
    });
    const source = fixturePath("watchlist-feature.md");
    const result = await draftInMemory(
      {
        config,
        drafterFor: (model) => createDrafter(model ?? config.model, config, QUICK_RETRIES),
      },
      {
        feature: toFeatureDoc(readFileSync(source), source, config.maxFeatureBytes),
        featureSource: source,
        template: DEFAULT_TEMPLATE,
        date: "2026-12-02",
        workspace: read,
      },
    );

    const gain = llm.requests.filter((r) => r.toolName === "repoChanges_gain");
    expect(gain).toHaveLength(2);
    const repair = JSON.stringify(gain[1]!.body.messages.at(-1));
    expect(repair).toContain("had these problems");
    expect(repair).toContain(
      `cites backend/app/nope.py, which does not exist in /gain at commit ${gainCommit.slice(0, 12)}`,
    );
    // Only the section that cited it was sent back.
    expect(llm.requests.filter((r) => r.toolName === "architecture")).toHaveLength(1);

    expect(result.status).toBe("completed");
    expect(result.findings).toEqual([]);
    expect(result.markdown).toContain(`Add the watchlist routes to ${EXISTING}`);
    expect(result.markdown).not.toContain(MISSING);
    const checkouts = await readCheckouts(workspace);
    expect(await checkPlan(result.markdown, DEFAULT_TEMPLATE, { checkouts })).toEqual([]);

    // Document Control and the appendix say which commit each repository was read at.
    const dataCommit = git(repos.data, "rev-parse", "HEAD").trim();
    expect(result.markdown).toContain(
      `**Drafted against:** \`/gain\` at commit \`${gainCommit.slice(0, 12)}\`, \`/data\` at commit \`${dataCommit.slice(0, 12)}\``,
    );
    expect(result.markdown).toContain(`- \`/gain\` read at commit \`${gainCommit.slice(0, 12)}\``);
  });
});
