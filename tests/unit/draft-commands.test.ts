import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { draftCommand, reviseCommand } from "../../src/cli/draft-command.js";
import type { CliIo } from "../../src/cli/cli-io.js";
import { listCommand, showCommand } from "../../src/cli/store-commands.js";
import { loadConfig } from "../../src/config.js";
import type { Drafts, NewDraft, RunEvent, RunResult } from "../../src/drafting/drafts.js";

// The CLI's commands are written once, over `Drafts`: a run here and one on a server differ only
// in the implementation main.ts picks. This one stands in for either, as a server's would: the
// stream's events and a result without graph nodes.

const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, calls: 0 };
const summary = {
  id: "5d0c1a52-0000-4000-8000-000000000001",
  title: "Watchlist",
  status: "completed" as const,
  model: "none",
  createdAt: "2026-12-01T09:14:03.120Z",
  updatedAt: "2026-12-01T09:15:00.000Z",
  versions: 1,
  error: null,
  usage: null,
};

function fakeDrafts(result: RunResult, submitted: NewDraft[] = []): Drafts {
  const run = (onEvent: (event: RunEvent) => void) => {
    onEvent({
      type: "draft.started",
      data: {
        id: result.id,
        title: result.title,
        sections: [{ id: "a", title: "Architecture", dependsOn: [] }],
        resumed: false,
        revision: null,
      },
    });
    onEvent({ type: "section.started", data: { section: "a" } });
    onEvent({ type: "section.completed", data: { section: "a", status: "drafted", markdown: "" } });
    return Promise.resolve({ id: result.id, done: Promise.resolve(result) });
  };
  return {
    submit: async (draft, watch) => {
      submitted.push(draft);
      await draft.readFeature();
      return run(watch.onEvent);
    },
    resume: (_id, _workspace, watch) => run(watch.onEvent),
    revise: (_id, _change, _workspace, watch) => run(watch.onEvent),
    events: (_id, watch) => run(watch.onEvent),
    review: (_id, _answer, _workspace, watch) => run(watch.onEvent),
    gate: () =>
      Promise.resolve({
        id: summary.id,
        gate: {
          kind: "brief",
          brief: { goal: "g", in_scope: [], out_of_scope: [], repos: [], integrations: [] },
          questions: [],
        },
      }),
    cancel: () => Promise.resolve(summary.id),
    remove: () => Promise.resolve(summary.id),
    get: () => Promise.resolve({ draft: summary, plan: { version: 1, markdown: "# Plan\n" } }),
    list: () => Promise.resolve([summary]),
    templates: () => Promise.resolve([{ id: "default", title: "Implementation Plan" }]),
    close: () => Promise.resolve(),
  };
}

function captureIo(stdinText = "") {
  const stream = () => {
    const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    let text = "";
    s.on("data", (chunk: Buffer) => (text += chunk.toString()));
    return { s, text: () => text };
  };
  const stdout = stream();
  const stderr = stream();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const io: CliIo = { stdout: stdout.s, stderr: stderr.s, stdin, env: {} };
  return { io, stdout: stdout.text, stderr: stderr.text };
}

const completed: RunResult = {
  id: summary.id,
  title: "Watchlist",
  status: "completed",
  model: "none",
  markdown: "# Plan\n",
  sections: [{ id: "a", title: "Architecture", dependsOn: [], status: "drafted" }],
  usage,
  findings: [],
  version: 1,
};

describe("the CLI's commands over a Drafts", () => {
  it("draft reads the doc through the request, shows progress and prints the plan", async () => {
    const { io, stdout, stderr } = captureIo("# Watchlist\n\nWatch suppliers.\n");
    const submitted: NewDraft[] = [];
    const code = await draftCommand(
      fakeDrafts(completed, submitted),
      loadConfig({}),
      "-",
      { repo: ["/gain=../gain"], model: "none" },
      io,
    );
    expect(code).toBe(0);
    expect(stdout()).toBe("# Plan\n");
    expect(stderr().split("\n")).toEqual([
      `plandraft: draft ${summary.id}: 1 sections`,
      "plandraft: Architecture: drafting",
      "plandraft: Architecture: done",
      `plandraft: drafted ${summary.id} (version 1) with none, no model calls`,
      "",
    ]);
    expect(submitted[0]).toMatchObject({
      featurePath: "-",
      model: "none",
      workspace: { repo: ["/gain=../gain"] },
    });
  });

  it("revise exits 1 naming the failed section, and writes no plan", async () => {
    const { io, stdout, stderr } = captureIo();
    const failed: RunResult = {
      ...completed,
      status: "failed",
      markdown: "",
      sections: [
        {
          id: "a",
          title: "Architecture",
          dependsOn: [],
          status: "failed",
          code: "X",
          message: "y",
        },
      ],
    };
    const code = await reviseCommand(
      fakeDrafts(failed),
      summary.id,
      { section: "a", feedback: "shorter" },
      io,
    );
    expect(code).toBe(1);
    expect(stdout()).toBe("");
    expect(stderr()).toContain("  ✗ Architecture: X: y");
  });

  it("revise refuses empty feedback before asking the drafts anything", async () => {
    const { io } = captureIo();
    await expect(
      reviseCommand(fakeDrafts(completed), summary.id, { section: "a", feedback: " " }, io),
    ).rejects.toMatchObject({ code: "USAGE" });
  });

  it("list and show print what the drafts give", async () => {
    const listed = captureIo();
    expect(await listCommand(fakeDrafts(completed), { limit: 5 }, listed.io)).toBe(0);
    expect(listed.stdout()).toMatch(
      /^ID\s+STATUS.*\n5d0c1a52\s+completed\s+1\s+none\s+2026-12-01 09:14/,
    );
    const shown = captureIo();
    expect(await showCommand(fakeDrafts(completed), "5d0c", {}, shown.io)).toBe(0);
    expect(shown.stdout()).toBe("# Plan\n");
    expect(shown.stderr()).toBe(`plandraft: ${summary.id} version 1 of 1 (completed)\n`);
  });
});
