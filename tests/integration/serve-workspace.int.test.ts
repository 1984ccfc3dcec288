import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import {
  startScriptedLlm,
  scriptedModelEnv,
  type ScriptedLlm,
  type ScriptedRequest,
} from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";
import {
  git,
  makeWorkspaceRepos,
  PLANTED_SECRETS,
  writeFiles,
} from "../support/workspace-repos.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
const repos = makeWorkspaceRepos();
writeFiles(repos.root, {
  "serve.workspace.yaml": "repositories:\n  /gain: gain\n  /data: data\ncontext:\n  - docs\n",
  "docs/architecture.md":
    "# Architecture\n\nWatchlists are stored in the GAIN Postgres database.\n",
  "bad.workspace.yaml": "repositories:\n  /gain: missing-checkout\n",
});
const quiet = { stderr: { write: () => true } as unknown as NodeJS.WritableStream };

/** The text of the message that carries the workspace, in one section's request. */
function groundingIn(request: ScriptedRequest | undefined): string {
  const messages = (request?.body?.messages ?? []) as { content: unknown }[];
  const text = messages.map((m) =>
    typeof m.content === "string" ? m.content : JSON.stringify(m.content),
  );
  return text.find((t) => t.includes("relevant to this section, read from their checkouts")) ?? "";
}

describe("plandraft serve with PLANDRAFT_WORKSPACE", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  let server: RunningServer;
  beforeAll(async () => {
    store = createTestStore();
    llm = await startScriptedLlm();
    server = await startServer(
      loadConfig({
        ...store.env,
        ...scriptedModelEnv(llm),
        PLANDRAFT_HOME: join(repos.root, "home"),
        PLANDRAFT_PORT: "0",
        PLANDRAFT_WORKSPACE: join(repos.root, "serve.workspace.yaml"),
      }),
      quiet,
    );
  });
  afterAll(async () => {
    await server?.close();
    await llm?.close();
    await store?.drop();
  });

  it("says in GET /v1/config which repositories it maps, by name and commit, never by path", async () => {
    const response = await fetch(`${server.url}/v1/config`);
    expect(response.status).toBe(200);
    const text = await response.text();
    const config = JSON.parse(text) as { workspace: unknown };
    expect(config.workspace).toEqual({
      repositories: [
        { name: "/gain", commit: git(repos.gain, "rev-parse", "HEAD").trim() },
        { name: "/data", commit: git(repos.data, "rev-parse", "HEAD").trim() },
      ],
    });
    expect(text).not.toContain(repos.root);
    expect(text).not.toContain("serve.workspace.yaml");
    // The OpenAPI document describes the field.
    const openapi = await (await fetch(`${server.url}/docs/json`)).text();
    expect(openapi).toContain("the repositories mapped to checkouts; never their local paths");
  });

  it("grounds a draft posted through the API in the mapped checkouts", async () => {
    const posted = await fetch(`${server.url}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: FEATURE }),
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    let plan: Response | undefined;
    for (let tries = 0; tries < 300; tries += 1) {
      plan = await fetch(`${server.url}/v1/drafts/${id}/plan.md`);
      if (plan.status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(plan?.status).toBe(200);
    const markdown = await plan!.text();

    const request = (tool: string) => llm.requests.find((r) => r.toolName === tool);
    const gain = groundingIn(request("repoChanges_gain"));
    expect(gain).toContain('<repository name="/gain" commit="');
    expect(gain).toContain('<file path="backend/app/main.py" kind="api">');
    expect(gain).toContain('<context_document path="docs/architecture.md">');
    expect(groundingIn(request("repoChanges_data"))).toContain(
      '<file path="models/marts/dim_watchlist.sql" kind="model">',
    );
    expect(groundingIn(request("repoChanges_edh"))).not.toContain("<repository ");

    const sent = JSON.stringify(llm.requests.map((r): unknown => r.body));
    for (const secret of PLANTED_SECRETS) {
      expect(sent).not.toContain(secret);
      expect(markdown).not.toContain(secret);
    }
    expect(sent).not.toContain(repos.root);
    expect(markdown).not.toContain(repos.root);
    expect(markdown).toMatch(/- `\/gain` read at commit `[0-9a-f]{12}`/);
    expect(markdown).toContain("- Not read: `/edh`, `/infra`.");
  });
});

describe("plandraft serve with a bad PLANDRAFT_WORKSPACE", () => {
  it("does not start: startServer rejects naming the file and the problem", async () => {
    const store = createTestStore("embedded");
    try {
      await expect(
        startServer(
          loadConfig({
            ...store.env,
            PLANDRAFT_PORT: "0",
            PLANDRAFT_WORKSPACE: join(repos.root, "bad.workspace.yaml"),
          }),
          quiet,
        ),
      ).rejects.toMatchObject({
        code: "WORKSPACE_INVALID",
        message: expect.stringMatching(
          /^bad\.workspace\.yaml: \/gain maps to .*missing-checkout, which is not a folder$/,
        ) as unknown,
      });
    } finally {
      await store.drop();
    }
  });

  it("exits 2 from the CLI with the message, before listening", async () => {
    writeFileSync(join(repos.root, "broken.workspace.yaml"), "repos:\n  /gain: gain\n");
    for (const [file, message] of [
      [
        "bad.workspace.yaml",
        /WORKSPACE_INVALID: bad\.workspace\.yaml: \/gain maps to .*missing-checkout, which is not a folder/,
      ],
      [
        "broken.workspace.yaml",
        /WORKSPACE_INVALID: broken\.workspace\.yaml: \(top\): Unrecognized key: "repos"/,
      ],
      [
        "none.workspace.yaml",
        /WORKSPACE_INVALID: workspace file .*none\.workspace\.yaml cannot be read/,
      ],
    ] as const) {
      const run = await runCli(["serve", "--port", "0"], {
        env: { PLANDRAFT_WORKSPACE: join(repos.root, file) },
      });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain("serving on");
    }
  });
});
