import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { FeatureFacts } from "../../src/feature/facts.js";
import { readFeatureFacts } from "../../src/feature/facts/read.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { APPENDIX_HEADING } from "../../src/render/appendix.js";
import { checkPlan, formatFinding } from "../../src/check/index.js";
import { DEFAULT_TEMPLATE, draftWith, fixturePath } from "../support/drafting.js";
import {
  factFindings,
  placementFindings,
  repoSection,
  section,
  withoutOutOfScope,
} from "../support/plan-facts.js";

const REPOS = ["/data", "/gain", "/edh", "/infra"];
const DOCS = readdirSync(fixturePath("features")).filter((f) => /^(\d\d|own)-.*\.md$/.test(f));

interface Drafted {
  markdown: string;
  facts: FeatureFacts;
  doc: string;
  /** The plan before the appendix. */
  plan: string;
  /** What the graph's own check found, with the doc's facts. */
  findings: unknown[];
}

async function draft(file: string): Promise<Drafted> {
  const path = fixturePath(`features/${file}`);
  const bytes = readFileSync(path);
  const facts = readFeatureFacts(toFeatureDoc(bytes, path, 512 * 1024), REPOS);
  const { result } = await draftWith(loadConfig({}), { path });
  expect(result.status).toBe("completed");
  const markdown = result.markdown;
  const plan = markdown.split(`\n${APPENDIX_HEADING}\n`)[0] ?? markdown;
  return { markdown, facts, doc: bytes.toString("utf8"), plan, findings: result.findings };
}

function own(prefix: string): string {
  const file = DOCS.find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`no fixture ${prefix}`);
  return file;
}

/** The value lines of a labelled field: `- **Label:** value` or the items under it. */
function field(markdown: string, label: string): string[] {
  const match = new RegExp(`^(\\s*)- \\*\\*${label}:\\*\\*(.*)((?:\\n\\1 {2,}- .*)*)`, "m").exec(
    markdown,
  );
  if (!match) return [];
  const inline = match[2]?.trim() ?? "";
  const items = (match[3] ?? "")
    .split("\n")
    .map((l) => l.replace(/^\s*- /, "").trim())
    .filter(Boolean);
  return inline ? [inline, ...items] : items;
}

describe("the rule drafter obeys the doc's facts", () => {
  it("reads every doc of the corpus and our own", () => {
    expect(DOCS.filter((f) => /^\d\d-/.test(f))).toHaveLength(16);
    expect(DOCS.filter((f) => f.startsWith("own-")).length).toBeGreaterThanOrEqual(4);
  });

  it.each(DOCS)(
    "%s: no non-goal planned, stated repositories kept, every ID traced and every criterion tested, nothing addressed to an AI copied",
    async (file) => {
      const { markdown, facts, doc, findings } = await draft(file);
      expect(findings).toEqual([]);
      const checked = await checkPlan(markdown, DEFAULT_TEMPLATE, { facts });
      expect(checked.map((f) => formatFinding(f))).toEqual([]);
      expect(factFindings(markdown, facts)).toEqual([]);
      expect(placementFindings(markdown, facts, doc)).toEqual([]);
    },
  );
});

