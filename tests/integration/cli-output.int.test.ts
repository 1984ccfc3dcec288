import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli, type CliRun } from "../support/cli.js";
import { spawnCli } from "../support/cli-process.js";
import { fixturePath } from "../support/drafting.js";
import { startScriptedLlm, type ScriptedLlm, scriptedModelEnv } from "../support/scripted-llm.js";
import { createTestStore, type TestStore } from "../support/store.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// `-o` is checked whole before the store opens or a model is called: a plan that cannot be
// written at the end is a draft paid for and lost (issue 10, finding 7).

const FEATURE = fixturePath("watchlist-feature.md");
const dir = mkdtempSync(join(tmpdir(), "plandraft-cli-output-"));
const folder = join(dir, "plans");
mkdirSync(folder);
const aFile = join(dir, "notes.txt");
writeFileSync(aFile, "not a folder\n");
const linked = join(folder, "linked.md");
symlinkSync(join(dir, "elsewhere.md"), linked);
const isRoot = process.getuid?.() === 0;

interface Target {
  name: string;
  output: string;
  /** The one line that says what is wrong and how to fix it. */
  message: RegExp;
}

const FOLDER: Target = {
  name: "an existing folder",
  output: folder,
  message:
    /OUTPUT_WRITE_FAILED: cannot write the plan to .*plans: it is a folder \(give a file path inside it, such as .*plans\/plan\.md\)/,
};
const MISSING_FOLDER: Target = {
  name: "a folder that does not exist",
  output: join(dir, "no", "such", "plan.md"),
  message:
    /OUTPUT_WRITE_FAILED: cannot write the plan to .*plan\.md: the folder .*no\/such does not exist \(create it first with mkdir -p/,
};
const UNDER_A_FILE: Target = {
  name: "a path under a regular file",
  output: join(aFile, "plan.md"),
  message:
    /OUTPUT_WRITE_FAILED: cannot write the plan to .*: .*notes\.txt is a file, not a folder \(choose a path in a folder/,
};
const SYMLINK: Target = {
  name: "a symbolic link",
  output: linked,
  message:
    /OUTPUT_WRITE_FAILED: cannot write the plan to .*linked\.md: it is a symbolic link to .*elsewhere\.md/,
};
// A named pipe of the test's own, never a shared device: should the check ever regress, a root
// test run would replace the device node with a plan (it once did, to /dev/null).
const pipe = join(dir, "pipe.md");
execFileSync("mkfifo", [pipe]);
const NOT_A_FILE: Target = {
  name: "a named pipe",
  output: pipe,
  message: /OUTPUT_WRITE_FAILED: cannot write the plan to .*pipe\.md: it is not a regular file/,
};
const TARGETS: Target[] = [
  FOLDER,
  {
    name: "a path that ends with a slash",
    output: `${join(dir, "new")}/`,
    message:
      /OUTPUT_WRITE_FAILED: cannot write the plan to .*new\/: it names a folder \(give a file path/,
  },
  MISSING_FOLDER,
  UNDER_A_FILE,
  {
    // A folder that even root cannot add a file to: what a read-only folder is for other users.
    name: "a folder that refuses new files (/sys)",
    output: "/sys/plan.md",
    message:
      /OUTPUT_WRITE_FAILED: cannot write the plan to \/sys\/plan\.md: no file can be created in the folder \/sys \(permission denied\)/,
  },
  SYMLINK,
  NOT_A_FILE,
];

/** Exit 2, the one line, nothing on stdout, nothing left in the folders the test made. */
function expectRefused(run: CliRun, message: RegExp): void {
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(readdirSync(folder).sort()).toEqual(["linked.md"]);
  expect(readdirSync(dir).sort()).toEqual(["notes.txt", "pipe.md", "plans"]);
}

describe("draft, revise and show -o: the target is checked before any model call", () => {
  let store: TestStore;
  let llm: ScriptedLlm;
  let drafted = "";
  beforeAll(async () => {
    store = createTestStore();
    llm = await startScriptedLlm();
    // One finished draft, drafted by the scripted model, for revise and show to work on.
    const run = await runCli(["draft", FEATURE, "--json"], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    drafted = (JSON.parse(run.stdout) as { id: string }).id;
  });
  afterAll(async () => {
    await llm.close();
    await store.drop();
  });

  const env = () => ({
    ...store.env,
    ...scriptedModelEnv(llm),
  });
  const drafts = async () =>
    (JSON.parse((await runCli(["list", "--json"], { env: env() })).stdout) as unknown[]).length;

  for (const { name, output, message } of TARGETS) {
    it(`draft -o ${name}`, async () => {
      const calls = llm.requests.length;
      const run = await runCli(["draft", FEATURE, "-o", output], { env: env() });
      expectRefused(run, message);
      expect(llm.requests.length).toBe(calls);
      expect(await drafts()).toBe(1);
    });
  }

  it.skipIf(isRoot)(
    "draft -o a read-only folder (skipped as root, who may write into any folder: /sys above stands in)",
    async () => {
      const locked = mkdtempSync(join(tmpdir(), "plandraft-locked-"));
      chmodSync(locked, 0o555);
      const run = await runCli(["draft", FEATURE, "-o", join(locked, "plan.md")], { env: env() });
      expect(run.stderr).toMatch(/OUTPUT_WRITE_FAILED: .*no file can be created in the folder/);
      expect(run.code).toBe(2);
      expect(readdirSync(locked)).toEqual([]);
    },
  );

  it("revise -o an existing folder: no model call, no new version", async () => {
    const calls = llm.requests.length;
    const run = await runCli(
      ["revise", drafted, "-s", "Testing Strategy", "-f", "more load tests", "-o", folder],
      { env: env() },
    );
    expectRefused(run, FOLDER.message);
    expect(llm.requests.length).toBe(calls);
    const shown = await runCli(["show", drafted, "--json"], { env: env() });
    expect(JSON.parse(shown.stdout)).toMatchObject({ versions: 1 });
  });

  it("show and resume -o a folder, a path under a file, a named pipe", async () => {
    for (const { output, message } of [FOLDER, UNDER_A_FILE, NOT_A_FILE]) {
      expectRefused(await runCli(["show", drafted, "-o", output], { env: env() }), message);
      expectRefused(await runCli(["resume", drafted, "-o", output], { env: env() }), message);
    }
  });

  it("a plan that cannot be written once drafted (its folder went away) exits 1, not 2, and names the draft", async () => {
    const gone = mkdtempSync(join(tmpdir(), "plandraft-gone-"));
    let open: () => void = () => {};
    const gated = await startScriptedLlm({ hold: new Promise<void>((r) => (open = r)) });
    try {
      const cli = spawnCli(["draft", FEATURE, "-o", join(gone, "plan.md")], {
        ...env(),
        OPENAI_BASE_URL: gated.baseURL,
      });
      await vi.waitFor(() => expect(gated.requests.length).toBeGreaterThan(0), {
        timeout: 30_000,
      });
      rmSync(gone, { recursive: true });
      open();
      expect(await cli.exited).toBe(1);
      expect(cli.stderr()).toMatch(/PLAN_NOT_WRITTEN: cannot write .*plan\.md/);
      expect(cli.stderr()).toMatch(
        /the plan is kept with draft [0-9a-f-]{36}: `plandraft show [0-9a-f-]{36} -o FILE` writes it/,
      );
    } finally {
      open();
      await gated.close();
    }
  });
});

describe("the same checks with --server, before anything is posted", () => {
  let server: TestServer;
  let drafted = "";
  beforeAll(async () => {
    server = await startTestServer({}, {});
    const run = await runCli(["--server", server.base, "draft", FEATURE, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    drafted = (JSON.parse(run.stdout) as { id: string }).id;
  });
  afterAll(() => server.close());

  const cli = (args: string[]) => runCli(["--server", server.base, ...args]);
  const drafts = async () =>
    ((await (await fetch(`${server.base}/v1/drafts`)).json()) as { drafts: unknown[] }).drafts
      .length;

  for (const { name, output, message } of [FOLDER, MISSING_FOLDER, UNDER_A_FILE, SYMLINK]) {
    it(`draft -o ${name}`, async () => {
      const calls = server.llm.requests.length;
      expectRefused(await cli(["draft", FEATURE, "-o", output]), message);
      expect(server.llm.requests.length).toBe(calls);
      expect(await drafts()).toBe(1);
    });
  }

  it("revise, resume and show -o an existing folder", async () => {
    const calls = server.llm.requests.length;
    const { message } = FOLDER;
    expectRefused(
      await cli(["revise", drafted, "-s", "Testing Strategy", "-f", "more", "-o", folder]),
      message,
    );
    expectRefused(await cli(["resume", drafted, "-o", folder]), message);
    expectRefused(await cli(["show", drafted, "-o", folder]), message);
    expect(server.llm.requests.length).toBe(calls);
    const draft = (await (await fetch(`${server.base}/v1/drafts/${drafted}`)).json()) as {
      versions: number;
    };
    expect(draft.versions).toBe(1);
  });
});
