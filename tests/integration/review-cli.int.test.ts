import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { spawnCli, waitFor } from "../support/cli-process.js";
import { briefFill, REGIONS_QUESTION } from "../support/brief.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, scriptedModelEnv, type ScriptedLlm } from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { createTestStore, type TestStore } from "../support/store.js";

const FEATURE = fixturePath("watchlist-feature.md");
const BIN = new URL("../../bin/plandraft.js", import.meta.url).pathname;
const QUESTION = REGIONS_QUESTION;

describe("plandraft draft --review and plandraft review", () => {
  let llm: ScriptedLlm;
  let store: TestStore;
  let env: Record<string, string>;

  beforeAll(async () => {
    llm = await startScriptedLlm({ fill: briefFill() });
    store = createTestStore();
    env = { ...store.env, ...scriptedModelEnv(llm) };
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  /** A draft stopped at the gate, without a terminal: exit 3, the gate on stderr. */
  async function draftToGate(): Promise<string> {
    const before = llm.requests.length;
    const run = await runCli(["draft", FEATURE, "--review"], { env });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("waits for a review of its brief before any section is drafted");
    expect(run.stderr).toContain(`q1. ${QUESTION.question}`);
    expect(run.stderr).toContain("suggested: EU only");
    expect(llm.requests.slice(before).map((r) => r.toolName)).toEqual(["brief"]);
    return /draft ([0-9a-f-]{36}) waits/.exec(run.stderr)![1]!;
  }

  it("stops at the gate (exit 3), lists the draft as awaiting_review, and prints the gate again", async () => {
    const id = await draftToGate();
    const listed = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
      id: string;
      status: string;
    }[];
    expect(listed.find((d) => d.id === id)?.status).toBe("awaiting_review");
    const shown = await runCli(["review", id.slice(0, 8), "--json"], { env });
    expect(shown.code).toBe(3);
    const gate = JSON.parse(shown.stdout) as { id: string; review: { questions: unknown[] } };
    expect(gate.id).toBe(id);
    expect(gate.review.questions).toHaveLength(1);
    const resumed = await runCli(["resume", id], { env });
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toContain("DRAFT_NOT_RESUMABLE");
    expect(resumed.stderr).toContain(`plandraft review ${id}`);
  });

  it("refuses an answers file that does not fit, naming what, and the draft still waits", async () => {
    const id = await draftToGate();
    const unknown = join(mkdtempSync(join(tmpdir(), "plandraft-review-")), "answers.json");
    writeFileSync(unknown, JSON.stringify({ answers: { q4: "x" } }));
    const wrong = await runCli(["review", id, "--answers", unknown], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("REVIEW_ANSWER_INVALID");
    expect(wrong.stderr).toContain("answers.q4: no such question");
    writeFileSync(unknown, "{ not json");
    const broken = await runCli(["review", id, "--answers", unknown], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("is not valid JSON");
    writeFileSync(unknown, JSON.stringify({ answers: { q1: "" } }));
    const empty = await runCli(["review", id, "--answers", unknown], { env });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("answers.q1");
    const listed = JSON.parse((await runCli(["list", "--json"], { env })).stdout) as {
      id: string;
      status: string;
    }[];
    expect(listed.find((d) => d.id === id)?.status).toBe("awaiting_review");
  });

  it("with --approve takes the suggestion and drafts on; a second answer is refused", async () => {
    const id = await draftToGate();
    const before = llm.requests.length;
    const run = await runCli(["review", id, "--approve"], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("**Answered when the brief was reviewed (1)**");
    expect(run.stdout).toContain("Answer: EU only (the suggested answer, accepted)");
    const calls = llm.requests.slice(before);
    expect(calls.map((c) => c.toolName)).not.toContain("brief");
    for (const call of calls) expect(JSON.stringify(call.body.messages)).toContain("EU only");
    const again = await runCli(["review", id, "--approve"], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("DRAFT_NOT_AWAITING_REVIEW");
  });

  it("with --stop ends the draft as cancelled, without a model call", async () => {
    const id = await draftToGate();
    const before = llm.requests.length;
    const run = await runCli(["review", id, "--stop"], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("DRAFT_CANCELLED");
    expect(llm.requests.length).toBe(before);
  });

  it("revise --review stops once the section is re-drafted (exit 3); --approve re-drafts the cascade, --stop drops it", async () => {
    const drafted = await runCli(["draft", FEATURE, "--json"], { env });
    expect(drafted.code).toBe(0);
    const { id } = JSON.parse(drafted.stdout) as { id: string };
    const revise = ["revise", id, "-s", "architecture", "-f", "Reuse the alerts service"];
    const reviseToGate = async () => {
      const before = llm.requests.length;
      const run = await runCli([...revise, "--cascade", "--review"], { env });
      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain(
        `draft ${id} waits for a review of its revised section "Architecture Alignment"`,
      );
      expect(run.stderr).toContain("Feedback: Reuse the alerts service");
      expect(run.stderr).toContain("Kept, these are re-drafted next:");
      expect(llm.requests.slice(before).map((r) => r.toolName)).toEqual(["architecture"]);
    };

    await reviseToGate();
    const answers = join(mkdtempSync(join(tmpdir(), "plandraft-review-")), "answers.json");
    writeFileSync(answers, JSON.stringify({ answers: { q1: "x" } }));
    const wrong = await runCli(["review", id, "--answers", answers], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("keep it with --approve, or drop it with --stop");
    const before = llm.requests.length;
    const kept = await runCli(["review", id, "--approve"], { env });
    expect(kept.code).toBe(0);
    expect(kept.stderr).toContain("(version 2)");
    const cascade = llm.requests.slice(before).map((r) => r.toolName);
    expect(cascade.length).toBeGreaterThan(0);
    expect(cascade).not.toContain("architecture");

    await reviseToGate();
    const dropped = await runCli(["review", id, "--stop"], { env });
    expect(dropped.code).toBe(0);
    expect(dropped.stderr).toContain(`dropped the revision of ${id}: its plan stays version 2`);
    expect(dropped.stdout).toBe(kept.stdout);
    const shown = await runCli(["show", id], { env });
    expect(shown.stdout).toBe(kept.stdout);
  });
});

describe("a server killed while a draft waits at the gate", () => {
  const store = createTestStore();
  afterAll(() => store.drop());

  it("keeps the draft waiting; restarted, it takes the answer and finishes", async () => {
    const llm = await startScriptedLlm({ fill: briefFill() });
    const env = { ...store.env, ...scriptedModelEnv(llm) };
    const serve = () => spawnCli(["serve", "--port", "0"], env);
    const urlOf = async (server: ReturnType<typeof serve>) => {
      await waitFor(() => /serving on http/.test(server.stderr()), 30_000, "the server to listen");
      return /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.stderr())![1]!;
    };
    let server = serve();
    try {
      let url = await urlOf(server);
      const posted = await fetch(`${url}/v1/drafts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          feature: "# Watchlist\n\nAnalysts watch suppliers in /gain.\n",
          review: true,
        }),
      });
      const { id } = (await posted.json()) as { id: string };
      const gated = await watchEvents(`${url}/v1/drafts/${id}/events`).done;
      expect(gated.at(-1)?.type).toBe("review.requested");

      server.child.kill("SIGKILL");
      await server.exited;
      server = serve();
      url = await urlOf(server);
      const shown = (await (await fetch(`${url}/v1/drafts/${id}`)).json()) as { status: string };
      expect(shown.status).toBe("awaiting_review");
      const answered = await fetch(`${url}/v1/drafts/${id}/review`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ approve: true, answers: { q1: "EU and US" } }),
      });
      expect(answered.status).toBe(202);
      const run = await watchEvents(`${url}/v1/drafts/${id}/events`, {
        "last-event-id": gated.at(-1)!.id,
      }).done;
      expect(run.at(-1)?.type).toBe("draft.completed");
      expect(run.at(-1)?.data.markdown).toContain("Answer: EU and US");
    } finally {
      server.child.kill("SIGKILL");
      await server.exited;
      await llm.close();
    }
  });
});

/** `script` (util-linux) runs the CLI in a pseudo-terminal, as a person's shell would. */
const SCRIPT = "/usr/bin/script";

describe.skipIf(!existsSync(SCRIPT))("plandraft review in a terminal", () => {
  let llm: ScriptedLlm;
  let store: TestStore;
  let env: Record<string, string>;
  const repos = ["/data", "/gain", "/edh"].map((repo) => ({ repo, touched: true, why: "x" }));

  beforeAll(async () => {
    llm = await startScriptedLlm({ fill: briefFill(repos) });
    store = createTestStore();
    env = { ...store.env, ...scriptedModelEnv(llm) };
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  it("asks each question (Enter takes the suggestion), lets `e` edit the brief in $EDITOR, then drafts on", async () => {
    const gated = await runCli(["draft", FEATURE, "--review"], { env });
    expect(gated.code).toBe(3);
    const id = /draft ([0-9a-f-]{36}) waits/.exec(gated.stderr)![1]!;

    // The "editor" marks /edh untouched in the YAML it is given, as a person would.
    const dir = mkdtempSync(join(tmpdir(), "plandraft-editor-"));
    const editorScript = join(dir, "edit.mjs");
    writeFileSync(
      editorScript,
      `import { readFileSync, writeFileSync } from "node:fs";
const file = process.argv[2];
const text = readFileSync(file, "utf8").replace(/(- repo: \\/edh\\n\\s+touched:) true(\\n\\s+why:).*/, "$1 false$2 the alerts keep supplier ids only");
writeFileSync(file, text);
`,
    );
    const out = join(dir, "plan.md");
    const command = `${process.execPath} ${BIN} review ${id} -o ${out}`;
    const terminal = spawn(SCRIPT, ["-qfec", command, "/dev/null"], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        TERM: "xterm",
        EDITOR: `${process.execPath} ${editorScript}`,
        ...env,
      },
    });
    let screen = "";
    terminal.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => terminal.on("close", resolve));
    const count = (text: string) => screen.split(text).length - 1;

    await waitFor(() => screen.includes("q1. Which regions"), 30_000, "the first question");
    terminal.stdin.write("\r"); // the suggestion, EU only
    await waitFor(() => count("Draft the plan from this brief?") >= 1, 10_000, "the choice");
    terminal.stdin.write("e\r");
    await waitFor(
      () => count("Draft the plan from this brief?") >= 2,
      20_000,
      "the editor to close",
    );
    terminal.stdin.write("a\r");
    const code = await exited;
    expect(code, screen.slice(-2000)).toBe(0);

    const plan = readFileSync(out, "utf8");
    expect(plan).toContain("Answer: EU only (the suggested answer, accepted)");
    expect(plan).toContain(
      "The alerts keep supplier ids only. Marked untouched when the brief was reviewed",
    );
    expect(llm.requests.map((r) => r.toolName)).not.toContain("repoChanges_edh");
  });

  it("revise --review asks there and then whether to keep the re-drafted section, and keeps it", async () => {
    const drafted = await runCli(["draft", FEATURE, "--json"], { env });
    const { id } = JSON.parse(drafted.stdout) as { id: string };
    const out = join(mkdtempSync(join(tmpdir(), "plandraft-revise-")), "plan.md");
    const command = `${process.execPath} ${BIN} revise ${id} -s architecture -f 'Name the cache' --cascade --review -o ${out}`;
    const terminal = spawn(SCRIPT, ["-qfec", command, "/dev/null"], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        TERM: "xterm",
        ...env,
      },
    });
    let screen = "";
    terminal.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => terminal.on("close", resolve));
    await waitFor(
      () => screen.includes("Keep the revised"),
      30_000,
      "the question whether to keep it",
    );
    expect(screen).toContain("Feedback: Name the cache");
    const before = llm.requests.length;
    terminal.stdin.write("a\r");
    const code = await exited;
    expect(code, screen.slice(-2000)).toBe(0);
    expect(screen).toContain("(version 2)");
    expect(llm.requests.length).toBeGreaterThan(before);
    expect(readFileSync(out, "utf8")).toContain("## Architecture Alignment");
  });
});
