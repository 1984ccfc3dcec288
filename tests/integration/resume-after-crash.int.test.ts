import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliOwner } from "../../src/store/draft-owner.js";
import { runCli } from "../support/cli.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE_SOURCE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");
const kinds = testDatabaseUrl() ? (["postgres", "embedded"] as const) : (["embedded"] as const);

describe.each(kinds)("resume right after a crash (%s store)", (kind) => {
  let llm: ScriptedLlm;
  let store: TestStore;
  let env: Record<string, string>;

  beforeAll(async () => {
    llm = await startScriptedLlm({ latencyMs: 400 });
    store = createTestStore(kind);
    // A lease that outlasts the test: a resume that waited for it would fail with DRAFT_BUSY.
    env = { ...store.env, ...scriptedModelEnv(llm), PLANDRAFT_LEASE_MS: "600000" };
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  it("takes over the draft of a CLI killed with SIGKILL at once", async () => {
    const first = spawnCli(["draft", FEATURE], env);
    // A section is done, and the next wave has begun: so the first wave's checkpoint is saved.
    await waitFor(
      () =>
        /^plandraft: .+: done$/m.test(first.stderr()) &&
        llm.requests.some((r) => r.toolName === "testing"),
      30_000,
      "a finished section and the next wave",
    );
    const killedAt = performance.now();
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const id = /draft ([0-9a-f-]{36})/.exec(first.stderr())![1]!;
    const finished = new Set(
      llm.requests
        .filter((r) => r.endedAt !== undefined && r.endedAt < killedAt)
        .map((r) => r.toolName),
    );
    expect(finished).toContain("architecture");
    const before = llm.requests.length;

    const resumed = await runCli(["resume", id], { env });
    expect(resumed.stderr).not.toMatch(/DRAFT_BUSY/);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/drafted .* \(version 1\)/);
    const again = llm.requests.slice(before).map((r) => r.toolName);
    for (const tool of finished) expect(again).not.toContain(tool);
    expect(again).toContain("testing");
  });

  it.runIf(kind === "postgres")(
    "refuses a lease that a live or unknown process holds, naming it and its lease's end",
    async () => {
      const here = cliOwner(); // this test process: alive, on this host
      const holders = [
        {
          owner: here.replace(/[0-9a-f]{8}$/, "0badcafe"),
          pid: process.pid,
          host: hostnameOf(here),
        },
        // a pid that cannot be running here says nothing about a process of another host
        {
          owner: "cli:build-elsewhere:-:999999999:0badcafe",
          pid: 999999999,
          host: "build-elsewhere",
        },
      ];
      for (const holder of holders) {
        const id = await fakeRunningDraft(store, holder.owner);
        const refused = await runCli(["resume", id], { env });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(
          `DRAFT_BUSY: draft ${id} is being drafted by plandraft process ${holder.pid} on ${holder.host} (${holder.owner}), whose lease holds until `,
        );
        expect(refused.stderr).toMatch(/until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
        expect(refused.stderr).toContain(`stop process ${holder.pid} on ${holder.host}`);
        const row = await store.query!("SELECT owner FROM drafts WHERE id = $1", [id]);
        expect(row.rows[0]).toEqual({ owner: holder.owner }); // still theirs
      }
    },
  );
});

function hostnameOf(owner: string): string {
  return owner.split(":")[1]!;
}

/** A draft some other process is running, as its row says: claimed, with a lease of 10 minutes. */
async function fakeRunningDraft(store: TestStore, owner: string): Promise<string> {
  const { rows } = await store.query!(
    `INSERT INTO drafts (id, title, status, model, template, feature_text, feature_source, owner, lease_until)
     VALUES (gen_random_uuid(), 'Watchlists', 'running', 'openai:scripted', $1, $2, $3, $4,
             now() + interval '10 minutes')
     RETURNING id`,
    [DEFAULT_TEMPLATE_SOURCE, readFileSync(FEATURE, "utf8"), FEATURE, owner],
  );
  return (rows[0] as { id: string }).id;
}
