import { describe, expect, it } from "vitest";
import { streamEventOf } from "../../src/drafting/draft-events.js";
import { groundingReport } from "../../src/workspace/report.js";
import type { RepoDigest, WorkspaceMaterial } from "../../src/workspace/types.js";
import { groundingLine, workspaceLine } from "../../web/src/grounding.js";

const COMMIT = "abc1234def5678abc1234def5678abc1234def56";

const gain: RepoDigest = {
  name: "/gain",
  commit: COMMIT,
  dirty: false,
  filesRead: 3,
  chunks: [],
  files: [],
};
const material: WorkspaceMaterial = { digests: [gain], context: [], tokens: 1000 };

describe("what a section's grounding amounts to", () => {
  it("counts the files whose text was sent (not the tree or route listings) and every token", () => {
    const report = groundingReport(material, "/gain", {
      repositories: [
        {
          name: "/gain",
          commit: COMMIT,
          chunks: [
            { path: ".", kind: "tree", text: "a".repeat(40) },
            { path: "(Next.js routes)", kind: "routes", text: "b".repeat(8) },
            { path: "backend/app/main.py", kind: "api", lines: "1-60", text: "c".repeat(10) },
            { path: "backend/app/main.py", kind: "api", lines: "61-90", text: "d".repeat(3) },
            { path: "README.md", kind: "readme", text: "e".repeat(4) },
          ],
        },
      ],
      context: [{ path: "docs/architecture.md", kind: "context", text: "f".repeat(20) }],
    });
    expect(report).toEqual({
      repository: "/gain",
      unmapped: false,
      repositories: [{ name: "/gain", commit: COMMIT, files: 2, tokens: 10 + 2 + 3 + 1 + 1 }],
      context: { docs: 1, tokens: 5 },
      budget: 1000,
    });
  });

  it("says a repository's section is unmapped when the workspace has no digest of it", () => {
    const report = groundingReport(material, "/edh", { repositories: [], context: [] });
    expect(report).toMatchObject({ repository: "/edh", unmapped: true, repositories: [] });
    expect(groundingReport(material, undefined, { repositories: [], context: [] }).unmapped).toBe(
      false,
    );
  });

  it("goes on the stream as the section's event, with null for a section of every repository", () => {
    const report = groundingReport(material, undefined, { repositories: [], context: [] });
    const data = { section: "arch", ...report };
    expect(streamEventOf({ type: "section.grounded", data })).toEqual([
      "section.grounded",
      {
        section: "arch",
        repository: null,
        unmapped: false,
        repositories: [],
        context: { docs: 0, tokens: 0 },
        budget: 1000,
      },
    ]);
  });
});

describe("the page's line for a section's grounding", () => {
  const base = { section: "s", repository: "/gain", unmapped: false, budget: 6000 };
  const none = { docs: 0, tokens: 0 };

  it("names the repository, its short commit, the files and tokens, and the budget's share", () => {
    const gainRead = { name: "/gain", commit: COMMIT, files: 12, tokens: 2300 };
    expect(groundingLine({ ...base, repositories: [gainRead], context: none })).toBe(
      "Grounded in /gain @ abc1234 (12 files, 2,300 tokens): 38% of the budget",
    );
    expect(
      groundingLine({
        ...base,
        repository: null,
        repositories: [gainRead, { name: "/data", commit: "9f8e7d6c", files: 1, tokens: 1 }],
        context: { docs: 1, tokens: 200 },
      }),
    ).toBe(
      "Grounded in /gain @ abc1234 (12 files, 2,300 tokens), /data @ 9f8e7d6 (1 file, 1 token) " +
        "and 1 context document (200 tokens): 42% of the budget",
    );
  });

  it("says why a section was not grounded", () => {
    expect(
      groundingLine({
        ...base,
        repository: "/edh",
        unmapped: true,
        repositories: [],
        context: none,
      }),
    ).toBe("Not grounded: the workspace does not map /edh");
    expect(groundingLine({ ...base, repositories: [], context: { docs: 2, tokens: 20 } })).toBe(
      "Not grounded: nothing of /gain fit or matched this section; read 2 context documents " +
        "(20 tokens): under 1% of the budget",
    );
  });

  it("lists the server's mapped repositories by name and short commit", () => {
    expect(
      workspaceLine([
        { name: "/gain", commit: COMMIT },
        { name: "/data", commit: null },
      ]),
    ).toBe("The server's workspace maps /gain @ abc1234 and /data.");
    expect(workspaceLine([])).toBe("The server's workspace maps no repository.");
  });
});
