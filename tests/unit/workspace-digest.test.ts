import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createDigestCache } from "../../src/workspace/digest-cache.js";
import { readDigest } from "../../src/workspace/digest.js";
import { groundingFor, tokensOf } from "../../src/workspace/retrieve.js";
import type { Chunk } from "../../src/workspace/types.js";
import { makeWorkspaceRepos, PLANTED_SECRETS, writeFiles } from "../support/workspace-repos.js";

const repos = makeWorkspaceRepos();

describe("a repository's digest", () => {
  it("holds the tree, READMEs, manifests, routes, migrations and graphs of the tracked files", async () => {
    const { chunks } = await readDigest(repos.gain);
    const kinds = Object.fromEntries(chunks.map((c) => [c.path, c.kind]));
    expect(kinds).toMatchObject({
      ".": "tree",
      "README.md": "readme",
      "package.json": "manifest",
      "docker-compose.yml": "manifest",
      "backend/pyproject.toml": "manifest",
      "backend/app/main.py": "api",
      "backend/alembic/versions/0007_create_watchlists.py": "schema",
      "backend/app/graphs/alerts.py": "graph",
      "(Next.js routes)": "routes",
    });
    const text = (path: string) => chunks.find((c) => c.path === path)?.text ?? "";
    expect(text("backend/app/main.py")).toContain('9: @router.post("/watchlists")');
    expect(text("backend/app/main.py")).toContain("10: def create_watchlist(body: dict):");
    expect(text("(Next.js routes)")).toContain("/api/watchlists (route handler)");
    expect(text("(Next.js routes)")).toContain("/watchlists  <-  frontend/app/watchlists/page.tsx");
    const dataChunks = (await readDigest(repos.data)).chunks;
    expect(dataChunks.find((c) => c.path === "models/marts/dim_watchlist.sql")?.kind).toBe("model");
  });

  it("never reads secrets, key files, ignored, untracked, installed or binary files", async () => {
    const { chunks } = await readDigest(repos.gain);
    const all = JSON.stringify(chunks);
    for (const secret of PLANTED_SECRETS) expect(all).not.toContain(secret);
    for (const name of [
      ".env",
      "signing.txt",
      "secret-notes.txt",
      "scratch.py",
      "node_modules",
      "logo.png",
    ])
      expect(chunks.some((c) => c.path.includes(name))).toBe(false);
    expect(chunks[0]?.text).not.toMatch(/\.env|logo\.png|node_modules/);
  });

  it("caps the bytes read of a file and the files read", async () => {
    const { chunks, filesRead } = await readDigest(repos.gain, {
      fileBytes: 20,
      filesRead: 2,
      totalChars: 100_000,
    });
    expect(filesRead).toBe(2);
    expect(chunks.filter((c) => c.kind !== "tree" && c.kind !== "routes")).toHaveLength(2);
    expect(chunks.find((c) => c.path === "README.md")?.text).toHaveLength(20);
  });
});

describe("the digest cache", () => {
  it("reads a checkout once per commit, also from a new process's cache on disk", async () => {
    const home = mkdtempSync(join(tmpdir(), "plandraft-digests-"));
    const cache = createDigestCache(home);
    const first = await cache.digest("/gain", repos.gain);
    expect((await cache.digest("/gain", repos.gain)).chunks).toEqual(first.chunks);
    expect(cache.reads).toBe(1);
    const fresh = createDigestCache(home);
    await fresh.digest("/gain", repos.gain);
    expect(fresh.reads).toBe(0);
    writeFiles(repos.gain, { "README.md": "# gain\n\nChanged, not committed.\n" });
    const dirty = await fresh.digest("/gain", repos.gain);
    expect(fresh.reads).toBe(1);
    expect(dirty.dirty).toBe(true);
    expect(dirty.chunks.find((c) => c.path === "README.md")?.text).toContain("Changed");
  });

  it("keeps on disk only the digests used most recently", async () => {
    const home = mkdtempSync(join(tmpdir(), "plandraft-digests-"));
    const stored = () => readdirSync(join(home, "digests")).filter((n) => n.endsWith(".json"));
    const cache = createDigestCache(home, undefined, 2);
    await cache.digest("/gain", repos.gain);
    await cache.digest("/data", repos.data);
    expect(stored()).toHaveLength(2);
    // /gain is used again from disk (a new process), so the digest pruned next is /data's.
    await createDigestCache(home, undefined, 2).digest("/gain", repos.gain);
    writeFiles(repos.data, { "README.md": "# data\n\nChanged, not committed.\n" });
    await cache.digest("/data", repos.data);
    expect(stored()).toHaveLength(2);
    const again = createDigestCache(home, undefined, 2);
    await again.digest("/gain", repos.gain);
    expect(again.reads).toBe(0);
  });
});

describe("a section's grounding", () => {
  const chunk = (path: string, text: string): Chunk => ({ path, kind: "schema", text });
  const digest = (name: string, chunks: Chunk[]) => ({
    name,
    commit: "abc1234",
    dirty: false,
    filesRead: chunks.length,
    files: chunks.map((c) => c.path),
    chunks: [
      { path: ".", kind: "tree" as const, text: chunks.map((c) => c.path).join("\n") },
      ...chunks,
    ],
  });
  const material = {
    digests: [
      digest("/gain", [
        chunk("alembic/versions/0007_watchlists.py", "create_table watchlists"),
        chunk("alembic/versions/0001_users.py", `create_table users ${"x ".repeat(400)}`),
      ]),
      digest("/data", [chunk("models/dim_watchlist.sql", "select watchlist_id")]),
    ],
    context: [{ path: "adr-7.md", kind: "context" as const, text: "Watchlists live in Postgres." }],
    tokens: 120,
  };

  it("gives a repository's section its own repository, ranked, within the budget", async () => {
    const grounding = await groundingFor(material, "/gain", "watchlists table");
    expect(grounding.repositories.map((r) => r.name)).toEqual(["/gain"]);
    const paths = grounding.repositories[0]?.chunks.map((c) => c.path);
    expect(paths).toEqual([".", "alembic/versions/0007_watchlists.py"]);
    expect(grounding.context.map((c) => c.path)).toEqual(["adr-7.md"]);
    const spent = [...grounding.repositories.flatMap((r) => r.chunks), ...grounding.context]
      .map((c) => tokensOf(c.text))
      .reduce((a, b) => a + b, 0);
    expect(spent).toBeLessThanOrEqual(material.tokens);
  });

  it("gives any other section every mapped repository", async () => {
    const grounding = await groundingFor({ ...material, tokens: 2000 }, undefined, "watchlist");
    expect(grounding.repositories.map((r) => r.name)).toEqual(["/gain", "/data"]);
  });
});
