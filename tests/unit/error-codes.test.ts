import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { STATUS_CODES } from "node:http";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, EXIT, ErrorCodeSchema } from "../../src/error-codes.js";
import { FINDING_CODES } from "../../src/check/types.js";
import { PACKAGE_ROOT } from "../../src/package-root.js";

/** The graph's own finding (graphs/plan-drafter/nodes/check.ts), beside the checker's. */
const GRAPH_FINDINGS = ["REPO_NOT_CHANGED"];

const README = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");

/** The README's section, as the table renders it: update the README from this when it fails. */
function renderedTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { status, exit, meaning }]) => `| \`${code}\` | ${status} | ${exit} | ${meaning} |`,
  );
  return ["| code | HTTP status | exit | meaning |", "|---|---|---|---|", ...rows].join("\n");
}

/** The table under `## Error codes` in the README: its header, separator and rows. */
function readmeTable(): string {
  const section = README.split(/^## Error codes$/m)[1]?.split(/^## /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("|"))
    .join("\n");
}

/** Every .ts file the program is built from (tests and the page are not the program). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the table of error codes", () => {
  it("gives every code a 4xx or 5xx status that HTTP names, and exit 1 or 2", () => {
    for (const [code, { status, exit, meaning }] of Object.entries(ERROR_CODES)) {
      expect(code, code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(status >= 400 && status < 600 && STATUS_CODES[status] !== undefined, code).toBe(true);
      expect([EXIT.failed, EXIT.usage], code).toContain(exit);
      expect(meaning.length, code).toBeGreaterThan(10);
    }
  });

  it("gives a server-side failure (5xx) exit 1, and bad input (4xx) exit 2", () => {
    for (const [code, { status, exit }] of Object.entries(ERROR_CODES)) {
      expect(exit, code).toBe(status >= 500 ? EXIT.failed : EXIT.usage);
    }
  });

  it("is what the OpenAPI document's error codes are", () => {
    expect(ErrorCodeSchema.options).toEqual(Object.keys(ERROR_CODES));
  });

  it("has every code the source names in an AppError or an error body", () => {
    const roots = ["src", "graphs"].map((dir) => join(PACKAGE_ROOT, dir));
    const used = new Map<string, string>();
    for (const file of roots.flatMap(sourceFiles)) {
      const text = readFileSync(file, "utf8");
      const found = [
        ...text.matchAll(/new AppError\(\s*"([A-Z0-9_]+)"/g),
        ...text.matchAll(/sendError\(\s*\w+,\s*"([A-Z0-9_]+)"/g),
        ...text.matchAll(/\bcode: "([A-Z0-9_]+)"/g),
      ];
      for (const match of found) used.set(match[1] ?? "", relative(PACKAGE_ROOT, file));
    }
    // A plan's findings share `code:` but are not errors: a finding is reported, not thrown.
    const findings = new Set<string>([...FINDING_CODES, ...GRAPH_FINDINGS]);
    // Node's system error codes (ENOENT, ENOTDIR), which the source also builds, are not ours.
    const system = /^E[A-Z]+$/;
    const missing = [...used].filter(
      ([code]) => !(code in ERROR_CODES) && !findings.has(code) && !system.test(code),
    );
    expect(missing).toEqual([]);
  });

  it("is the README's table of error codes, row for row", () => {
    expect(readmeTable()).toBe(renderedTable());
  });
});
