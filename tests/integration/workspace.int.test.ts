import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readContextDocs } from "../../src/workspace/context-docs.js";
import { runCli } from "../support/cli.js";
import { makeDocx, makePdf } from "../support/documents.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, scriptedModelEnv, type ScriptedLlm } from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";
import {
  git,
  groundingIn,
  makeWorkspaceRepos,
  PLANTED_SECRETS,
  writeFiles,
} from "../support/workspace-repos.js";

const BUDGET = 1500;
const repos = makeWorkspaceRepos();
const home = join(repos.root, "home");
writeFiles(repos.root, {
  "plandraft.workspace.yaml": "repositories:\n  /gain: gain\n  /data: data\ncontext:\n  - docs\n",
  "docs/architecture.md":
    "# Architecture\n\nWatchlists are stored in the GAIN Postgres database.\n",
  "docs/.env.local": "sk-live-FAKE123\n",
});

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
    // A digest rewritten is a new file (written aside, then renamed): a new inode. Reading one
    // only marks it used (its time moves, so pruning keeps it).
    const before = readdirSync(digests).map((f) => [f, statSync(join(digests, f)).ino]);
    expect(before).toHaveLength(2);
    const run = await runCli(["draft", fixturePath("watchlist-feature.md"), "--json"], {
      env: env(),
      cwd: repos.root,
    });
    expect(run.code, run.stderr).toBe(0);
    const after = readdirSync(digests).map((f) => [f, statSync(join(digests, f)).ino]);
    expect(after).toEqual(before);
  });

  it("grounds a revision in the workspace it finds while the checkouts have not moved", async () => {
    const drafted = await runCli(["draft", fixturePath("watchlist-feature.md"), "--json"], {
      env: env(),
      cwd: repos.root,
    });
    const { id } = JSON.parse(drafted.stdout) as { id: string };
    const revise = async () => {
      const before = llm.requests.length;
      const run = await runCli(["revise", id, "-s", "/data", "-f", "Name the model", "--json"], {
        env: env(),
        cwd: repos.root,
      });
      expect(run.code, run.stderr).toBe(0);
      const request = llm.requests.slice(before).find((r) => r.toolName === "repoChanges_data");
      return groundingIn(request);
    };
    expect(await revise()).toContain('<repository name="/data"');
    // /data moves on: the revised section would rest on another commit than the plan says.
    git(repos.data, "commit", "-q", "--allow-empty", "-m", "moved on");
    expect(await revise()).not.toContain("<repository ");
  });
});

/** A folder of context docs in each format, written by the libraries the loader's tests use. */
async function writeContextDocs(folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  const decisions = await makeDocx({
    title: "Alert decisions",
    heading: "Thresholds",
    bullets: ["Alerts fire on a 10 point risk score move"],
    text: "Watchlist alerts are written by the nightly DOCXMARK job.",
  });
  writeFileSync(join(folder, "decisions.docx"), decisions);
  const scores = await makePdf(["Risk scores load nightly at PDFMARK 02:00."]);
  writeFileSync(join(folder, "scores.pdf"), scores);
  writeFileSync(
    join(folder, "runbook.html"),
    "<!doctype html><html><body><h2>Runbook</h2><ul><li>HTMLMARK restart</li></ul></body></html>",
  );
  writeFileSync(join(folder, "notes.md"), "# Notes\n\nMDMARK watchlists.\n");
  writeFileSync(join(folder, "diagram.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
}

describe("context docs in Word, PDF and HTML", () => {
  const root = join(repos.root, "context-formats");
  const team = join(root, "team-docs");
  beforeAll(async () => {
    await writeContextDocs(team);
    writeFileSync(join(root, "locked.pdf"), await makePdf(["Secret"], "pw"));
    const word = await makeDocx({ title: "T", heading: "H", bullets: [], text: "x" });
    writeFileSync(join(root, "broken.docx"), word.subarray(0, 700));
  });

  it("reads a folder's Word, PDF, HTML and text docs as markdown: headings and lists survive", async () => {
    const { chunks, docs } = await readContextDocs([team]);
    expect(docs).toBe(4);
    const byPath = Object.fromEntries(chunks.map((c) => [c.path, c.text]));
    expect(Object.keys(byPath).sort()).toEqual([
      "team-docs/decisions.docx",
      "team-docs/notes.md",
      "team-docs/runbook.html",
      "team-docs/scores.pdf",
    ]);
    expect(byPath["team-docs/decisions.docx"]).toMatch(/^# Alert decisions$/m);
    expect(byPath["team-docs/decisions.docx"]).toMatch(/^-\s+Alerts fire on a 10 point/m);
    expect(byPath["team-docs/decisions.docx"]).toContain("DOCXMARK");
    expect(byPath["team-docs/scores.pdf"]).toContain("PDFMARK 02:00");
    expect(byPath["team-docs/runbook.html"]).toMatch(/^## Runbook$/m);
    expect(byPath["team-docs/runbook.html"]).toMatch(/^-\s+HTMLMARK restart$/m);
  });

  it("refuses an encrypted or damaged context doc, named or in a folder, naming it", async () => {
    await expect(readContextDocs([join(root, "locked.pdf")])).rejects.toMatchObject({
      code: "WORKSPACE_INVALID",
      message: "context doc locked.pdf is a password-protected PDF",
      hint: expect.stringMatching(/without the password.*; or take it out of the context docs/),
    });
    await expect(readContextDocs([join(root, "broken.docx")])).rejects.toMatchObject({
      code: "WORKSPACE_INVALID",
      message: expect.stringMatching(/^context doc broken\.docx cannot be read as a Word document/),
    });
    const folder = join(root, "with-locked");
    await writeContextDocs(folder);
    writeFileSync(join(folder, "zz-locked.pdf"), await makePdf(["Secret"], "pw"));
    await expect(readContextDocs([folder])).rejects.toMatchObject({
      code: "WORKSPACE_INVALID",
      message: "context doc with-locked/zz-locked.pdf is a password-protected PDF",
    });
  });

  it("sends a Word and a PDF context doc's text to the model; an encrypted one is exit 2", async () => {
    const store = createTestStore();
    const llm = await startScriptedLlm();
    try {
      const env = { ...store.env, ...scriptedModelEnv(llm), PLANDRAFT_HOME: home };
      const run = await runCli(
        [
          "draft",
          fixturePath("watchlist-feature.md"),
          "--context",
          join(team, "decisions.docx"),
          "--context",
          join(team, "scores.pdf"),
        ],
        { env, cwd: root },
      );
      expect(run.code, run.stderr).toBe(0);
      const sent = JSON.stringify(llm.requests.map((r): unknown => r.body));
      expect(sent).toContain('<context_document path=\\"decisions.docx\\">');
      expect(sent).toContain("# Alert decisions");
      expect(sent).toContain("DOCXMARK");
      expect(sent).toContain('<context_document path=\\"scores.pdf\\">');
      expect(sent).toContain("PDFMARK 02:00");

      const asked = llm.requests.length;
      const locked = await runCli(
        ["draft", fixturePath("watchlist-feature.md"), "--context", "locked.pdf"],
        { env, cwd: root },
      );
      expect(locked.code).toBe(2);
      expect(locked.stderr).toMatch(
        /^plandraft: WORKSPACE_INVALID: context doc locked\.pdf is a password-protected PDF \(/m,
      );
      expect(llm.requests.length).toBe(asked);
    } finally {
      await llm.close();
      await store.drop();
    }
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
