import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import { createDeps } from "../../src/deps.js";
import { buildServer } from "../../src/server/app.js";
import { runCli, type CliRun } from "../support/cli.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { startTestServer, type TestServer } from "../support/test-server.js";
import { createTestStore, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");
const dir = mkdtempSync(join(tmpdir(), "plandraft-cli-remote-"));

/** The draft id the progress names on stderr. */
const idIn = (run: { stderr: string }) =>
  /plandraft: draft ([0-9a-f-]{36}): \d+ sections/.exec(run.stderr)?.[1] ?? "";

/** Every line of a plain (non-terminal) progress display that says a section is done. */
const doneLines = (stderr: string) => stderr.split("\n").filter((l) => l.endsWith(": done"));

/** The lines that say how each section ended. */
const endLines = (stderr: string) =>
  stderr.split("\n").filter((l) => /^plandraft: .+: (done|no changes|failed)/.test(l));

describe("the CLI as a client of a server (--server)", () => {
  let server: TestServer;
  let base: string;
  let llm: ScriptedLlm;
  let failPhases = false;
  let take = 0;

  beforeAll(async () => {
    // The server's default model is the rule drafter; the scripted model is there when asked for.
    // Each answer for the unit tests names its take, so a revision's new text can be told apart.
    server = await startTestServer(
      { PLANDRAFT_MODEL: "none", PLANDRAFT_MODEL_RETRIES: "0" },
      {
        respond: (req) =>
          failPhases && req.toolName === "phases"
            ? { kind: "error", status: 500, message: "boom" }
            : undefined,
        fill: (path) =>
          path.at(-1) === "unit_testing" ? [`unit tests, take ${++take}`] : undefined,
      },
    );
    base = server.base;
    llm = server.llm;
  });
  afterAll(() => server.close());

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(["--server", base, ...args], { env });
  const api = async (path: string) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    return response;
  };
  const planOf = async (id: string, version?: number) =>
    (await api(`/v1/drafts/${id}/plan.md${version ? `?version=${version}` : ""}`)).text();

  it("drafts on the server: its plan on stdout, the same progress on stderr, exit 0", async () => {
    const run = await cli(["draft", FEATURE]);
    expect(run.stderr).not.toMatch(/INTERNAL|Error/);
    expect(run.code).toBe(0);
    const id = idIn(run);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.stdout).toBe(await planOf(id));
    expect(run.stdout.split("\n")[0]).toBe("# Implementation Plan: Supplier Risk Watchlist");
    expect(await checkPlan(run.stdout, DEFAULT_TEMPLATE)).toEqual([]);
    expect(run.stderr).toContain("plandraft: Architecture Alignment: drafting");
    expect(run.stderr).toContain("plandraft: Architecture Alignment: done");
    expect(doneLines(run.stderr)).toHaveLength(9); // ten sections; /infra has no changes
    expect(run.stderr).toContain(`plandraft: drafted ${id} (version 1) with none, no model calls`);

    // The same plan as a local draft, the link to the doc by its file name included.
    const local = await runCli(["draft", FEATURE]);
    expect(local, local.stderr).toMatchObject({ code: 0 });
    expect(local.stdout).toBe(run.stdout);
  });

  it("prints the result as JSON with --json, and writes -o OUT from stdin with PLANDRAFT_SERVER", async () => {
    const run = await cli(["draft", FEATURE, "--json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      title: "Supplier Risk Watchlist",
      status: "completed",
      model: "none",
      version: 1,
      usage: { calls: 0, totalTokens: 0 },
      findings: [],
    });
    expect(result.markdown).toBe(await planOf(result.id));
    expect(result.sections).toHaveLength(10);
    expect(result.sections[0]).toEqual({
      id: "executive-summary",
      title: "Executive Summary",
      dependsOn: expect.arrayContaining(["architecture-alignment", "testing-strategy"]),
      status: "drafted",
    });

    const out = join(dir, "plan.md");
    const written = await runCli(["draft", "-", "-o", out], {
      env: { PLANDRAFT_SERVER: base },
      stdin: readFileSync(FEATURE),
    });
    expect(written.code).toBe(0);
    expect(written.stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(await planOf(idIn(written)));
  });

  it("lists and shows the server's drafts, by id or a unique start of it", async () => {
    const drafted = await cli(["draft", FEATURE]);
    const id = idIn(drafted);

    const list = await cli(["list"]);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+VERSIONS\s+MODEL\s+CREATED\s+UPDATED\s+TITLE$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${id.slice(0, 8)}\\s+completed\\s+1\\s+none\\s+.+\\s+Supplier Risk Watchlist$`),
    );

    const json = await cli(["list", "--json", "-n", "2"]);
    const { drafts } = (await (await api("/v1/drafts?limit=2")).json()) as {
      drafts: { links: unknown }[];
    };
    expect(JSON.parse(json.stdout)).toEqual(drafts.map(({ links: _links, ...draft }) => draft));

    const show = await cli(["show", id.slice(0, 8)]);
    expect(show.code).toBe(0);
    expect(show.stdout).toBe(drafted.stdout);
    expect(show.stderr).toBe(`plandraft: ${id} version 1 of 1 (completed)\n`);

    const shown = JSON.parse((await cli(["show", id, "--json"])).stdout);
    expect(shown).toMatchObject({ id, status: "completed", versions: 1 });
    expect(shown.version).toEqual({ version: 1, markdown: drafted.stdout });

    const missing = await cli(["show", id, "--version", "3"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`VERSION_NOT_FOUND: draft ${id} has no version 3 (it has 1)`);
  });

  it("watches a draft on the server: a finished one's run again and its plan, exit 0", async () => {
    const drafted = await cli(["draft", FEATURE]);
    const id = idIn(drafted);
    const watched = await cli(["watch", id.slice(0, 8)]);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toBe(drafted.stdout);
    expect(endLines(watched.stderr)).toEqual(endLines(drafted.stderr));
    expect(watched.stderr).toContain(`plandraft: drafted ${id} (version 1) with none`);

    const unknown = await cli(["watch", "0000dead"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("DRAFT_NOT_FOUND");
  });

  it("revises a section on the server as the draft's next version", async () => {
    const drafted = await cli(["draft", FEATURE, "-m", "openai:scripted"]);
    expect(drafted.code).toBe(0);
    const id = idIn(drafted);
    expect(drafted.stdout).toContain("unit tests, take");
    const before = llm.requests.length;

    const run = await cli([
      "revise",
      id.slice(0, 8),
      "--section",
      "Testing Strategy",
      "--feedback",
      "Cover the 200-supplier load case",
    ]);
    expect(run.code).toBe(0);
    expect(llm.requests.slice(before).map((r) => r.toolName)).toEqual(["testing"]);
    expect(run.stdout).toBe(await planOf(id, 2));
    expect(run.stdout).toContain(`unit tests, take ${take}`);
    expect(run.stdout).not.toBe(drafted.stdout);
    // Only this run's progress: the revision re-drafts one section.
    expect(doneLines(run.stderr)).toEqual(["plandraft: Testing Strategy: done"]);
    expect(run.stderr).toMatch(
      new RegExp(
        `drafted ${id} \\(version 2\\) with openai:scripted, \\d+ model calls, \\d+ tokens`,
      ),
    );

    const unknown = await cli(["revise", id, "-s", "Nowhere", "-f", "anything"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('SECTION_UNKNOWN: no section matches "Nowhere"');
  });

  it("exits 1 when a section fails on the server, names it, and writes no plan", async () => {
    failPhases = true;
    try {
      const out = join(dir, "failed.md");
      const run = await cli(["draft", FEATURE, "-m", "openai:scripted", "-o", out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/draft [0-9a-f-]{36} failed: 1 section could not be drafted/);
      expect(run.stderr).toMatch(/✗ Implementation Phases: MODEL_ERROR: .*500/);
      expect(existsSync(out)).toBe(false);
    } finally {
      failPhases = false;
    }
  });

  it("exits 2 with the server's code for bad input, and resume refuses a finished draft", async () => {
    const model = await cli(["draft", FEATURE, "-m", "bogus"]);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain('plandraft: MODEL_UNKNOWN: unknown model "bogus"');

    const unknown = await cli(["show", "00000000-0000-4000-8000-000000000000"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("DRAFT_NOT_FOUND");

    const drafted = await cli(["draft", FEATURE]);
    const resumed = await cli(["resume", idIn(drafted)]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain(
      `DRAFT_NOT_RESUMABLE: draft ${idIn(drafted)} is completed: there is nothing to resume`,
    );
  });

  it("removes a draft on the server", async () => {
    const id = idIn(await cli(["draft", FEATURE]));
    const run = await cli(["rm", id]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`plandraft: removed draft ${id} and its checkpoints\n`);
    expect((await fetch(`${base}/v1/drafts/${id}`)).status).toBe(404);
  });

  it("exits 1 with SERVER_UNREACHABLE when nothing listens at the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(["list", "--server", url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `plandraft: SERVER_UNREACHABLE: cannot reach the server at ${url} (ECONNREFUSED) (check --server or PLANDRAFT_SERVER, and that \`plandraft serve\` runs there)\n`,
    );
  });
});

