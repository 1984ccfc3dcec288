import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import {
  cliOwner,
  describeOwner,
  diedOnThisHost,
  parseCliOwner,
} from "../../src/store/draft-owner.js";

describe("draft owners", () => {
  it("names a CLI command's host and pid, and a new owner for each command", () => {
    const owner = cliOwner();
    expect(parseCliOwner(owner)).toMatchObject({ host: hostname(), pid: process.pid });
    expect(cliOwner()).not.toBe(owner);
    expect(describeOwner(owner)).toBe(
      `plandraft process ${process.pid} on ${hostname()} (${owner})`,
    );
    expect(describeOwner("server:api-1")).toBe("the server api-1");
  });

  it("calls an owner dead only when it was a process of this host that has exited", () => {
    const here = cliOwner();
    expect(diedOnThisHost(here)).toBe(false);
    const exited = spawnSync(process.execPath, ["-e", ""]).pid;
    const gone = here.replace(/:\d+:([0-9a-f]{8})$/, `:${exited}:$1`);
    expect(diedOnThisHost(gone)).toBe(true);
    expect(diedOnThisHost(gone.replace(`cli:${hostname()}:`, "cli:build-elsewhere:"))).toBe(false);
    expect(diedOnThisHost("server:api-1")).toBe(false);
    expect(diedOnThisHost(`${hostname()}:${exited}:0badcafe`)).toBe(false); // an older owner
  });
});
