import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Cited, FeatureFacts } from "../../src/feature/facts.js";
import { readFeatureFacts } from "../../src/feature/facts/read.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";

const FIXTURES = join(import.meta.dirname, "../fixtures");
const REPOS = ["/data", "/gain", "/edh", "/infra"];
/** The 16 real public docs of SOURCES.md, our own docs, and the watchlist doc. */
const DOCS = [
  ...readdirSync(join(FIXTURES, "features"))
    .filter((f) => /^(\d\d|own)-.*\.md$/.test(f))
    .map((f) => `features/${f}`),
  "watchlist-feature.md",
];

function read(path: string): { facts: FeatureFacts; lines: string[] } {
  const doc = toFeatureDoc(readFileSync(join(FIXTURES, path)), path, 512 * 1024);
  return { facts: readFeatureFacts(doc, REPOS), lines: doc.text.split("\n") };
}

const cited = (facts: Cited[]) => facts.map((c) => `${c.line}: ${c.text}`);

/** Every cited fact, with where it comes from. */
function allCited(facts: FeatureFacts): [string, Cited][] {
  const lists: [string, Cited[]][] = [
    ["goal", facts.goal ? [facts.goal] : []],
    ["inScope", facts.inScope],
    ["outOfScope", facts.outOfScope],
    ["repos", facts.repos.map((r) => r.evidence)],
    ["requirements", facts.requirements],
    ["acceptance", facts.acceptance],
    ["openQuestions", facts.openQuestions],
    ["rejected", facts.rejected],
    ["endpoints", facts.names.endpoints],
    ["tables", facts.names.tables],
    ["files", facts.names.files],
    ["dates", facts.dates],
    ["addressedToAi", facts.addressedToAi],
  ];
  return lists.flatMap(([kind, list]) => list.map((c): [string, Cited] => [kind, c]));
}

/** Letters and digits only: markdown, spacing and case aside. */
const squash = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/** The line holds part of the text: a run of twelve of its letters (or all, if shorter). */
function holdsPartOf(line: string, text: string): boolean {
  const l = squash(line);
  const t = squash(text);
  const size = Math.min(12, t.length, l.length);
  if (size === 0) return false;
  for (let i = 0; i + size <= t.length; i += 1) if (l.includes(t.slice(i, i + size))) return true;
  return false;
}

describe("doc facts hold for every doc", () => {
  it("reads all 16 corpus docs and our own", () => {
    expect(DOCS.filter((d) => /features\/\d\d-/.test(d))).toHaveLength(16);
    expect(DOCS.filter((d) => /features\/own-/.test(d)).length).toBeGreaterThanOrEqual(3);
  });

  for (const path of DOCS) {
    it(path, () => {
      const { facts, lines } = read(path);
      expect(facts.title.trim()).not.toBe("");
      for (const [kind, fact] of allCited(facts)) {
        const where = `${kind} at line ${fact.line}: ${JSON.stringify(fact.text)}`;
        expect(fact.text.trim(), where).not.toBe("");
        expect(fact.line >= 1 && fact.line <= lines.length, where).toBe(true);
        expect(holdsPartOf(lines[fact.line - 1] ?? "", fact.text), where).toBe(true);
      }
      const out = new Set(facts.outOfScope.flatMap((c) => [`line ${c.line}`, squash(c.text)]));
      for (const item of facts.inScope) {
        expect(out.has(`line ${item.line}`) || out.has(squash(item.text)), item.text).toBe(false);
      }
      expect(facts.metadataLines.every((n) => n >= 1 && n <= lines.length)).toBe(true);
      expect(read(path).facts).toEqual(facts);
    });
  }
});

