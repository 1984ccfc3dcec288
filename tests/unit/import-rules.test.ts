import { randomUUID } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The import rules pass quietly when they cannot see an import (a wrong resolver or file
// extension setting does that), so this plants what they must catch, inside the tree where the
// repository's own eslint.config.js applies to it.
const root = join(import.meta.dirname, "..", "..");
const planted = `import-rules-${randomUUID()}`;
const inSrc = join(root, "src", planted);
const inGraphs = join(root, "graphs", planted);
const inTemplate = join(root, "src", "template", planted);

const files: Record<string, string> = {
  [join(inSrc, "plan.ts")]:
    'import { section } from "./section.js";\nexport const plan = (): string => section();\n',
  [join(inSrc, "section.ts")]:
    'import { plan } from "./plan.js";\nexport const section = (): string => plan.name;\n',
  [join(inSrc, "draft.ts")]:
    'import type { Revision } from "./revision.js";\nexport const draft = (r: Revision): string => r.feedback;\n',
  [join(inSrc, "revision.ts")]:
    'import { draft } from "./draft.js";\nexport interface Revision { feedback: string }\nexport const revise = draft;\n',
  [join(inGraphs, "node.ts")]:
    'import { defaultIo } from "../../src/cli/cli-io.js";\nexport const io = defaultIo;\n',
  [join(inTemplate, "sections.ts")]:
    'import { buildLayout } from "../../../graphs/plan-drafter/topology.js";\nexport const sections = buildLayout;\n',
};

/** The import rules' messages per planted file, by file name. */
async function importFindings(): Promise<Record<string, string[]>> {
  // The type-aware rules are off: they are not what this checks, and they take seconds to start.
  const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });
  const results = await eslint.lintFiles(Object.keys(files));
  return Object.fromEntries(
    results.map((r) => [
      r.filePath.slice(root.length + 1),
      r.messages.flatMap((m) => (m.ruleId?.startsWith("import-x/") ? [m.ruleId] : [])),
    ]),
  );
}

describe("import rules", () => {
  beforeAll(async () => {
    await Promise.all([inSrc, inGraphs, inTemplate].map((dir) => mkdir(dir, { recursive: true })));
    await Promise.all(Object.entries(files).map(([path, text]) => writeFile(path, text)));
  });
  afterAll(async () => {
    await Promise.all(
      [inSrc, inGraphs, inTemplate].map((dir) => rm(dir, { recursive: true, force: true })),
    );
  });

  it("report a cycle (not one closed only by a type import), the graph importing the CLI, and the template importing the graph", async () => {
    expect(await importFindings()).toEqual({
      [`src/${planted}/plan.ts`]: ["import-x/no-cycle"],
      [`src/${planted}/section.ts`]: ["import-x/no-cycle"],
      [`src/${planted}/draft.ts`]: [],
      [`src/${planted}/revision.ts`]: [],
      [`graphs/${planted}/node.ts`]: ["import-x/no-restricted-paths"],
      [`src/template/${planted}/sections.ts`]: ["import-x/no-restricted-paths"],
    });
  });
});
