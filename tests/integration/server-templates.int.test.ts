import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPENDIX_HEADING } from "../../src/render/appendix.js";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
const SPIKE_FILE = fixturePath("templates/spike.md");
const SPIKE = readFileSync(SPIKE_FILE, "utf8");

type Json = Record<string, unknown>;

/** A folder of templates, as a team keeps them next to the server. */
function templatesFolder(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), "plandraft-templates-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

describe("templates a server offers", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ PLANDRAFT_TEMPLATES: templatesFolder({ "spike.md": SPIKE }) });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Posts, then waits for the plan: the rule drafter (the default model) finishes quickly. */
  async function planOf(request: { url?: string; type: string; body: string }): Promise<string> {
    const posted = await fetch(`${server.base}${request.url ?? "/v1/drafts"}`, {
      method: "POST",
      headers: { "content-type": request.type },
      body: request.body,
    });
    expect(posted.status).toBe(202);
    const { id } = (await posted.json()) as { id: string };
    for (let tries = 0; tries < 300; tries += 1) {
      const plan = await fetch(`${server.base}/v1/drafts/${id}/plan.md`);
      if (plan.status === 200) return plan.text();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`draft ${id} did not finish`);
  }

  it("lists the bundled template and each file of PLANDRAFT_TEMPLATES by id and title", async () => {
    const config = await (await fetch(`${server.base}/v1/config`)).json();
    expect((config as Json).templates).toEqual([
      { id: "default", title: "Implementation Plan (bundled)" },
      { id: "spike", title: "Spike Plan" },
    ]);
    // Without PLANDRAFT_WORKSPACE it maps no repository.
    expect((config as Json).workspace).toBeNull();
  });

  it("drafts with the one a client picks by id: its headings, not the bundled ones", async () => {
    const plan = await planOf({
      type: "application/json",
      body: JSON.stringify({ feature: FEATURE, templateId: "spike" }),
    });
    expect(plan).toMatch(/^# Spike Plan: /);
    expect(plan.match(/^## .*$/gm)).toEqual([
      "## Question",
      "## Approach",
      "## Outcome",
      APPENDIX_HEADING,
    ]);
    // A markdown body picks it with the query.
    const markdown = await planOf({
      url: "/v1/drafts?templateId=spike",
      type: "text/markdown",
      body: FEATURE,
    });
    expect(markdown.match(/^## .*$/gm)).toEqual([
      "## Question",
      "## Approach",
      "## Outcome",
      APPENDIX_HEADING,
    ]);
    const bundled = await planOf({
      type: "application/json",
      body: JSON.stringify({ feature: FEATURE, templateId: "default" }),
    });
    expect(bundled).toMatch(/^# Implementation Plan: /);
  });

  it("refuses an unknown id with the choices, and an id sent with a template of its own", async () => {
    const count = async () =>
      ((await (await fetch(`${server.base}/v1/drafts`)).json()) as { drafts: unknown[] }).drafts
        .length;
    const before = await count();
    const unknown = await server.app.inject({
      method: "POST",
      url: "/v1/drafts",
      payload: { feature: FEATURE, templateId: "rfc" },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: "TEMPLATE_UNKNOWN" });
    expect(unknown.json<Json>().message).toContain('"rfc"');
    const both = await server.app.inject({
      method: "POST",
      url: "/v1/drafts",
      payload: { feature: FEATURE, templateId: "spike", template: SPIKE },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json()).toMatchObject({ code: "USAGE" });
    // Refused before anything was saved.
    expect(await count()).toBe(before);
  });

  it("does not start with a folder it cannot offer: each problem names the file and the fix", async () => {
    const cases: [Record<string, string> | string, RegExp][] = [
      ["/no/such/folder", /CONFIG_INVALID: PLANDRAFT_TEMPLATES: cannot read the folder/],
      [{ "notes.txt": "not a template" }, /CONFIG_INVALID: .* has no \.md files/],
      [{ "broken.md": "no title here\n" }, /TEMPLATE_INVALID: template .*broken\.md: .*'# Title'/],
      [{ "default.md": SPIKE }, /CONFIG_INVALID: .*default\.md cannot be a template id/],
    ];
    for (const [files, problem] of cases) {
      const folder = typeof files === "string" ? files : templatesFolder(files);
      // The embedded store's home is never made: the folder is checked before the store opens.
      const home = mkdtempSync(join(tmpdir(), "plandraft-home-"));
      const run = await runCli(["serve", "--port", "0"], {
        env: { PLANDRAFT_TEMPLATES: folder, PLANDRAFT_HOME: home },
      });
      expect(run.stderr).toMatch(problem);
      expect(run.code).not.toBe(0);
      expect(existsSync(join(home, "pgdata"))).toBe(false);
    }
  });
});

describe("the CLI picks an offered template by id (--template-id), here and on a server", () => {
  let server: TestServer;
  const folder = templatesFolder({ "spike.md": SPIKE });
  const feature = fixturePath("watchlist-feature.md");
  const onServer = (args: string[]) => runCli(["--server", server.base, ...args]);
  /** The plan's section headings. */
  const headings = (plan: string) => plan.match(/^## .*$/gm);

  beforeAll(async () => {
    server = await startTestServer({ PLANDRAFT_TEMPLATES: folder });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lists what a draft can name: the local folder's, or the server's", async () => {
    const local = await runCli(["templates"], { env: { PLANDRAFT_TEMPLATES: folder } });
    expect(local.code).toBe(0);
    expect(local.stdout.split("\n")).toEqual([
      "ID       TITLE",
      "default  Implementation Plan (bundled)",
      "spike    Spike Plan",
      "",
    ]);
    // Without a folder here, the server's list is the one that counts with --server.
    const remote = await onServer(["templates", "--json"]);
    expect(remote.code).toBe(0);
    expect(JSON.parse(remote.stdout)).toEqual([
      { id: "default", title: "Implementation Plan (bundled)" },
      { id: "spike", title: "Spike Plan" },
    ]);
    const bundledOnly = await runCli(["templates", "--json"]);
    expect(JSON.parse(bundledOnly.stdout)).toEqual([
      { id: "default", title: "Implementation Plan (bundled)" },
    ]);
  });

  it("drafts with the template it names, locally and on the server", async () => {
    const local = await runCli(["draft", feature, "--template-id", "spike"], {
      env: { PLANDRAFT_TEMPLATES: folder },
    });
    expect(local.code).toBe(0);
    expect(local.stdout).toMatch(/^# Spike Plan: /);
    expect(headings(local.stdout)).toEqual([
      "## Question",
      "## Approach",
      "## Outcome",
      APPENDIX_HEADING,
    ]);
    // `check` takes the same id: the plan follows the spike template, not the bundled one.
    const planFile = join(mkdtempSync(join(tmpdir(), "plandraft-spike-")), "plan.md");
    writeFileSync(planFile, local.stdout);
    const checked = await runCli(["check", planFile, "--template-id", "spike"], {
      env: { PLANDRAFT_TEMPLATES: folder },
    });
    expect(checked.stderr).toBe(`plandraft: ${planFile} follows the template\n`);
    expect(checked.code).toBe(0);
    expect((await runCli(["check", planFile])).code).toBe(1);
    const remote = await onServer(["draft", feature, "--template-id", "spike"]);
    expect(remote.stderr).not.toMatch(/INTERNAL|Error/);
    expect(remote.code).toBe(0);
    expect(headings(remote.stdout)).toEqual([
      "## Question",
      "## Approach",
      "## Outcome",
      APPENDIX_HEADING,
    ]);
  });

  it("refuses an unknown id with the choices, and an id with a template file, drafting nothing", async () => {
    const local = await runCli(["draft", feature, "--template-id", "rfc"], {
      env: { PLANDRAFT_TEMPLATES: folder },
    });
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('TEMPLATE_UNKNOWN: no template "rfc" is offered');
    expect(local.stderr).toContain("choose one of: default, spike");
    // With no folder set, the hint says where more would come from.
    const bare = await runCli(["draft", feature, "--template-id", "spike"]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("or set PLANDRAFT_TEMPLATES to a folder of templates");
    const before = await (await fetch(`${server.base}/v1/drafts`)).json();
    const remote = await onServer(["draft", feature, "--template-id", "rfc"]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('TEMPLATE_UNKNOWN: no template "rfc" is offered');
    expect(await (await fetch(`${server.base}/v1/drafts`)).json()).toEqual(before);
    const both = await runCli(["draft", feature, "--template-id", "spike", "-t", SPIKE_FILE]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/'--template-id <id>' cannot be used with option '-t, --template/);
    expect(both.stdout).toBe("");
  });
});