describe("the CLI and a server that needs a token", () => {
  const TOKEN = "a-token-of-thirty-two-characters";
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ PLANDRAFT_API_TOKEN: TOKEN });
    base = server.base;
  });
  afterAll(() => server.close());

  it("exits 2 naming PLANDRAFT_API_TOKEN without a token or with a wrong one, and works with it", async () => {
    const none = await runCli(["--server", base, "list"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `plandraft: UNAUTHORIZED: the server at ${base} needs an API token`,
    );
    expect(none.stderr).toContain("PLANDRAFT_API_TOKEN");

    const wrong = await runCli(["--server", base, "list"], {
      env: { PLANDRAFT_API_TOKEN: "not-the-token-but-long-enough" },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      `plandraft: FORBIDDEN: the server at ${base} refused the API token in PLANDRAFT_API_TOKEN`,
    );

    const env = { PLANDRAFT_SERVER: base, PLANDRAFT_API_TOKEN: TOKEN };
    const drafted = await runCli(["draft", FEATURE], { env });
    expect(drafted.code).toBe(0);
    const listed = await runCli(["list"], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(idIn(drafted).slice(0, 8));
  });
});

describe("following a draft on a server across a restart", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  const owner = "server:restart-test";

  /** Opens the gate the model's answers wait at. */
  let release = () => {};

  beforeAll(async () => {
    store = createTestStore();
    const hold = new Promise<void>((resolve) => (release = resolve));
    llm = await startScriptedLlm({ latencyMs: 300, hold });
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  const config = () =>
    loadConfig({
      ...store.env,
      ...scriptedModelEnv(llm),
    });

  /** A server that, like `plandraft serve`, resumes the drafts it was running when it stopped. */
  async function startServer(port: number) {
    const deps = await createDeps(config(), { owner });
    const { app, runner } = await buildServer(deps);
    const url = await app.listen({ host: "127.0.0.1", port });
    for (const draft of await deps.drafts.ownedBy(owner)) await runner.resume(draft.id);
    return {
      url,
      port: Number(new URL(url).port),
      close: async () => {
        await app.close();
        await deps.close();
      },
    };
  }

  it("resume follows a draft the server is running to its end", async () => {
    const server = await startServer(0);
    try {
      const posted = await fetch(`${server.url}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "text/markdown" },
        body: readFileSync(FEATURE),
      });
      const { id } = (await posted.json()) as { id: string };
      // The model answers nothing until the CLI follows the draft, so it is still running then
      // however slowly the CLI starts.
      const cli = spawnCli(["--server", server.url, "resume", id.slice(0, 8)]);
      await waitFor(() => cli.stderr().includes(`draft ${id}`), 30_000, "the CLI to follow");
      release();
      const run = { code: await cli.exited, stdout: cli.stdout(), stderr: cli.stderr() };
      expect(run.stderr).not.toMatch(/DRAFT_NOT_RESUMABLE/);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(await (await fetch(`${server.url}/v1/drafts/${id}/plan.md`)).text());
      expect(run.stderr).toContain(`plandraft: drafted ${id} (version 1) with openai:scripted`);
    } finally {
      release(); // the tests after this one run with the gate open
      await server.close();
    }
  });

  it("reconnects after the server restarts, and misses and repeats nothing", async () => {
    let server = await startServer(0);
    const cli = spawnCli(["--server", server.url, "draft", FEATURE]);
    try {
      await waitFor(() => doneLines(cli.stderr()).length >= 1, 30_000, "a first section");
      await server.close();
      server = await startServer(server.port);
      const code = await cli.exited;
      const run: CliRun = { code, stdout: cli.stdout(), stderr: cli.stderr() };
      expect(run.stderr).toContain(
        `plandraft: lost the connection to ${server.url}; reconnecting…`,
      );
      expect(run.code).toBe(0);
      const id = idIn(run);
      expect(run.stdout).toBe(await (await fetch(`${server.url}/v1/drafts/${id}/plan.md`)).text());
      // Every section ends once: none is lost in the gap, none comes twice from a replay.
      const ends = endLines(run.stderr);
      expect(ends).toHaveLength(10);
      expect(new Set(ends.map((l) => l.replace(/: [^:]+$/, ""))).size).toBe(10);
    } finally {
      cli.child.kill("SIGKILL");
      await server.close();
    }
  });
});

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