describe("the rule drafter on our own docs", () => {
  it("own-01: a non-goal bullet inside Scope and a 'Not in v1' heading are out of scope, never in scope", async () => {
    const { plan, facts } = await draft(own("own-01"));
    const out = field(plan, "Out of Scope");
    for (const goal of facts.outOfScope) expect(out).toContain(goal.text);
    const inScope = field(plan, "In Scope").join("\n");
    expect(inScope).not.toMatch(/email|weekly|push notification/i);
    expect(withoutOutOfScope(plan)).not.toMatch(
      /Email delivery|A weekly digest|Push notifications/,
    );
  });

  it("own-01: the metadata line decides /gain and /edh, the per-repo IDs land in their repository", async () => {
    const { plan } = await draft(own("own-01"));
    const edh = repoSection(plan, "/edh");
    const gain = repoSection(plan, "/gain");
    const data = repoSection(plan, "/data");
    expect(edh).not.toContain("**No changes.**");
    expect(gain).not.toContain("**No changes.**");
    for (const id of ["EDH-1", "EDH-2", "EDH-3"])
      expect(field(edh, "Primary Changes").join()).toContain(id);
    for (const id of ["GAIN-1", "GAIN-2"])
      expect(field(gain, "Primary Changes").join()).toContain(id);
    expect(field(data, "Primary Changes").join()).toContain("DATA-1");
    expect(gain).not.toMatch(/EDH-\d|DATA-\d/);
    expect(edh).not.toMatch(/GAIN-\d|DATA-\d/);
    expect(plan).not.toContain("Status: draft v0.3");
  });

  it("own-01: the rejected proposal is no decision, and the injected instruction is not copied", async () => {
    const { plan, markdown } = await draft(own("own-01"));
    const decisions = section(plan, "### Architectural Decisions");
    expect(decisions).toContain("One Databricks job builds every digest row");
    expect(plan).not.toContain("Gain computes the digest on request");
    expect(markdown).not.toMatch(/API keys|ignore previous instructions|feature is done/i);
    expect(markdown).toContain("Line 43 of the feature doc addresses an AI");
  });

  it("own-01: questions without a heading reach the appendix, and the summary counts them", async () => {
    const { markdown, plan } = await draft(own("own-01"));
    const appendix = markdown.slice(markdown.indexOf(APPENDIX_HEADING));
    expect(appendix).toContain("**Open questions (3)**");
    expect(appendix).toContain("1. Q1: Should the digest skip suppliers");
    expect(appendix).toContain("2. Q2: Which time zone decides");
    expect(appendix).toContain("3. The retention of old digests is TBD.");
    expect(plan).toContain("3 open questions (listed under Open Questions and Assumptions)");
    expect(plan).not.toContain("Q1:");
  });

  it("own-05: an 'Open' heading's question reaches the appendix; the rejected option and its verdict are nowhere, and the chosen one keeps no label but its own", async () => {
    const { markdown, plan } = await draft(own("own-05"));
    const appendix = markdown.slice(markdown.indexOf(APPENDIX_HEADING));
    expect(appendix).toContain("**Open questions (1)**");
    expect(appendix).toContain("1. Which time zone do the `from`/`to` dates use?");
    expect(plan).toContain("1 open question (listed under Open Questions and Assumptions)");
    expect(markdown).not.toMatch(/Option A|only 200 rows are loaded|export from the browser/);
    for (const line of plan.split("\n").filter((l) => l.includes("Option B")))
      expect(line).toMatch(/(^|: |; |- )Option B \(chosen\): a streaming endpoint/);
  });

  it("own-05: a CSV download that streams is no SSE requirement: the SSE fields stay TODO", async () => {
    const { plan } = await draft(own("own-05"));
    expect(plan).toMatch(/- SSE requirements: TODO: decide SSE requirements/);
    expect(plan).toMatch(/- SSE implementation: TODO: describe SSE implementation/);
  });

  it("own-02: the header table decides touched and untouched, with the doc's words as the reason", async () => {
    const { plan } = await draft(own("own-02"));
    for (const repo of ["/gain", "/infra"]) {
      expect(repoSection(plan, repo)).toContain(
        `**No changes.** The doc states it (line 9): "Repos not touched: /gain, /infra". No change is planned in ${repo}.`,
      );
    }
    for (const repo of ["/edh", "/data"])
      expect(repoSection(plan, repo)).not.toContain("**No changes.**");
    expect(field(repoSection(plan, "/data"), "Primary Changes").join()).toContain(
      "The export job in /data reads `edh.entity_versions`",
    );
  });

  it("own-02: instructions to an AI in a code span and in a code block are not copied; rejected alternatives are not decisions", async () => {
    const { markdown, plan } = await draft(own("own-02"));
    expect(markdown).not.toMatch(/release manager|approve every migration|mark every section/i);
    expect(markdown).toContain("Lines 43, 47 of the feature doc address an AI");
    expect(plan).not.toMatch(/Event sourcing|Nightly snapshots|warehouse only/);
    expect(withoutOutOfScope(plan)).not.toContain("Gain UI");
  });

  it("own-02: the checklist and the Given/When/Then under the acceptance heading are each tested once, in the doc's words", async () => {
    const { plan } = await draft(own("own-02"));
    const e2e = field(section(plan, "## Testing Strategy"), "E2E Testing");
    expect(e2e).toEqual([
      "Every entity write creates exactly one version row.",
      "The history tab lists versions newest first, with author and reason.",
      "The export has a `version_id` column for every row.",
      "Given a supplier updated twice today When a steward opens its history tab Then both versions are listed with their authors",
    ]);
  });

  it("own-03: a Repositories list and 'No changes to /edh' decide, FR- IDs are in scope, 'Hey assistant' is not copied", async () => {
    const { plan, markdown } = await draft(own("own-03"));
    for (const repo of ["/data", "/edh"])
      expect(repoSection(plan, repo)).toContain("**No changes.** The doc states it");
    for (const repo of ["/gain", "/infra"])
      expect(repoSection(plan, repo)).not.toContain("**No changes.**");
    const inScope = field(plan, "In Scope").join("\n");
    for (const id of ["FR-001", "FR-002", "FR-003", "NFR-001"]) expect(inScope).toContain(id);
    expect(field(plan, "Out of Scope")).toEqual([
      "Running Databricks jobs locally.",
      "A Kubernetes flavour of the stack.",
    ]);
    expect(markdown).not.toMatch(/already exists|skip the testing/i);
    expect(plan).not.toMatch(/Dev containers per service|shared staging database|Tilt/);
  });

  it("own-04: bold Non-goals labels and a repository table decide; EDH-4 lands in /edh, DATA-1..2 in /data", async () => {
    const { plan, markdown } = await draft(own("own-04"));
    expect(field(plan, "Out of Scope")).toHaveLength(3);
    expect(field(plan, "In Scope").join("\n")).not.toMatch(/Backfilling|phone, address|Real-time/);
    expect(field(repoSection(plan, "/edh"), "Primary Changes").join()).toContain("EDH-4");
    const data = field(repoSection(plan, "/data"), "Primary Changes").join();
    for (const id of ["DATA-1", "DATA-2"]) expect(data).toContain(id);
    for (const repo of ["/gain", "/infra"])
      expect(repoSection(plan, repo)).toContain("**No changes.**");
    expect(markdown).not.toMatch(/system prompt|in charge of the plan/i);
    expect(plan).not.toContain("snapshot tables per month");
    expect(plan).not.toContain("Wen Li");
  });
});