describe("doc facts of the corpus: what the docs state plainly", () => {
  it("watchlist: three non-goals, four goals, three criteria, two questions, five endpoints", () => {
    const { facts } = read("watchlist-feature.md");
    expect(facts.goal?.line).toBe(7);
    expect(cited(facts.outOfScope)).toEqual([
      "19: Email or Slack notifications (a later feature).",
      "20: Shared or team watchlists.",
      "21: Changing how risk scores are calculated.",
    ]);
    expect(facts.inScope.map((c) => c.line)).toEqual([12, 13, 14, 15]);
    expect(facts.acceptance.map((c) => c.line)).toEqual([31, 32, 33]);
    expect(facts.acceptance[1]?.text).toMatch(
      /^Given a watched supplier .* when I open Gain, then/,
    );
    expect(cited(facts.openQuestions)).toEqual([
      "50: Should the 10-point threshold be configurable per analyst?",
      "51: How long do we keep alerts once read?",
    ]);
    expect(facts.names.endpoints.map((c) => c.text)).toEqual([
      "POST /api/watchlist",
      "DELETE /api/watchlist/{supplier_id}",
      "GET /api/watchlist",
      "GET /api/alerts",
      "POST /api/alerts/{id}/read",
    ]);
    expect(cited(facts.names.tables)).toEqual(["38: gold.supplier_risk_daily"]);
    // Gain is where a criterion happens; the Entity Data Hub and the warehouse are only named
    // as where the scores come from, which states no change there.
    expect(facts.repos.map((r) => `${r.repo} ${r.touched} ${r.how} ${r.evidence.line}`)).toEqual([
      "/gain true text 32",
    ]);
    expect(facts.metadataLines).toEqual([]);
  });

  it("02 (Rust RFC): its metadata, its unresolved question heading, the design it rejects, its endpoint", () => {
    const { facts } = read("features/02-rust-rfc-3660-crates-io-crate-deletions.md");
    expect(facts.metadataLines).toEqual([1, 2]);
    expect(facts.goal?.text).toBe(
      "This RFC proposes a mechanism for crate authors to delete their crates from crates.io under certain conditions.",
    );
    expect(cited(facts.openQuestions)).toEqual([
      "96: Should names of deleted crates be blocked so that they can't be re-used?",
    ]);
    expect(facts.rejected.map((c) => c.line)).toEqual([61]);
    expect(cited(facts.names.endpoints)).toEqual(["39: DELETE /api/v1/crates/:crate_id"]);
    expect(facts.dates).toEqual([]);
  });

  it("03 (Backstage BEP): front matter, six non-goals, five alternatives", () => {
    const { facts } = read("features/03-backstage-bep-catalog-history.md");
    expect(facts.metadataLines).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(facts.outOfScope.map((c) => c.line)).toEqual([83, 84, 85, 86, 87, 88]);
    expect(facts.rejected.map((c) => c.line)).toEqual([219, 220, 221, 222, 223]);
    expect(facts.goal?.text).toMatch(/^This BEP proposes giving the software catalog/);
  });

  it("05 (spec-kit): FR-/NFR- requirements, seven out of scope, Given/When/Then scenarios, answered clarifications", () => {
    const { facts } = read("features/05-speckit-langgraph-long-term-memory.md");
    const ids = facts.requirements.map((r) => r.id);
    expect(ids.filter((id) => id.startsWith("FR-"))).toHaveLength(23);
    expect(ids.filter((id) => id.startsWith("NFR-"))).toHaveLength(6);
    expect(facts.outOfScope.map((c) => c.line)).toEqual([180, 181, 182, 183, 184, 185, 186]);
    expect(facts.acceptance).toHaveLength(14);
    expect(facts.acceptance.every((c) => c.text.includes("**Given**"))).toBe(true);
    // "Q: ... → A: ..." lines are answered, and the questions section says "None".
    expect(facts.openQuestions).toEqual([]);
    expect(facts.metadataLines).toEqual([3, 5, 7]);
  });

  it("12 (Chinese): the metadata table and the goal under 功能目标", () => {
    const { facts } = read("features/12-paddle-docker-api-update-zh.md");
    expect(facts.metadataLines).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(facts.goal).toEqual({ line: 19, text: "更新 docker 快速部署文档" });
  });

  it("14 (product spec): the proposal it did not choose", () => {
    const { facts } = read("features/14-terminal-actions-page-user-stories.md");
    expect(cited(facts.rejected)).toEqual([
      "83: Proposal 2: Have everything on one Actions page",
      "108: We considered Proposal 2, however the design became cluttered very quickly and we agreed to create two pages and start off with Proposal 1.",
    ]);
    expect(facts.metadataLines).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("no corpus doc is taken for text addressed to an AI, though three are about LLMs", () => {
    for (const path of DOCS.filter((d) => /features\/\d\d-/.test(d)))
      expect(read(path).facts.addressedToAi, path).toEqual([]);
  });
});
