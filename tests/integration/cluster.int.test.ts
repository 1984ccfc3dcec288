// A cluster on one Postgres, as real processes: two API nodes (`serve --role api`) and two
// workers (`plandraft worker`), drafting with the scripted model. Postgres only: the embedded
// store is one process's.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCli, waitFor, type CliProcess } from "../support/cli-process.js";
import { MAX_TAKES } from "../../src/drafting/queue/draft-worker.js";
import { fixturePath } from "../support/drafting.js";
import { scriptedModelEnv, startScriptedLlm, type ScriptedLlm } from "../support/scripted-llm.js";
import { idsIncrease, sectionTexts, watchEvents, type Received } from "../support/sse.js";
import { createTestStore, testDatabaseUrl, type TestStore } from "../support/store.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");
/** In the title of a draft whose section calls stall (a draft to cancel). */
const STALLED = "Stalled for cancel";

interface Node {
  process: CliProcess;
  url?: string;
}

describe.skipIf(!testDatabaseUrl())("a cluster: two API nodes and two workers", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  let env: Record<string, string>;
  let apis: Node[] = [];
  let workers: Node[] = [];

  /** A process of the cluster, once it says it is ready (or its output, if it never does). */
  const start = async (args: string[], ready: RegExp): Promise<Node> => {
    const node: Node = { process: spawnCli(args, env) };
    const exited = node.process.exited.then((code) => {
      throw new Error(`${args.join(" ")} exited ${code}: ${node.process.stderr()}`);
    });
    const said = waitFor(() => ready.test(node.process.stderr()), 30_000, args.join(" ")).catch(
      (error: Error) => {
        throw new Error(`${error.message}; it wrote: ${node.process.stderr()}`);
      },
    );
    await Promise.race([said, exited]);
    return node;
  };
  const startApi = async (): Promise<Node> => {
    const node = await start(["serve", "--role", "api", "--port", "0"], /serving on http/);
    node.url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(node.process.stderr())![1]!;
    return node;
  };
  const startWorker = () => start(["worker"], /worker running/);
  const startAll = async () => {
    apis = await Promise.all([startApi(), startApi()]);
    workers = await Promise.all([startWorker(), startWorker()]);
  };
  const killAll = async () => {
    for (const node of [...apis, ...workers]) node.process.child.kill("SIGKILL");
    await Promise.all([...apis, ...workers].map((node) => node.process.exited));
  };

  beforeAll(async () => {
    store = createTestStore("postgres");
    llm = await startScriptedLlm({
      latencyMs: 150,
      latencyJitterMs: 50,
      chunkDelayMs: 5,
      // A draft to cancel stays running until it is: its section calls never answer.
      respond: (req) =>
        req.toolName !== "brief" && JSON.stringify(req.body.messages).includes(STALLED)
          ? { kind: "stall" }
          : undefined,
    });
    env = {
      ...store.env,
      ...scriptedModelEnv(llm),
      PLANDRAFT_MAX_RUNNING: "3",
      // A takeover here is made at once with SQL (expireLeases), not by waiting for the lease.
      PLANDRAFT_LEASE_MS: "10000",
    };
    await startAll();
  }, 90_000);
  afterAll(async () => {
    await killAll();
    await llm.close();
    await store.drop();
  });

  const [a, b] = [() => apis[0]!.url!, () => apis[1]!.url!];
  const post = async (base: string, title = "Supplier Risk Watchlist") => {
    const posted = await fetch(`${base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: FEATURE.replace("Supplier Risk Watchlist", title) }),
    });
    expect(posted.status).toBe(202);
    return ((await posted.json()) as { id: string }).id;
  };
  /** The draft's holder: the worker process whose pid its lease names. */
  const holderOf = async (id: string): Promise<Node | undefined> => {
    const { rows } = await store.query!("SELECT owner FROM drafts WHERE id = $1", [id]);
    const pid = Number(/^worker:[^:]+:(\d+):/.exec(String(rows[0]?.owner))?.[1]);
    return workers.find((w) => w.process.child.pid === pid);
  };
  /** What a dead worker's lease would give after its expiry, given at once (no waiting). */
  const expireLeases = (draft?: string) =>
    store.query!(
      `UPDATE "${store.env.PLANDRAFT_DB_SCHEMA}_queue".job SET state = 'retry', start_after = now()
       WHERE name = 'draft' AND state = 'active' AND ($1::text IS NULL OR singleton_key = $1)`,
      [draft ?? null],
    );

  /** Every section's streamed text since its last start adds up to its completed markdown. */
  function expectDeltasAddUp(events: Received[]) {
    const texts = sectionTexts(events);
    const completed = events.filter((e) => e.type === "section.completed");
    expect(completed.length).toBeGreaterThan(0);
    for (const event of completed) {
      expect(texts.get(event.data.section as string)).toBe(event.data.markdown);
    }
  }

  it("streams a draft posted on node A completely from node B", async () => {
    const id = await post(a());
    const events = await watchEvents(`${b()}/v1/drafts/${id}/events`).done;
    expect(events.at(-1)?.type).toBe("draft.completed");
    expect(events.some((e) => e.type === "section.delta")).toBe(true);
    expect(idsIncrease(events)).toBe(true);
    expectDeltasAddUp(events);
  });

  it("finishes a draft on the other worker after its worker is killed, paying no finished section again, and B's client sees it through", async () => {
    const id = await post(a(), "Takeover draft");
    const watching = watchEvents(`${b()}/v1/drafts/${id}/events`);
    const ofDraft = () =>
      llm.requests.filter((r) => JSON.stringify(r.body.messages).includes("Takeover draft"));
    // Once the second wave has asked the model, the first wave's sections are checkpointed.
    await waitFor(() => ofDraft().some((r) => r.toolName === "testing"), 30_000, "the second wave");
    const holder = await holderOf(id);
    expect(holder).toBeDefined();
    const killedAt = performance.now();
    holder!.process.child.kill("SIGKILL");
    await holder!.process.exited;
    const finished = new Set(
      ofDraft()
        .filter((r) => r.endedAt !== undefined && r.endedAt < killedAt)
        .map((r) => r.toolName),
    );
    const before = ofDraft().length;
    // The dead worker's lease runs out before the queue hands its job on: the draft reads
    // interrupted meanwhile, and `plandraft watch` on the database follows it through that.
    await store.query!(
      "UPDATE drafts SET lease_until = now() - interval '1 second' WHERE id = $1",
      [id],
    );
    const watcher = spawnCli(["watch", id], env);
    await waitFor(() => /: done/.test(watcher.stderr()), 30_000, "watch to read the draft");
    await expireLeases(id);

    const events = await watching.done;
    expect(events.at(-1)?.type).toBe("draft.completed");
    expect(idsIncrease(events)).toBe(true);
    expectDeltasAddUp(events);
    const after = ofDraft()
      .slice(before)
      .map((r) => r.toolName);
    for (const tool of finished) expect(after).not.toContain(tool);
    // The other worker finished it: its lease named the survivor.
    expect(events.filter((e) => e.type === "draft.started").at(-1)?.data.resumed).toBe(true);
    expect(await watcher.exited).toBe(0);
    expect(watcher.stdout()).toContain("# Implementation Plan");
    workers = [workers.find((w) => w !== holder)!, await startWorker()];
  });

  it("ends a draft whose run keeps being taken over, instead of passing it round the workers for good; resume takes it up again", async () => {
    const id = await post(a(), "Crash loop draft");
    const watching = watchEvents(`${b()}/v1/drafts/${id}/events`);
    await waitFor(
      () => watching.events.some((e) => e.type === "section.started"),
      30_000,
      "the draft to start",
    );
    const holder = await holderOf(id);
    expect(holder).toBeDefined();
    holder!.process.child.kill("SIGKILL");
    await holder!.process.exited;
    // As if its workers had died MAX_TAKES times: its job's count of takes, and its lease out.
    await store.query!(
      `UPDATE "${store.env.PLANDRAFT_DB_SCHEMA}_queue".job SET retry_count = $2
       WHERE name = 'draft' AND singleton_key = $1`,
      [id, MAX_TAKES],
    );
    await store.query!("UPDATE drafts SET lease_until = now() WHERE id = $1", [id]);
    await expireLeases(id);

    const events = await watching.done;
    expect(events.at(-1)).toMatchObject({
      type: "draft.failed",
      data: { code: "DRAFT_KEEPS_FAILING" },
    });
    // The worker ends the draft (its clients see the event), then completes the job.
    const jobStates = async () => {
      const { rows } = await store.query!(
        `SELECT j.state FROM "${store.env.PLANDRAFT_DB_SCHEMA}_queue".job j
         WHERE j.name = 'draft' AND j.singleton_key = $1`,
        [id],
      );
      return rows.map((row) => (row as { state: string }).state);
    };
    const deadline = Date.now() + 30_000;
    let states = await jobStates();
    while (states.join() === "active" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      states = await jobStates();
    }
    expect(states).toEqual(["completed"]);

    const resumed = spawnCli(["resume", id], env);
    expect(await resumed.exited, resumed.stderr()).toBe(0);
    const draft = (await (await fetch(`${a()}/v1/drafts/${id}`)).json()) as { status: string };
    expect(draft.status).toBe("completed");
    workers = [workers.find((w) => w !== holder)!, await startWorker()];
  });

  it("stops a draft running on a worker when the cancel is sent to the other API node", async () => {
    const id = await post(a(), `${STALLED}: cancelled draft`);
    const watching = watchEvents(`${a()}/v1/drafts/${id}/events`);
    await waitFor(
      () => watching.events.some((e) => e.type === "section.started"),
      30_000,
      "the draft to start",
    );
    const answer = await fetch(`${b()}/v1/drafts/${id}/cancel`, { method: "POST" });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ id, status: "cancelled" });
    const events = await watching.done;
    expect(events.at(-1)).toMatchObject({
      type: "draft.failed",
      data: { code: "DRAFT_CANCELLED" },
    });
    const draft = (await (await fetch(`${a()}/v1/drafts/${id}`)).json()) as { status: string };
    expect(draft.status).toBe("cancelled");
  });

  it("cancels a draft on a worker from the CLI, on the database or through a server", async () => {
    for (const how of [[], ["--server", b()]]) {
      const id = await post(a(), `${STALLED}: CLI cancelled draft ${how.length}`);
      const watching = watchEvents(`${a()}/v1/drafts/${id}/events`);
      await waitFor(
        () => watching.events.some((e) => e.type === "section.started"),
        30_000,
        "the draft to start",
      );
      const cancel = spawnCli([...how, "cancel", id.slice(0, 8)], env);
      expect(await cancel.exited, cancel.stderr()).toBe(0);
      expect(cancel.stderr()).toContain(`cancelled draft ${id}`);
      const events = await watching.done;
      expect(events.at(-1)).toMatchObject({
        type: "draft.failed",
        data: { code: "DRAFT_CANCELLED" },
      });
      const again = spawnCli([...how, "cancel", id], env);
      expect(await again.exited).toBe(2);
      expect(again.stderr()).toContain("DRAFT_NOT_RUNNING");
    }
  });

  it("spreads 20 drafts over both workers, and all complete", async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, n) => post(n % 2 ? a() : b(), `Spread draft ${n}`)),
    );
    const ends = await Promise.all(
      ids.map(
        (id, n) => watchEvents(`${n % 2 ? b() : a()}/v1/drafts/${id}/events`, {}, 120_000).done,
      ),
    );
    expect(ends.map((events) => events.at(-1)?.type)).toEqual(Array(20).fill("draft.completed"));
    // A worker logs a draft's job as done just after the draft's last event: wait for the logs.
    const ranOn = () =>
      workers.map((w) => ids.filter((id) => w.process.stdout().includes(id)).length);
    await waitFor(
      () => ranOn().reduce((x, y) => x + y, 0) >= 20,
      10_000,
      "each draft's job in a worker's log",
    );
    expect(
      ranOn().every((n) => n > 0),
      `drafts per worker: ${ranOn().join(", ")}`,
    ).toBe(true);
    expect(ranOn().reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(20);
  }, 180_000);

  it("loses no draft when every process is killed mid-burst and started again", async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, n) => post(n % 2 ? a() : b(), `Burst draft ${n}`)),
    );
    await waitFor(
      () => llm.requests.some((r) => JSON.stringify(r.body.messages).includes("Burst draft")),
      30_000,
      "the burst to start",
    );
    await killAll();
    // The dead workers' leases run out (at once here), then everything starts again.
    await expireLeases();
    await startAll();
    const ends = await Promise.all(
      ids.map((id) => watchEvents(`${a()}/v1/drafts/${id}/events`, {}, 90_000).done),
    ).catch(async (error: Error) => {
      // Where each draft and its job stand, to say why one never ended.
      const { rows } = await store.query!(
        `SELECT d.id, d.status, d.owner, d.lease_until < now() AS expired,
                (SELECT json_agg(json_build_object('state', j.state, 'retries', j.retry_count))
                 FROM "${store.env.PLANDRAFT_DB_SCHEMA}_queue".job j WHERE j.singleton_key = d.id::text) AS jobs
         FROM drafts d WHERE d.id = ANY($1::uuid[])`,
        [ids],
      );
      const logs = workers.map((w) => w.process.stdout().split("\n").slice(-15).join("\n"));
      throw new Error(`${error.message}\n${JSON.stringify(rows, null, 1)}\n${logs.join("\n--\n")}`);
    });
    expect(ends.map((events) => events.at(-1)?.type)).toEqual(Array(8).fill("draft.completed"));
  }, 180_000);
});
