import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";
import { draftAgainst, faultOn } from "../support/faults.js";
import {
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedReply,
  scriptedModelEnv,
} from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Issue 10, finding 6: what a draft may cost is capped, before any call and while it runs.
const FEATURE = fixturePath("watchlist-feature.md");
const dir = mkdtempSync(join(tmpdir(), "plandraft-limits-"));

/** A custom template of `count` sections, each with guidance, so each is a model call. */
function templateOf(count: number): string {
  const sections = Array.from(
    { length: count },
    (_, n) => `## Part ${n + 1}\n*Say what part ${n + 1} of the work is.*\n`,
  );
  return `# Big Plan\n\n${sections.join("\n")}`;
}
const BIG = templateOf(45);

describe("refused before any model call, nothing saved", () => {
  let llm: ScriptedLlm;
  let store: TestStore;
  let env: Record<string, string>;
  const bigFile = join(dir, "big.md");

  beforeAll(async () => {
    writeFileSync(bigFile, BIG);
    llm = await startScriptedLlm();
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

  const drafts = async () =>
    JSON.parse((await runCli(["list", "--json"], { env })).stdout) as unknown[];

  it("CLI draft: a template over PLANDRAFT_MAX_SECTIONS exits 2 with TEMPLATE_TOO_LARGE", async () => {
    const run = await runCli(["draft", FEATURE, "--template", bigFile], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /TEMPLATE_TOO_LARGE: .*45 sections.*more than the 40 .*PLANDRAFT_MAX_SECTIONS/,
    );
    expect(run.stdout).toBe("");
    expect(llm.requests).toHaveLength(0);
    expect(await drafts()).toEqual([]);
  });

  it("CLI draft: more planned calls than PLANDRAFT_MAX_MODEL_CALLS exits 2 with MODEL_CALL_LIMIT", async () => {
    const run = await runCli(["draft", FEATURE], {
      env: { ...env, PLANDRAFT_MAX_MODEL_CALLS: "10" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /MODEL_CALL_LIMIT: .*needs 11 model calls.*more than the 10 .*PLANDRAFT_MAX_MODEL_CALLS/,
    );
    expect(llm.requests).toHaveLength(0);
    expect(await drafts()).toEqual([]);
  });

  it("CLI revise: a cascade that plans more calls than allowed exits 2 before any call", async () => {
    const drafted = await runCli(["draft", FEATURE, "--json"], { env });
    expect(drafted.code).toBe(0);
    const { id } = JSON.parse(drafted.stdout) as { id: string };
    const before = llm.requests.length;
    const run = await runCli(
      ["revise", id, "--section", "Architecture Alignment", "--feedback", "More", "--cascade"],
      { env: { ...env, PLANDRAFT_MAX_MODEL_CALLS: "4" } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/MODEL_CALL_LIMIT: .*needs 5 model calls.*more than the 4/);
    expect(llm.requests).toHaveLength(before);
  });
});

describe("the server refuses with 400 before any model call, nothing saved", () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  const post = async (server: TestServer, body: object) => {
    const answer = await fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };
  const saved = async (server: TestServer) =>
    ((await (await fetch(`${server.base}/v1/drafts`)).json()) as { drafts: unknown[] }).drafts;

  it.each<[string, Record<string, string>, object, RegExp]>([
    ["TEMPLATE_TOO_LARGE", {}, { template: BIG }, /45 sections.*PLANDRAFT_MAX_SECTIONS/],
    ["MODEL_CALL_LIMIT", { PLANDRAFT_MAX_MODEL_CALLS: "5" }, {}, /11 model calls.*the 5 /],
  ])("%s", async (code, env, extra, message) => {
    const server = await startTestServer(env, {});
    servers.push(server);
    const feature = "# A feature\n\nIt does one thing.";
    const answer = await post(server, { feature, ...extra });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(server.llm.requests).toHaveLength(0);
    expect(await saved(server)).toEqual([]);
  });
});

describe("while a draft runs, no request past PLANDRAFT_MAX_MODEL_CALLS is ever sent", () => {
  it.each<[string, string, ScriptedReply]>([
    ["a retry", "architecture", { kind: "error", status: 500 }],
    ["a repair turn", "dataFlow", { kind: "tool", arguments: "{not json" }],
  ])("%s past the limit is not sent; a section fails MODEL_CALL_LIMIT", async (_, tool, fault) => {
    const limit = { PLANDRAFT_MAX_MODEL_CALLS: "11" };
    const { llm, run } = await draftAgainst(faultOn(tool, [fault]), limit);
    if (!("result" in run)) throw run.error;
    expect(llm.requests).toHaveLength(11);
    const refused = run.result.sections.filter((s) => s.status === "failed");
    expect(refused).toEqual([
      expect.objectContaining({
        code: "MODEL_CALL_LIMIT",
        message: expect.stringMatching(/all 11 model calls .*PLANDRAFT_MAX_MODEL_CALLS/),
      }),
    ]);
    expect(run.result.status).toBe("failed");
  });
});
