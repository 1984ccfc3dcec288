import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { cliOwner } from "../../src/store/draft-owner.js";
import { runCli } from "../support/cli.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { DEFAULT_TEMPLATE, DEFAULT_TEMPLATE_SOURCE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");
/**
 * Crash and resume on one kind of store. Each kind has its own test file (resume-*.int.test.ts),
 * so the two, among the suite's longest, run side by side.
 */
export function describeResume(kind: "postgres" | "embedded"): void {
  describe.skipIf(kind === "postgres" && !testDatabaseUrl())(
    `crash and resume (${kind} store)`,
    () => {
      let llm: ScriptedLlm;
      let store: TestStore;
      let env: Record<string, string>;

      beforeAll(async () => {
        llm = await startScriptedLlm({ latencyMs: 400 });
        store = createTestStore(kind);
        env = {
          ...store.env,
          ...scriptedModelEnv(llm),
          PLANDRAFT_LEASE_MS: "1000",
        };
      });
      afterAll(async () => {
        await llm.close();
        await store.drop();
      });

      it("resumes a draft killed with SIGKILL without drafting finished sections again", async () => {
        const first = spawnCli(["draft", FEATURE], env);
        const finished = (tool: string) =>
          llm.requests.some((r) => r.toolName === tool && r.endedAt !== undefined);
        // analyze, then the first wave of sections are done; the second wave is in flight
        await waitFor(
          () => finished("architecture") && llm.requests.some((r) => r.toolName === "testing"),
          30_000,
          "the second wave",
        );
        // with durability "sync", the next wave starts only once the first wave's checkpoint is saved
        const killedAt = performance.now();
        first.child.kill("SIGKILL");
        expect(await first.exited).toBeNull();
        const id = /draft ([0-9a-f-]{36})/.exec(first.stderr())?.[1];
        expect(id).toBeDefined();

        // No wait for the lease: its holder is known dead.
        expect(await listedStatus(env, id!)).toBe("interrupted");

        // answered before the kill (the server also closes the requests the dead client left open)
        const done = new Set(
          llm.requests
            .filter((r) => r.endedAt !== undefined && r.endedAt < killedAt)
            .map((r) => r.toolName),
        );
        expect(done).toEqual(
          new Set([
            "brief",
            "architecture",
            "dataFlow",
            "repoChanges_data",
            "repoChanges_gain",
            "repoChanges_edh",
            "repoChanges_infra",
          ]),
        );
        const before = llm.requests.length;

        const resumed = await runCli(["resume", id!.slice(0, 8)], { env });
        expect(resumed.stderr).toMatch(/drafted .* \(version 1\)/);
        expect(resumed.code).toBe(0);
        const again = llm.requests.slice(before).map((r) => r.toolName);
        for (const tool of done) expect(again).not.toContain(tool);
        expect(new Set(again)).toEqual(
          new Set(["testing", "phases", "summary", "successCriteria"]),
        );
        expect(await checkPlan(resumed.stdout, DEFAULT_TEMPLATE)).toEqual([]);

        const shown = await runCli(["show", id!], { env });
        expect(shown.stdout).toBe(resumed.stdout);
        const after = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
          id: string;
          status: string;
          versions: number;
        }[];
        expect(after.find((d) => d.id === id)).toMatchObject({ status: "completed", versions: 1 });
      });

      it("refuses to resume a draft that is finished, or that does not exist", async () => {
        const drafted = await runCli(["draft", FEATURE, "--json"], { env });
        const { id } = JSON.parse(drafted.stdout) as { id: string };
        const again = await runCli(["resume", id], { env });
        expect(again.code).toBe(2);
        expect(again.stderr).toMatch(
          /DRAFT_NOT_RESUMABLE: draft .* is completed: it has nothing left to draft/,
        );
        const missing = await runCli(["resume", "deadbeef"], { env });
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/DRAFT_NOT_FOUND: no draft deadbeef/);
      });

      // The embedded store is one process's: a test cannot reach its SQL from outside.
      it.runIf(kind === "postgres")(
        "ends a draft whose process died after its last checkpoint, drafting nothing and keeping one version",
        async () => {
          if (!store.query) throw new Error("a Postgres store has SQL");
          const drafted = await runCli(["draft", FEATURE, "--json"], { env });
          const { id } = JSON.parse(drafted.stdout) as { id: string };
          const calls = llm.requests.length;
          // As if the process died before saving the outcome: once after keeping the version, once before.
          for (const keptVersion of [true, false]) {
            if (!keptVersion)
              await store.query("DELETE FROM draft_versions WHERE draft_id = $1", [id]);
            await store.query(
              `UPDATE drafts SET status = 'running', owner = 'cli:elsewhere:-:1:0000dead',
                lease_until = now() - interval '1 second' WHERE id = $1`,
              [id],
            );
            const resumed = await runCli(["resume", id, "--json"], { env });
            expect(resumed.code, resumed.stderr).toBe(0);
            expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "completed", version: 1 });
            const listed = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
              id: string;
              status: string;
              versions: number;
            }[];
            expect(listed.find((d) => d.id === id)).toMatchObject({
              status: "completed",
              versions: 1,
            });
          }
          expect(llm.requests.length).toBe(calls);
        },
      );

      it("refuses a second resume of the same draft while the first runs", async () => {
        const first = spawnCli(["draft", FEATURE], env);
        await waitFor(
          () =>
            /draft ([0-9a-f-]{36})/.test(first.stderr()) &&
            llm.requests.some((r) => r.toolName === "architecture"),
          30_000,
          "the draft to start",
        );
        first.child.kill("SIGKILL");
        await first.exited;
        const id = /draft ([0-9a-f-]{36})/.exec(first.stderr())![1]!;

        // The first resume's next model call never answers, so it is surely still running when the
        // second one asks; a race on start-up times cannot decide the outcome.
        const stalled = await startScriptedLlm({ respond: () => ({ kind: "stall" }) });
        const stalledEnv = { ...env, OPENAI_BASE_URL: stalled.baseURL };
        const a = spawnCli(["resume", id], stalledEnv);
        try {
          await waitFor(
            () => stalled.requests.length > 0,
            30_000,
            "the first resume to call the model",
          );
          const b = spawnCli(["resume", id], stalledEnv);
          expect(await b.exited).toBe(2);
          expect(b.stderr()).toMatch(
            kind === "postgres"
              ? /DRAFT_BUSY: draft .* is being drafted by plandraft process \d+ on /
              : /STORE_BUSY: the embedded store .* is in use by plandraft process \d+/,
          );
          expect(b.stdout()).toBe("");
          expect(a.child.exitCode).toBeNull(); // the first is still drafting
        } finally {
          a.child.kill("SIGKILL");
          await a.exited;
          await stalled.close();
        }
      });

      it("takes over the draft of a CLI killed with SIGKILL at once", async () => {
        // A lease that outlasts the test: a resume that waited for it would fail with DRAFT_BUSY.
        const longLease = { ...env, PLANDRAFT_LEASE_MS: "600000" };
        const earlier = llm.requests.length; // the requests of this file's earlier tests
        const first = spawnCli(["draft", FEATURE], longLease);
        // A section is done, and the next wave has begun: so the first wave's checkpoint is saved.
        await waitFor(
          () =>
            /^plandraft: .+: done$/m.test(first.stderr()) &&
            llm.requests.slice(earlier).some((r) => r.toolName === "testing"),
          30_000,
          "a finished section and the next wave",
        );
        const killedAt = performance.now();
        first.child.kill("SIGKILL");
        expect(await first.exited).toBeNull();
        const id = /draft ([0-9a-f-]{36})/.exec(first.stderr())![1]!;
        const finished = new Set(
          llm.requests
            .slice(earlier)
            .filter((r) => r.endedAt !== undefined && r.endedAt < killedAt)
            .map((r) => r.toolName),
        );
        expect(finished).toContain("architecture");
        // Its lease holds for minutes yet, but its holder is known dead: list and show say so.
        expect(await listedStatus(longLease, id)).toBe("interrupted");
        const shown = await runCli(["show", id, "--json"], { env: longLease });
        expect(JSON.parse(shown.stdout)).toMatchObject({ id, status: "interrupted" });
        // Nothing runs it: watch says so and how to finish it, rather than wait for good.
        const watched = await runCli(["watch", id], { env: longLease });
        expect(watched.code).toBe(2);
        expect(watched.stderr).toContain(`DRAFT_NOT_RUNNING: draft ${id} was interrupted`);
        expect(watched.stderr).toContain(`plandraft resume ${id}`);
        const before = llm.requests.length;

        const resumed = await runCli(["resume", id], { env: longLease });
        expect(resumed.stderr).not.toMatch(/DRAFT_BUSY/);
        expect(resumed.code).toBe(0);
        expect(resumed.stderr).toMatch(/drafted .* \(version 1\)/);
        const again = llm.requests.slice(before).map((r) => r.toolName);
        for (const tool of finished) expect(again).not.toContain(tool);
        expect(again).toContain("testing");

        // Finished: watch shows its runs again and prints its plan, as show does.
        const rewatched = await runCli(["watch", id], { env: longLease });
        expect(rewatched.code, rewatched.stderr).toBe(0);
        expect(rewatched.stdout).toBe(resumed.stdout);
        expect(rewatched.stderr).toMatch(/drafted .* \(version 1\)/);
      });

      it.runIf(kind === "postgres")(
        "watch follows a draft that another process on the database is drafting, to its end",
        async () => {
          let release = () => {};
          const gated = await startScriptedLlm({
            latencyMs: 20,
            hold: new Promise<void>((resolve) => (release = resolve)),
          });
          try {
            const gatedEnv = { ...env, ...scriptedModelEnv(gated) };
            const drafting = spawnCli(["draft", FEATURE], gatedEnv);
            await waitFor(() => /draft [0-9a-f-]{36}/.test(drafting.stderr()), 30_000, "the draft");
            const id = /draft ([0-9a-f-]{36})/.exec(drafting.stderr())![1]!;
            const watching = spawnCli(["watch", id.slice(0, 8)], gatedEnv);
            // The model answers nothing until the watcher has the draft's start: it follows it live.
            await waitFor(() => watching.stderr().includes(`draft ${id}`), 30_000, "the watcher");
            expect(drafting.child.exitCode).toBeNull();
            release();
            expect(await drafting.exited, drafting.stderr()).toBe(0);
            expect(await watching.exited, watching.stderr()).toBe(0);
            expect(watching.stdout()).toBe(drafting.stdout());
            const ends = (text: string) =>
              text
                .split("\n")
                .filter((l) => /: done$/.test(l))
                .sort();
            expect(ends(watching.stderr())).toEqual(ends(drafting.stderr()));
            expect(ends(watching.stderr()).length).toBeGreaterThan(5);
          } finally {
            release();
            await gated.close();
          }
        },
      );

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
            // list and rm apply the same rule: a live or unknown holder is drafting it
            expect(await listedStatus(env, id)).toBe("running");
            const kept = await runCli(["rm", id], { env });
            expect(kept.code).toBe(2);
            expect(kept.stderr).toMatch(/DRAFT_BUSY: draft .* is being drafted by /);
            await store.query!("DELETE FROM drafts WHERE id = $1", [id]);
          }
        },
      );

      it("rm deletes the draft of a CLI killed with SIGKILL at once", async () => {
        const longLease = { ...env, PLANDRAFT_LEASE_MS: "600000" };
        const first = spawnCli(["draft", FEATURE], longLease);
        await waitFor(
          () => /^plandraft: .+: done$/m.test(first.stderr()),
          30_000,
          "a finished section",
        );
        first.child.kill("SIGKILL");
        expect(await first.exited).toBeNull();
        const id = /draft ([0-9a-f-]{36})/.exec(first.stderr())![1]!;

        const removed = await runCli(["rm", id], { env: longLease });
        expect(removed.stderr).not.toMatch(/DRAFT_BUSY/);
        expect(removed.code).toBe(0);
        expect(removed.stderr).toContain(`removed draft ${id} and its checkpoints`);
        expect(await listedStatus(longLease, id)).toBeUndefined();
      });

      it("rm deletes a draft with its versions and checkpoints", async () => {
        const drafted = await runCli(["draft", FEATURE, "--json"], { env });
        const { id } = JSON.parse(drafted.stdout) as { id: string };
        const checkpoints = async () =>
          Number(
            (
              await store.query?.("SELECT count(*) AS n FROM checkpoints WHERE thread_id = $1", [
                id,
              ])
            )?.rows[0]?.n ?? -1,
          );
        if (store.query) expect(await checkpoints()).toBeGreaterThan(0);
        const removed = await runCli(["rm", id.slice(0, 8)], { env });
        expect(removed.code).toBe(0);
        expect(removed.stderr).toContain(`removed draft ${id} and its checkpoints`);
        if (store.query) {
          expect(await checkpoints()).toBe(0);
          expect(
            (
              await store.query("SELECT count(*) AS n FROM draft_versions WHERE draft_id = $1", [
                id,
              ])
            ).rows[0].n,
          ).toBe("0");
        }
        const listed = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
          id: string;
        }[];
        expect(listed.map((d) => d.id)).not.toContain(id);
        expect((await runCli(["show", id], { env })).stderr).toMatch(/DRAFT_NOT_FOUND/);
      });
    },
  );
}

/** The draft's status as `plandraft list --json` gives it; undefined when it is not listed. */
async function listedStatus(env: Record<string, string>, id: string): Promise<string | undefined> {
  const listed = await runCli(["list", "--json"], { env });
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as { id: string; status: string }[]).find((d) => d.id === id)
    ?.status;
}

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
