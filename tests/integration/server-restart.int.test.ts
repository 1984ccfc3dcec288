import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startServer, type RunningServer } from "../../src/server/main.js";
import { buildLayout } from "../../graphs/plan-drafter/topology.js";
import { slugify } from "../../src/template/text.js";
import { DEFAULT_TEMPLATE, fixturePath } from "../support/drafting.js";
import { startScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { idsIncrease, sectionTexts, watchEvents } from "../support/sse.js";
import { runCli } from "../support/cli.js";
import { createTestStore } from "../support/store.js";

const FEATURE = readFileSync(fixturePath("watchlist-feature.md"), "utf8");

/** The tool each section is drafted with: how the scripted server's log names a section. */
const toolOf = new Map(
  buildLayout(DEFAULT_TEMPLATE).units.map((u) => [
    u.id,
    (u.repo ? `${u.node}_${slugify(u.repo).replace(/-/g, "_")}` : u.node).slice(0, 64),
  ]),
);

describe("a server stopped with SIGTERM in the middle of a draft", () => {
  const store = createTestStore();
  afterAll(() => store.drop());

  it("ends the streams, and once restarted resumes the draft; the client reconnects and misses nothing", async () => {
    const llm = await startScriptedLlm({ latencyMs: 250, chunkDelayMs: 2 });
    const env = {
      ...store.env,
      ...scriptedModelEnv(llm),
      PLANDRAFT_SERVER_ID: "restart-test",
      PLANDRAFT_PORT: "0",
    };
    const quiet = { stderr: { write: () => true } as unknown as NodeJS.WritableStream };
    let server: RunningServer = await startServer(loadConfig(env), quiet);
    try {
      const port = new URL(server.url).port;
      const posted = await fetch(`${server.url}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ feature: FEATURE }),
      });
      const { id } = (await posted.json()) as { id: string };
      const watch = watchEvents(`${server.url}/v1/drafts/${id}/events`);
      // Stop once some sections are done and others are streaming.
      while (watch.events.filter((e) => e.type === "section.completed").length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await server.close();
      const beforeStop = [...watch.events];
      const completedBefore = beforeStop
        .filter((e) => e.type === "section.completed")
        .map((e) => e.data.section as string);
      expect(beforeStop.some((e) => e.type.startsWith("draft."))).toBe(true);
      expect(beforeStop.at(-1)?.type).not.toBe("draft.completed");

      server = await startServer(loadConfig({ ...env, PLANDRAFT_PORT: port }), quiet);
      const events = await watch.done; // the same EventSource, reconnected with Last-Event-ID

      expect(idsIncrease(events)).toBe(true);
      const runs = events.filter((e) => e.type === "draft.started");
      expect(runs.map((e) => e.data.resumed as boolean)).toEqual([false, true]);
      expect(events.at(-1)).toMatchObject({ type: "draft.completed", data: { version: 1 } });
      const texts = sectionTexts(events);
      for (const done of events.filter((e) => e.type === "section.completed")) {
        expect(texts.get(done.data.section as string)).toBe(done.data.markdown);
      }
      // Sections finished before the stop were not drafted (or paid for) again.
      for (const section of completedBefore) {
        const calls = llm.requests.filter((r) => r.toolName === toolOf.get(section));
        expect(calls, section).toHaveLength(1);
      }
      const plan = await (await fetch(`${server.url}/v1/drafts/${id}/plan.md`)).text();
      expect(events.at(-1)?.data.markdown).toBe(plan);
    } finally {
      await server.close();
      await llm.close();
    }
  });
});

describe("a draft left queued on the embedded store when its server stopped", () => {
  const store = createTestStore("embedded");
  afterAll(() => store.drop());

  it("is not waited on by watch, which nothing else can run it beside; the server takes it up again", async () => {
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    const llm = await startScriptedLlm({ latencyMs: 20, hold });
    const env = {
      ...store.env,
      ...scriptedModelEnv(llm),
      PLANDRAFT_SERVER_ID: "queued-test",
      PLANDRAFT_PORT: "0",
      PLANDRAFT_MAX_RUNNING: "1",
    };
    const quiet = { stderr: { write: () => true } as unknown as NodeJS.WritableStream };
    try {
      let server: RunningServer = await startServer(loadConfig(env), quiet);
      const post = async () => {
        const posted = await fetch(`${server.url}/v1/drafts`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ feature: FEATURE }),
        });
        return ((await posted.json()) as { id: string; status: string }).id;
      };
      await post(); // runs, held at its first model call
      const queued = await post(); // waits for the one slot
      const status = async () =>
        ((await (await fetch(`${server.url}/v1/drafts/${queued}`)).json()) as { status: string })
          .status;
      expect(await status()).toBe("queued");
      await server.close();

      const watched = await runCli(["watch", queued], { env });
      expect(watched.code).toBe(2);
      expect(watched.stderr).toContain(`DRAFT_NOT_RUNNING: draft ${queued} is queued`);
      expect(watched.stderr).toContain("plandraft serve");

      // What the hint says: a server on the store takes the draft up again.
      release();
      server = await startServer(loadConfig(env), quiet);
      try {
        const events = await watchEvents(`${server.url}/v1/drafts/${queued}/events`).done;
        expect(events.at(-1)?.type).toBe("draft.completed");
      } finally {
        await server.close();
      }
    } finally {
      release();
      await llm.close();
    }
  });
});
