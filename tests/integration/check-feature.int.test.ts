import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixturePath } from "../support/drafting.js";

const dir = mkdtempSync(join(tmpdir(), "plandraft-check-"));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const CLEAN = fixturePath("plans/clean-default.md");
const DOC = fixturePath("check-feature-doc.md");
const clean = readFileSync(CLEAN, "utf8");

describe("plandraft check --feature --strict --json", { timeout: 60_000 }, () => {
  it("lists the doc's findings, as text or as JSON, and exits 1", async () => {
    const text = await runCli(["check", CLEAN, "--feature", DOC]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^${CLEAN}:1: REQUIREMENT_MISSING: .*REQ-2`, "m"));
    const json = await runCli(["check", CLEAN, "--feature", DOC, "--json"]);
    expect(json.code).toBe(1);
    const findings = JSON.parse(json.stdout) as {
      line: number;
      code: string;
      sectionId?: string;
    }[];
    expect(findings.map((f) => f.code)).toContain("REQUIREMENT_MISSING");
    expect(findings[0]).toEqual(expect.objectContaining({ line: 1, message: expect.any(String) }));
  });

  it("--strict counts a marker; without it the plan is clean (exit 0, JSON [])", async () => {
    const plan = file(
      "marked.md",
      clean.replace("- **Dependencies:** none.", "- **Dependencies:** TODO"),
    );
    const strict = await runCli(["check", plan, "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/: TODO_LEFT: /);
    const lax = await runCli(["check", plan, "--json"]);
    expect(lax.code).toBe(0);
    expect(JSON.parse(lax.stdout)).toEqual([]);
  });

  it.each([
    ["missing", () => join(dir, "nope.md"), /FEATURE_MISSING/],
    ["empty", () => file("empty.md", "  \n"), /FEATURE_EMPTY/],
    ["binary", () => file("binary.md", Buffer.from([0, 1, 2, 3, 0])), /FEATURE_BINARY/],
    [
      "not UTF-8",
      () => file("latin1.md", Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])),
      /FEATURE_NOT_UTF8/,
    ],
  ])("exits 2 for a %s feature doc, as draft does", async (_what, doc, error) => {
    const run = await runCli(["check", CLEAN, "--feature", doc()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(error);
    expect(run.stdout).toBe("");
  });

  it("exits 2 for an oversized feature doc", async () => {
    const doc = file("big.md", `# Big\n\n${"x".repeat(2000)}\n`);
    const run = await runCli(["check", CLEAN, "--feature", doc], {
      env: { PLANDRAFT_MAX_FEATURE_BYTES: "1024" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/FEATURE_TOO_LARGE/);
  });
});
