import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { citedPaths } from "../../src/check/citations.js";
import { parseTemplate } from "../../src/template/parse.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const template = parseTemplate(read("templates/implementation-plan.md"));
const clean = read("tests/fixtures/plans/clean-default.md");
const REPOS = ["/data", "/gain", "/edh", "/infra"];
const GAIN = {
  name: "/gain",
  commit: "0123456789abcdef0123",
  files: ["backend/app/main.py", "frontend/app/watchlists/page.tsx", "Dockerfile"],
};
const LINE =
  "- Existing components requiring modification: `SavedSearchRow` gains the export button";

describe("cited paths", () => {
  it("reads a code span under a repository's name as a path, not an endpoint or a bare name", () => {
    const text =
      "Change `/gain/backend/app/main.py:12`, `/gain:Dockerfile`, `/gain/frontend/app/`, `/data/models/x.sql`; " +
      "the endpoint `/gain/watchlists` and `POST /gain/x.py`, `SavedSearchRow`, `/gainer/a.py`, new file `backend/app/new.py`, " +
      "`/gain/backend/alembic/versions/*.py`, `/data/exports/{id}.csv`.";
    expect(citedPaths(text, REPOS).map((c) => `${c.repo} ${c.path}`)).toEqual([
      "/gain backend/app/main.py",
      "/gain Dockerfile",
      "/gain frontend/app/",
      "/data models/x.sql",
    ]);
  });

  it("reports each path a mapped checkout does not track; unmapped repositories are not judged", async () => {
    const plan = clean.replace(
      LINE,
      `${LINE}; \`/gain/backend/app/main.py\`, \`/gain/frontend/app/\`, \`/gain/backend/app/nope.py\` and \`/data/models/gone.sql\``,
    );
    expect(plan).not.toBe(clean);
    expect(await checkPlan(plan, template)).toEqual([]);
    const findings = await checkPlan(plan, template, { checkouts: [GAIN] });
    expect(findings).toEqual([
      {
        line: 85,
        code: "PATH_NOT_FOUND",
        message:
          "`/gain/backend/app/nope.py` cites backend/app/nope.py, which does not exist in /gain at commit 0123456789ab; cite a file that checkout tracks, or remove the path",
        sectionId: expect.stringContaining("gain") as unknown,
      },
    ]);
  });
});
