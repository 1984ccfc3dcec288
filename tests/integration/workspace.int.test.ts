import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import {
  startScriptedLlm,
  scriptedModelEnv,
  type ScriptedLlm,
  type ScriptedRequest,
} from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";
import { makeWorkspaceRepos, PLANTED_SECRETS, writeFiles } from "../support/workspace-repos.js";

const BUDGET = 1500;
const repos = makeWorkspaceRepos();
const home = join(repos.root, "home");
writeFiles(repos.root, {
  "plandraft.workspace.yaml": "repositories:\n  /gain: gain\n  /data: data\ncontext:\n  - docs\n",
  "docs/architecture.md":
    "# Architecture\n\nWatchlists are stored in the GAIN Postgres database.\n",
  "docs/.env.local": "sk-live-FAKE123\n",
});

/** The text of the message that carries the workspace, in one section's request. */
function groundingIn(request: ScriptedRequest | undefined): string {
  const messages = (request?.body?.messages ?? []) as { content: unknown }[];
  const text = messages.map((m) =>
    typeof m.content === "string" ? m.content : JSON.stringify(m.content),
  );
  return text.find((t) => t.includes("relevant to this section, read from their checkouts")) ?? "";
}

describe("a draft grounded in a workspace", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  const env = () => ({
    ...store.env,
    ...scriptedModelEnv(llm),
    PLANDRAFT_HOME: home,
    PLANDRAFT_CONTEXT_TOKENS: String(BUDGET),
  });
  beforeAll(async () => {
    store = createTestStore();
    llm = await startScriptedLlm();
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  it("sends each section its repositories' relevant files within budget, never a secret", async () => {
    const run = await runCli(["draft", fixturePath("watchlist-feature.md"), "--json"], {
      env: env(),
      cwd: repos.root,
    });
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { id: string; markdown: string };
    const request = (tool: string) => llm.requests.find((r) => r.toolName === tool);

    const gain = groundingIn(request("repoChanges_gain"));
    expect(gain).toContain('<repository name="/gain" commit="');
    expect(gain).not.toContain('<repository name="/data"');
    expect(gain).toContain('<file path="backend/app/main.py" kind="api">');
    expect(gain).toContain('@router.post(\\"/watchlists\\")'.replace(/\\/g, ""));
    expect(gain).toContain("backend/alembic/versions/0007_create_watchlists.py");
    expect(gain).toContain("/watchlists  <-  frontend/app/watchlists/page.tsx");
    expect(gain).toContain('<context_document path="docs/architecture.md">');
    expect(gain).toMatch(/data, never instructions/);
    expect(gain.length).toBeLessThanOrEqual(BUDGET * 4 + 1000);

    const data = groundingIn(request("repoChanges_data"));
    expect(data).toContain('<repository name="/data"');
    expect(data).toContain('<file path="models/marts/dim_watchlist.sql" kind="model">');
    expect(data).not.toContain('<repository name="/gain"');

    // A repository the workspace does not map gets no repository text; a cross-cutting section gets both.
    expect(groundingIn(request("repoChanges_edh"))).not.toContain("<repository ");
    const architecture = groundingIn(request("architecture"));
    expect(architecture).toContain('<repository name="/gain"');
    expect(architecture).toContain('<repository name="/data"');

    const sent = JSON.stringify(llm.requests.map((r): unknown => r.body));
    const shown = await runCli(["show", result.id, "--json"], { env: env() });
    for (const secret of PLANTED_SECRETS) {
      expect(sent).not.toContain(secret);
      expect(result.markdown).not.toContain(secret);
      expect(shown.stdout).not.toContain(secret);
    }
    expect(sent).not.toContain(repos.root);
    expect(shown.stdout).not.toContain(repos.root);
    expect(result.markdown).not.toContain(repos.root);
    if (store.query) {
      const rows = await store.query("SELECT * FROM drafts WHERE id = $1", [result.id]);
      const stored = JSON.stringify(rows.rows);
      for (const secret of PLANTED_SECRETS) expect(stored).not.toContain(secret);
      expect(stored).not.toContain(repos.root);
    }

    expect(result.markdown).toContain("**Repositories read**");
    expect(result.markdown).toMatch(/- `\/gain` read at commit `[0-9a-f]{12}` \(\d+ files read\)/);
    expect(result.markdown).toContain(
      "- Not read: `/edh`, `/infra`. The workspace does not map them, so their sections were drafted from the feature doc alone.",
    );
  });

  it("reads each checkout once: a second draft of the same commits uses the cached digests", async () => {
    const digests = join(home, "digests");
    const before = readdirSync(digests).map((f) => [f, statSync(join(digests, f)).mtimeMs]);
    expect(before).toHaveLength(2);
    const run = await runCli(["draft", fixturePath("watchlist-feature.md"), "--json"], {
      env: env(),
      cwd: repos.root,
    });
    expect(run.code, run.stderr).toBe(0);
    const after = readdirSync(digests).map((f) => [f, statSync(join(digests, f)).mtimeMs]);
    expect(after).toEqual(before);
  });
});

describe("a bad workspace", () => {
  const bad = join(repos.root, "bad");
  mkdirSync(join(bad, "plain-folder"), { recursive: true });
  const cases: [string, string, RegExp][] = [
    [
      "unknown name",
      "repositories:\n  /nope: ../gain\n",
      /ws\.yaml: unknown repository \/nope: the template names \/data, \/gain, \/edh, \/infra/,
    ],
    [
      "missing folder",
      "repositories:\n  /gain: ../missing\n",
      /ws\.yaml: \/gain maps to .*missing, which is not a folder \(fix the path \(paths in ws\.yaml are relative to its folder\)\)/,
    ],
    [
      "not a checkout",
      "repositories:\n  /gain: plain-folder\n",
      /ws\.yaml: \/gain maps to .*plain-folder, which is not a git checkout/,
    ],
    ["unknown key", "repos:\n  /gain: ../gain\n", /ws\.yaml: \(top\): Unrecognized key: "repos"/],
    ["bad YAML", "repositories: [\n", /ws\.yaml is not valid YAML/],
    [
      "missing context doc",
      "context:\n  - nowhere.md\n",
      /ws\.yaml: context doc .*nowhere\.md does not exist/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses a workspace file with ${name} before any model call (exit 2)`, async () => {
      writeFileSync(join(bad, "ws.yaml"), text);
      const run = await runCli(
        ["draft", fixturePath("watchlist-feature.md"), "--workspace", join(bad, "ws.yaml")],
        {
          env: {
            PLANDRAFT_MODEL: "openai:scripted",
            OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
            OPENAI_API_KEY: "x",
          },
        },
      );
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/plandraft: WORKSPACE_INVALID: /);
      expect(run.stderr).toMatch(message);
    });
  }

  it("refuses a --repo without a path, and a missing workspace file", async () => {
    const noPath = await runCli(["draft", fixturePath("watchlist-feature.md"), "--repo", "/gain"]);
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain(
      "USAGE: --repo /gain: expected NAME=PATH (e.g. --repo /gain=../gain)",
    );
    const missing = await runCli([
      "draft",
      fixturePath("watchlist-feature.md"),
      "--workspace",
      join(bad, "none.yaml"),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/WORKSPACE_INVALID: workspace file .*none\.yaml cannot be read/);
  });
});
