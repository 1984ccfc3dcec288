import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { createDigestCache } from "../../src/workspace/digest-cache.js";
import { knownRepositories, type KnownRepository } from "../../src/workspace/known.js";
import { readWorkspace } from "../../src/workspace/material.js";
import { parseTemplate } from "../../src/template/parse.js";
import { readFileSync } from "node:fs";
import {
  DEFAULT,
  draft,
  inline,
  statusOf,
  textOf,
  unitContent,
  valueOf,
} from "../support/rule-draft.js";
import { DATA_FILES, GAIN_FILES, makeRepo } from "../support/workspace-repos.js";

/** /gain and /data as the shared test repositories, and an /edh whose words a doc never uses. */
const EDH_FILES: Record<string, string> = {
  "README.md": "# hub\n\nThe entity hub.\n",
  "migrations/0003_supplier_links.sql":
    "-- parents of suppliers\nCREATE TABLE supplier_links (\n  id bigint PRIMARY KEY,\n  parent_id bigint\n);\n",
};
const GAIN_MORE: Record<string, string> = {
  ...GAIN_FILES,
  "frontend/components/WatchlistTable.tsx": "export function WatchlistTable() { return null; }\n",
  "backend/app/scores.py":
    'router = APIRouter()\n\n@router.get("/watchlists/{watchlist_id}/scores")\ndef scores(watchlist_id: int):\n    return []\n',
  "openapi.yaml":
    "openapi: 3.0.0\npaths:\n  /api/suppliers/{id}:\n    get:\n      summary: one supplier\n",
};

const DOC = `# Alert thresholds per analyst

## Summary

Analysts get an alert when a watched supplier's risk score moves by a fixed 10 points. This
lets each analyst choose their own threshold.

## Goals

- An analyst sets their threshold on the watchlist page.
- The \`WatchlistTable\` component shows each supplier's threshold next to its score.

## API

- \`GET /api/watchlists/{id}/scores\` returns each supplier's threshold as well.
- \`PUT /api/watchlists/{id}/threshold\` sets an analyst's threshold.
- \`POST /api/watchlists\` is a new endpoint that creates a watchlist with a threshold.
- \`GET /api/suppliers/{id}\` shows the threshold of the supplier.

## Data

- Add a \`threshold\` column to the existing \`watchlists\` table.
- Add a \`parent_threshold\` column to the \`supplier_links\` table.
`;

let known: KnownRepository[];
let files: { name: string; commit: string; files: string[] }[];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "plandraft-rules-workspace-"));
  const repositories = [
    { name: "/gain", path: makeRepo(join(root, "gain"), GAIN_MORE) },
    { name: "/data", path: makeRepo(join(root, "data"), DATA_FILES) },
    { name: "/edh", path: makeRepo(join(root, "edh"), EDH_FILES) },
  ];
  const { material } = await readWorkspace(
    { source: "test", repositories, context: [] },
    {
      cache: createDigestCache(undefined),
      templateRepos: ["/data", "/gain", "/edh", "/infra"],
      tokens: 6000,
    },
  );
  known = knownRepositories(material.digests);
  files = material.digests.map((d) => ({ name: d.name, commit: d.commit, files: d.files }));
});

describe("what a workspace declares", () => {
  it("reads route decorators, OpenAPI paths, Next.js route handlers and migrations", () => {
    const gain = known.find((k) => k.name === "/gain");
    expect(gain?.endpoints).toEqual(
      expect.arrayContaining([
        { name: "/watchlists", method: "POST", at: "/gain/backend/app/main.py:9" },
        { name: "/api/suppliers/{id}", method: "GET", at: "/gain/openapi.yaml:4" },
        { name: "/api/watchlists", at: "/gain/frontend/app/api/watchlists/route.ts" },
      ]),
    );
    expect(gain?.tables).toContainEqual({
      name: "watchlists",
      at: "/gain/backend/alembic/versions/0007_create_watchlists.py:4",
    });
    expect(known.find((k) => k.name === "/data")?.tables).toContainEqual({
      name: "dim_watchlist",
      at: "/data/models/marts/dim_watchlist.sql:1",
    });
    // A secret's name is never a file a plan could cite.
    expect(gain?.files).not.toContain(".env");
  });
});

describe("the rule drafter with a workspace", () => {
  it("says which endpoints and tables exist, where, and asks when the doc calls one new that exists", async () => {
    const result = await draft(inline(DOC), DEFAULT, known);
    const gain = unitContent(result, "/gain");
    const modified = textOf(valueOf(gain.section, gain.content, "Modified endpoints"));
    expect(modified).toContain(
      "`GET /api/watchlists/{id}/scores` — returns each supplier's threshold as well. (exists as `/watchlists/{watchlist_id}/scores`: `/gain/backend/app/scores.py:3`)",
    );
    expect(modified).toContain("(exists: `/gain/openapi.yaml:4`)");
    const added = textOf(valueOf(gain.section, gain.content, "New endpoints"));
    expect(added).toMatch(
      /`PUT \/api\/watchlists\/\{id\}\/threshold`.*\(not in \/gain at [0-9a-f]{7}\)/,
    );
    expect(added).toMatch(
      /`POST \/api\/watchlists`.*\[NEEDS CLARIFICATION: the doc plans it as new, but `\/gain\/frontend\/app\/api\/watchlists\/route\.ts` already declares it\]/,
    );
    const tables = textOf(valueOf(gain.section, gain.content, "Schema modifications"));
    expect(tables).toContain(
      "(exists: `/gain/backend/alembic/versions/0007_create_watchlists.py:4`)",
    );
    const components = textOf(
      valueOf(gain.section, gain.content, "Existing components requiring modification"),
    );
    expect(components).toContain(
      "`WatchlistTable` (`/gain/frontend/components/WatchlistTable.tsx`)",
    );
  });

  it("touches a repository the doc's words miss when what it names lives there", async () => {
    const without = await draft(inline(DOC), DEFAULT, []);
    expect(statusOf(without, "/edh")).toBe("no_changes");

    const result = await draft(inline(DOC), DEFAULT, known);
    const edh = result.brief.repos.find((r) => r.repo === "/edh");
    expect(edh).toEqual({
      repo: "/edh",
      touched: true,
      why: "The doc names `supplier_links`, which /edh declares today (`/edh/migrations/0003_supplier_links.sql:2`).",
    });
    const unit = unitContent(result, "/edh");
    expect(textOf(valueOf(unit.section, unit.content, "Schema changes"))).toContain(
      "`supplier_links`",
    );
    // Every path the plan cites exists in the checkout it names.
    const template = parseTemplate(
      readFileSync(join(import.meta.dirname, "../../templates/implementation-plan.md"), "utf8"),
    );
    const findings = await checkPlan(result.markdown, template, { checkouts: files });
    expect(findings.filter((f) => f.code === "PATH_NOT_FOUND")).toEqual([]);
    expect(result.markdown).toContain("`/edh/migrations/0003_supplier_links.sql:2`");
  });

  it("keeps a repository untouched when the doc says so, whatever the workspace holds", async () => {
    const result = await draft(
      inline(DOC.replace("## Summary", "`/edh` stays as it is.\n\n## Summary")),
      DEFAULT,
      known,
    );
    expect(result.brief.repos.find((r) => r.repo === "/edh")?.touched).toBe(false);
    expect(statusOf(result, "/edh")).toBe("no_changes");
  });
});
