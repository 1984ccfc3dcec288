import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { tokensOf } from "../../src/workspace/retrieve.js";
import { DEFAULT_CONTEXT_TOKENS } from "../../src/workspace/types.js";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, scriptedModelEnv, type ScriptedLlm } from "../support/scripted-llm.js";
import { draftEvents, readEvents, type Received, watchEvents } from "../support/sse.js";
import { createTestStore, type TestStore } from "../support/store.js";
import {
  git,
  groundingIn,
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

/**
 * What one repository block of a request carried, counted as the server counts it: the files
 * whose text was sent (not the tree or route listings) and the estimated tokens of every part.
 */
function sentOf(grounding: string, repository: string): { files: number; tokens: number } {
  const block = grounding.split(`<repository name="${repository}" `)[1]?.split("</repository>")[0];
  const parts = [
    ...(block ?? "").matchAll(/<file path="([^"]*)" kind="(\w+)"[^>]*>\n([\s\S]*?)\n<\/file>/g),
  ];
  const files = new Set(
    parts.filter(([, , kind]) => kind !== "tree" && kind !== "routes").map(([, path]) => path),
  );
  return {
    files: files.size,
    tokens: parts.reduce((sum, [, , , text]) => sum + tokensOf(text ?? ""), 0),
  };
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
        // One draft at a time: a second one waits its turn, and must be grounded all the same.
        PLANDRAFT_MAX_RUNNING: "1",
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
    const { id, events } = await draftEvents(server.url, FEATURE);
    expect(events.at(-1)?.type).toBe("draft.completed");
    const plan = await fetch(`${server.url}/v1/drafts/${id}/plan.md`);
    expect(plan.status).toBe(200);
    const markdown = await plan.text();

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

  it("tells the stream what each section was grounded in, as its request carried it, and keeps it", async () => {
    const before = llm.requests.length;
    const { id, events } = await draftEvents(server.url, FEATURE);
    expect(events.at(-1)?.type).toBe("draft.completed");
    const grounded = events.filter((e) => e.type === "section.grounded");
    const requests = llm.requests.slice(before);
    const forRepository = (name: string): unknown =>
      grounded.find((e: Received) => e.data.repository === name)?.data;
    const budget = DEFAULT_CONTEXT_TOKENS; // PLANDRAFT_CONTEXT_TOKENS is not set

    // A repository's section: what its request carried of that repository, counted the same way.
    for (const [name, tool, checkout] of [
      ["/gain", "repoChanges_gain", repos.gain],
      ["/data", "repoChanges_data", repos.data],
    ] as const) {
      const sent = sentOf(groundingIn(requests.find((r) => r.toolName === tool)), name);
      expect(sent.files).toBeGreaterThan(0);
      expect(forRepository(name)).toMatchObject({
        unmapped: false,
        repositories: [{ name, commit: git(checkout, "rev-parse", "HEAD").trim(), ...sent }],
        budget,
      });
    }
    // The template's repositories the workspace does not map: said so, nothing of theirs sent.
    for (const name of ["/edh", "/infra"]) {
      expect(forRepository(name)).toMatchObject({ unmapped: true, repositories: [] });
    }
    // A section of the whole change is grounded in every mapped repository it found parts of.
    const general = grounded.filter((e) => e.data.repository === null);
    expect(general.length).toBeGreaterThan(0);
    for (const event of grounded) {
      const spent = event.data.repositories.reduce(
        (sum: number, r: { tokens: number }) => sum + r.tokens,
        event.data.context.tokens,
      );
      expect(spent).toBeLessThanOrEqual(budget);
    }
    // Each comes before its section's text, and never names a local path.
    for (const event of grounded) {
      const section = event.data.section as string;
      const started = events.findIndex(
        (e) => e.type === "section.started" && e.data.section === section,
      );
      const first = events.findIndex(
        (e) => e.type === "section.delta" && e.data.section === section,
      );
      expect(events.indexOf(event)).toBeGreaterThan(started);
      if (first >= 0) expect(events.indexOf(event)).toBeLessThan(first);
    }
    expect(JSON.stringify(grounded)).not.toContain(repos.root);

    // Kept with the draft: a page opened later (a reload, the history list) is told the same.
    const replay = await readEvents(`${server.url}/v1/drafts/${id}/events`);
    expect(replay.events.filter((e) => e.type === "section.grounded")).toEqual(grounded);
  });

  it("grounds a draft that waited for its turn as it grounds the first", async () => {
    const post = async () => {
      const posted = await fetch(`${server.url}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature: FEATURE }),
      });
      return (await posted.json()) as { id: string; status: string };
    };
    const [first, second] = [await post(), await post()];
    // On Postgres every draft waits in the queue until a worker takes it.
    const firstStatus = store.kind === "postgres" ? "queued" : "running";
    expect([first.status, second.status]).toEqual([firstStatus, "queued"]);
    for (const { id } of [first, second]) {
      const events = await watchEvents(`${server.url}/v1/drafts/${id}/events`).done;
      expect(events.at(-1)?.type).toBe("draft.completed");
      const gain = events.find(
        (e) => e.type === "section.grounded" && e.data.repository === "/gain",
      );
      expect(gain?.data.repositories[0]?.files).toBeGreaterThan(0);
      const plan = await (await fetch(`${server.url}/v1/drafts/${id}/plan.md`)).text();
      expect(plan).toMatch(/- `\/gain` read at commit `[0-9a-f]{12}`/);
    }
  });

  it("grounds a revision in the checkouts while they are at the draft's commits", async () => {
    const { id, events } = await draftEvents(server.url, FEATURE);
    const revised = await fetch(`${server.url}/v1/drafts/${id}/revisions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ section: "/gain", feedback: "Name the migration" }),
    });
    expect(revised.status).toBe(202);
    const after = events.at(-1)?.id ?? "";
    const run = await watchEvents(`${server.url}/v1/drafts/${id}/events?after=${after}`).done;
    expect(run.at(-1)?.type).toBe("draft.completed");
    const grounded = run.filter((e) => e.type === "section.grounded");
    expect(grounded.map((e): unknown => e.data.repository)).toEqual(["/gain"]);
    expect(grounded[0]?.data.repositories[0]?.files).toBeGreaterThan(0);

    // Once /gain has moved on, its sections would rest on two commits: drafted from the doc alone.
    git(repos.gain, "commit", "-q", "--allow-empty", "-m", "moved on");
    const again = await fetch(`${server.url}/v1/drafts/${id}/revisions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ section: "/gain", feedback: "Name the table" }),
    });
    expect(again.status).toBe(202);
    const later = await watchEvents(
      `${server.url}/v1/drafts/${id}/events?after=${run.at(-1)?.id ?? ""}`,
    ).done;
    expect(later.at(-1)?.type).toBe("draft.completed");
    expect(later.filter((e) => e.type === "section.grounded")).toEqual([]);
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
