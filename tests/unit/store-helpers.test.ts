import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { findSection } from "../../src/drafting/find-section.js";
import { describeUrl, isConnectionError } from "../../src/store/database.js";
import { takePidLock } from "../../src/store/pid-lock.js";
import { buildLayout, dependentsOf } from "../../graphs/plan-drafter/topology.js";
import { DEFAULT_TEMPLATE } from "../support/drafting.js";

describe("takePidLock", () => {
  const dir = mkdtempSync(join(tmpdir(), "plandraft-lock-"));

  it("is taken once, refused while its holder lives, and free again after release", () => {
    const path = join(dir, "a.lock");
    const first = takePidLock(path);
    expect("release" in first).toBe(true);
    expect(takePidLock(path)).toEqual({ heldBy: process.pid });
    if ("release" in first) first.release();
    const again = takePidLock(path);
    expect("release" in again).toBe(true);
    if ("release" in again) again.release();
  });

  it("takes over the lock of a process that died, and a half-written one", () => {
    const dead = join(dir, "dead.lock");
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(dead, JSON.stringify({ pid: gone, host: hostname() }));
    expect("release" in takePidLock(dead)).toBe(true);
    const broken = join(dir, "broken.lock");
    writeFileSync(broken, '{"pid": 12');
    expect("release" in takePidLock(broken)).toBe(true);
  });

  it("never takes over a lock held on another host: its holder may be alive there", () => {
    const remote = join(dir, "remote.lock");
    writeFileSync(remote, JSON.stringify({ pid: 1, host: "another-host" }));
    expect(takePidLock(remote)).toEqual({ heldBy: 1 });
  });
});

describe("database messages", () => {
  it("names host, port and database, never the password", () => {
    expect(describeUrl("postgres://plans:s3cret@db.internal:6543/plandraft")).toBe(
      "db.internal:6543/plandraft",
    );
    expect(describeUrl("postgresql://localhost/test")).toBe("localhost:5432/test");
    expect(describeUrl("not a url")).not.toContain("not a url");
  });

  it("tells a lost connection from a bad query", () => {
    expect(
      isConnectionError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
    ).toBe(true);
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(
      isConnectionError(Object.assign(new Error("terminating connection"), { code: "57P01" })),
    ).toBe(true);
    expect(
      isConnectionError(Object.assign(new Error('relation "x" does not exist'), { code: "42P01" })),
    ).toBe(false);
  });

  it("refuses a DATABASE_URL that is not a postgres URL, naming it", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ PLANDRAFT_DB_SCHEMA: "Drop Table" })).toThrow(/PLANDRAFT_DB_SCHEMA/);
  });
});

describe("sections by the names users give them", () => {
  const layout = buildLayout(DEFAULT_TEMPLATE);

  it("finds a section by title, id, node or repository", () => {
    expect(findSection(layout, "Testing Strategy").id).toBe("testing-strategy");
    expect(findSection(layout, "testing strategy").id).toBe("testing-strategy");
    expect(findSection(layout, "testing").id).toBe("testing-strategy");
    expect(findSection(layout, "/gain").id).toBe(
      "repository-changes-overview/gain-repository-gain",
    );
    expect(findSection(layout, "edh").repo).toBe("/edh");
    expect(() => findSection(layout, "repoChanges")).toThrow(/no section matches/);
  });

  it("knows what depends on a section, directly or not", () => {
    expect(dependentsOf(layout, "architecture")).toEqual([
      "summary",
      "testing",
      "phases",
      "successCriteria",
    ]);
    expect(dependentsOf(layout, "testing")).toEqual(["summary", "successCriteria"]);
    expect(dependentsOf(layout, "successCriteria")).toEqual([]);
  });
});
