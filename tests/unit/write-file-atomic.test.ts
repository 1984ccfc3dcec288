import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/cli/io.js";

const folder = () => mkdtempSync(join(tmpdir(), "plandraft-atomic-"));

describe("writeFileAtomic", () => {
  it("replaces a file whole and leaves nothing beside it", async () => {
    const dir = folder();
    const plan = join(dir, "plan.md");
    writeFileSync(plan, "old\n");
    await writeFileAtomic(plan, "# new\n");
    expect(readFileSync(plan, "utf8")).toBe("# new\n");
    expect(readdirSync(dir)).toEqual(["plan.md"]);
  });

  it("leaves no temporary file when the rename fails", async () => {
    const dir = folder();
    // A folder with something in it cannot be renamed over: the write succeeds, the rename not.
    const target = join(dir, "plan.md");
    mkdirSync(target);
    writeFileSync(join(target, "inside.md"), "x");
    await expect(writeFileAtomic(target, "# plan\n")).rejects.toMatchObject({
      code: "OUTPUT_WRITE_FAILED",
    });
    expect(readdirSync(dir)).toEqual(["plan.md"]);
  });

  it("keeps the permissions of the file it replaces", async () => {
    const dir = folder();
    const plan = join(dir, "plan.md");
    writeFileSync(plan, "old\n");
    chmodSync(plan, 0o600);
    await writeFileAtomic(plan, "# new\n");
    expect(statSync(plan).mode & 0o777).toBe(0o600);
  });
});
