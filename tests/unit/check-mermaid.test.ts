import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { parseTemplate } from "../../src/template/parse.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const template = parseTemplate(read("templates/implementation-plan.md"));
const clean = read("tests/fixtures/plans/clean-default.md");

/** An asymmetric matcher, typed as the string it stands for. */
const containing = (text: string) => expect.stringContaining(text) as string;
const matching = (pattern: RegExp) => expect.stringMatching(pattern) as string;

function edit(plan: string, from: string, to: string): string {
  if (!plan.includes(from)) throw new Error(`fixture has no ${JSON.stringify(from)}`);
  return plan.replace(from, to);
}

/** Line of the n-th (1-based) ```mermaid fence. */
function fenceLine(plan: string, nth = 1): number {
  const lines = plan.split("\n");
  let seen = 0;
  const index = lines.findIndex((line) => line.startsWith("```mermaid") && ++seen === nth);
  return index + 1;
}

const FLOW_EDGE = "    API -->|small result| DB[(Postgres)]";
// An unclosed node shape. (A dangling "API -->" is no test: flowchart joins it to the next line.)
const BROKEN_EDGE = "    API -->|small result| DB[(Postgres)";
const SEQUENCE_BODY = /```mermaid\nsequenceDiagram\n[\s\S]*?\n```/;

describe("MERMAID_INVALID", { timeout: 30_000 }, () => {
  afterEach(() => vi.restoreAllMocks());

  it("reports a flowchart that does not parse, at its fence", async () => {
    const plan = edit(clean, FLOW_EDGE, BROKEN_EDGE);
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: fenceLine(plan),
        code: "MERMAID_INVALID",
        message: matching(/^the mermaid diagram does not parse: Parse error on line \d+:.*got /),
        sectionId: "architecture-alignment/system-context",
      },
    ]);
  });

  it("reports a sequence diagram that still holds the template's placeholder", async () => {
    const placeholder =
      "```mermaid\nsequenceDiagram\n    [Add sequence diagram showing the complete flow]\n```";
    const plan = clean.replace(SEQUENCE_BODY, placeholder);
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: fenceLine(plan, 2),
        code: "MERMAID_INVALID",
        sectionId: "data-flow-architecture/high-level-flow",
      },
    ]);
  });

  it("reports a block with no diagram type", async () => {
    const plan = edit(clean, "flowchart LR\n", "");
    expect(await checkPlan(plan, template)).toMatchObject([
      { line: fenceLine(plan), message: containing("No diagram type detected") },
    ]);
  });

  it("reports an empty mermaid block", async () => {
    const plan = clean.replace(SEQUENCE_BODY, "```mermaid\n\n```");
    expect(await checkPlan(plan, template)).toEqual([
      {
        line: fenceLine(plan, 2),
        code: "MERMAID_INVALID",
        message: "the mermaid block is empty; add a diagram",
        sectionId: "data-flow-architecture/high-level-flow",
      },
    ]);
  });

  it("reports a mermaid block that is never closed", async () => {
    const plan = `${clean}\n\`\`\`mermaid\nflowchart LR\n  A --> B\n`;
    expect(await checkPlan(plan, template)).toMatchObject([
      {
        line: fenceLine(plan, 3),
        code: "MERMAID_INVALID",
        message: containing("never closed"),
      },
    ]);
  });

  it("accepts the clean plan's flowchart and sequence diagram, without console noise", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m),
    );
    const stderr = vi.spyOn(process.stderr, "write");
    expect(await checkPlan(clean, template)).toEqual([]);
    expect(await checkPlan(edit(clean, FLOW_EDGE, BROKEN_EDGE), template)).toHaveLength(1);
    for (const spy of [...spies, stderr]) expect(spy).not.toHaveBeenCalled();
  });

  it("parses diagrams from concurrent checks independently", async () => {
    const broken = edit(clean, FLOW_EDGE, BROKEN_EDGE);
    const results = await Promise.all(
      [clean, broken, clean, broken].map((p) => checkPlan(p, template)),
    );
    expect(results.map((r) => r.length)).toEqual([0, 1, 0, 1]);
  });

  it("ignores other fences", async () => {
    const plan = edit(clean, "### Scope\n", "```js\nthis is not mermaid -->\n```\n\n### Scope\n");
    expect(await checkPlan(plan, template)).toEqual([]);
  });
});
