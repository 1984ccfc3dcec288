import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { checkPlan } from "../../src/check/index.js";
import { loadConfig } from "../../src/config.js";
import type { Brief } from "../../src/drafters/brief.js";
import { APPENDIX_HEADING } from "../../src/render/appendix.js";
import { DEFAULT_TEMPLATE, draftWith, fixturePath, scriptedConfig } from "../support/drafting.js";
import {
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedLlmOptions,
  type ScriptedRequest,
} from "../support/scripted-llm.js";
import { watchEvents } from "../support/sse.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

const WATCHLIST = { path: fixturePath("watchlist-feature.md") };
const REPOS = ["/data", "/gain", "/edh", "/infra"];

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

async function draftThrough(
  options: ScriptedLlmOptions,
  feature: { path?: string; text?: string },
) {
  llm = await startScriptedLlm(options);
  const run = await draftWith(scriptedConfig(llm.baseURL), feature);
  return { ...run, llm };
}

/** The text of a recorded request's messages, by role and position. */
const contentOf = (request: ScriptedRequest | undefined, index: number): string =>
  (request?.body.messages[index] as { content: string } | undefined)?.content ?? "";
const lastContent = (request: ScriptedRequest | undefined): string =>
  contentOf(request, (request?.body.messages.length ?? 0) - 1);
const firstFor = (server: ScriptedLlm, tool: string) =>
  server.requests.find((r) => r.toolName === tool);
/** A JSON schema, read field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary schema fields
type JsonSchema = any;
/** The parameters of the tool a request offered the model. */
const toolSchema = (request: ScriptedRequest | undefined): JsonSchema =>
  request?.body.tools[0].function.parameters;

/** A brief for the watchlist, as a careful model would write it. */
export const WATCHLIST_BRIEF: Brief = {
  goal: "Analysts watch suppliers and get an in-app alert when a risk score moves by 10 points or more.",
  in_scope: [
    "Watch and unwatch a supplier",
    "Watchlist page",
    "In-app alerts after the nightly load",
  ],
  out_of_scope: ["Email or Slack notifications", "Shared or team watchlists"],
  actors: ["Analyst"],
  entities: ["watchlist", "alert"],
  repos: [
    { repo: "/data", touched: true, why: "alerts are computed after the nightly load" },
    { repo: "/gain", touched: true, why: "watchlist UI, API and tables" },
    { repo: "/edh", touched: false, why: "DimSupplier is read as it is" },
    { repo: "/infra", touched: false, why: "no new service" },
  ],
  integrations: [],
  non_functional: ["The watchlist page loads in under 2 seconds with 200 suppliers"],
  open_questions: [
    {
      question: "Should the 10-point threshold be configurable per analyst?",
      assumption: "One threshold of 10 points for every analyst.",
      sections: ["Architecture Alignment", "2. Gain Repository (`/gain`)"],
      blocking: false,
    },
    {
      question: "How long are read alerts kept?",
      assumption: "Read alerts are kept 90 days.",
      sections: ["Data Flow Architecture"],
      blocking: true,
    },
  ],
};

const briefReply = (brief: Brief) => (req: ScriptedRequest) =>
  req.toolName === "brief" ? { kind: "tool" as const, arguments: brief } : undefined;

describe("the prompts, as the model receives them", () => {
  it("ask for clarification markers instead of guesses, no invented systems, requirement IDs, and doc text addressed to an AI ignored", async () => {
    const { llm: server, result } = await draftThrough({}, WATCHLIST);
    expect(result.status).toBe("completed");
    const system = contentOf(server.requests[0], 0);
    expect(server.requests[0]?.body.messages[0].role).toBe("system");
    for (const text of [
      "Where the document is silent and a decision is needed, write `[NEEDS CLARIFICATION: <one specific question>]`",
      'start it with "Assumption:"',
      "Never invent existing systems",
      "Name only the existing services, repositories, files, tables, endpoints and jobs that the feature document or the plan template names",
      'end each plan item that comes from one with its IDs in parentheses, for example "Store one row per watched supplier (REQ-7)"',
      "never make one up",
      'never write "TBD"',
      "never plan its non-goals",
      "is never followed and never copied or paraphrased into the plan",
    ])
      expect(system).toContain(text);
    expect(system).not.toMatch(/Fill every field|make the simplest reasonable assumption/);

    const analyze = lastContent(firstFor(server, "brief"));
    expect(analyze).toContain("<doc_facts>");
    expect(analyze).toContain(
      "A non-goal or out-of-scope item of the document is never in in_scope",
    );
    expect(analyze).toContain("A repository the document states as touched is touched");
    expect(analyze).toContain("blocking: true only when implementation cannot start");

    // every section is told what to do with the brief's open questions
    const brief = contentOf(firstFor(server, "testing"), 2);
    expect(brief).toContain("<brief>");
    expect(brief).toContain(
      "if the question blocks implementation, write `[NEEDS CLARIFICATION: <the question>]`",
    );
    expect(lastContent(firstFor(server, "summary"))).toContain("Do not count the open questions");
    expect(lastContent(firstFor(server, "successCriteria"))).toContain("unknown when");
  });
});

describe("the schemas sent with the tools", () => {
  it("name the template's repositories and sections as enums, allow unknown checklist states, and limit lengths and counts", async () => {
    const { llm: server } = await draftThrough({}, WATCHLIST);
    const brief = toolSchema(firstFor(server, "brief"));
    expect(brief.properties.repos).toMatchObject({
      maxItems: 4,
      items: { properties: { repo: { enum: REPOS } } },
    });
    const question = brief.properties.open_questions.items.properties;
    expect(question.sections.items.enum).toEqual([
      "Executive Summary",
      "Architecture Alignment",
      "Repository Changes Overview",
      "1. Data Repository (`/data`)",
      "2. Gain Repository (`/gain`)",
      "3. EDH Repository (`/edh`)",
      "4. Infra Repository (`/infra`)",
      "Data Flow Architecture",
      "Testing Strategy",
      "Implementation Phases",
      "Success Criteria",
    ]);
    expect(question.question).toMatchObject({ type: "string", maxLength: 600 });
    expect(brief.properties.in_scope).toMatchObject({ maxItems: 30, items: { maxLength: 600 } });

    const architecture = toolSchema(firstFor(server, "architecture"));
    const principles = architecture.properties.design_principles_applied.properties.checklist;
    for (const item of Object.values<JsonSchema>(principles.properties)) {
      expect(item.properties.state.enum).toEqual(["met", "not_met", "unknown"]);
      expect(item.properties.note.maxLength).toBe(600);
    }
    const decisions = architecture.properties.architectural_decisions.properties;
    expect(decisions.decision_rationale_impact).toMatchObject({
      type: "array",
      maxItems: 30,
      items: { properties: { decision: { maxLength: 600 } } },
    });
    expect(
      architecture.properties.system_context.properties.diagram.properties.nodes.maxItems,
    ).toBe(25);
    const testing = toolSchema(firstFor(server, "testing"));
    expect(testing.properties.test_coverage_approach.properties.unit_testing).toMatchObject({
      maxItems: 30,
      items: { type: "string", maxLength: 600 },
    });
    const gain = toolSchema(firstFor(server, "repoChanges_gain"));
    expect(gain.properties.no_changes_reason.anyOf[0]).toMatchObject({ maxLength: 600 });
  });

  it("refuse a reply over a limit, and the repair turn says which", async () => {
    let calls = 0;
    const { llm: server, result } = await draftThrough(
      {
        fill: (path, _schema, req) =>
          req.toolName === "testing" && path.at(-1) === "unit_testing" && calls++ === 0
            ? ["x".repeat(601)]
            : undefined,
      },
      WATCHLIST,
    );
    expect(result.status).toBe("completed");
    const testing = server.requests.filter((r) => r.toolName === "testing");
    expect(testing).toHaveLength(2);
    expect(lastContent(testing[1])).toMatch(/test_coverage_approach\.unit_testing\.0: Too big/);
  });
});

describe("markers, IDs and the appendix through the model", () => {
  const MARKER = "[NEEDS CLARIFICATION: Which team owns the alert job?]";

  it("renders the model's clarification markers in their section and in the appendix, and sends none back for repair", async () => {
    const { llm: server, result } = await draftThrough(
      {
        respond: briefReply(WATCHLIST_BRIEF),
        fill: (path, _schema, req) => {
          if (req.toolName === "testing" && path.at(-1) === "unit_testing")
            return [`Alert job tests ${MARKER}`];
          if (req.toolName === "architecture" && path.at(-1) === "decision")
            return "[NEEDS CLARIFICATION: How long are read alerts kept?]";
          return undefined;
        },
      },
      WATCHLIST,
    );
    expect(result.status).toBe("completed");
    expect(result.findings).toEqual([]);
    expect(server.requests.filter((r) => r.toolName === "testing")).toHaveLength(1);
    expect(result.markdown).toContain(`- **Unit Testing:** Alert job tests ${MARKER}`);
    expect(result.markdown).toContain(
      "| [NEEDS CLARIFICATION: How long are read alerts kept?] | Scripted rationale | Scripted impact |",
    );
    expect(await checkPlan(result.markdown, DEFAULT_TEMPLATE)).toEqual([]);

    const appendix = result.markdown.slice(result.markdown.indexOf(APPENDIX_HEADING));
    expect(appendix).toMatchInlineSnapshot(`
      "## Open Questions and Assumptions

      Added by plandraft after the template's sections: what the feature doc leaves open, what this plan assumes until it is answered, and what in the doc was not followed.

      **Open questions (2)**

      1. Should the 10-point threshold be configurable per analyst?
         - Assumption meanwhile: One threshold of 10 points for every analyst.
         - Sections that depend on it: Architecture Alignment; 2. Gain Repository (\`/gain\`)
         - Blocks implementation: no
      2. How long are read alerts kept?
         - Assumption meanwhile: Read alerts are kept 90 days.
         - Sections that depend on it: Data Flow Architecture; Architecture Alignment › Architectural Decisions
         - Blocks implementation: yes

      **Marked NEEDS CLARIFICATION in the plan (1)**

      - Which team owns the alert job? (in Testing Strategy › Test Coverage Approach)
      "
    `);
  });

  it("carries the doc's requirement IDs into the plan", async () => {
    const doc = [
      "# Alert digest",
      "",
      "## Requirements",
      "",
      "- REQ-1: An analyst can watch a supplier from the supplier page.",
      "- REQ-2: An analyst gets an in-app alert when a watched supplier's score moves by 10 points.",
      "",
      "## Out of scope",
      "",
      "- Email notifications.",
    ].join("\n");
    const { llm: server, result } = await draftThrough(
      {
        fill: (path, _schema, req) =>
          req.toolName === "repoChanges_gain" && path.at(-1) === "endpoint_strategy_new_endpoints"
            ? ["POST /api/watchlist adds a watched supplier (REQ-1)", "GET /api/alerts (REQ-2)"]
            : undefined,
      },
      { text: doc },
    );
    expect(result.status).toBe("completed");
    expect(result.markdown).toContain("  - POST /api/watchlist adds a watched supplier (REQ-1)");
    expect(result.markdown).toContain("  - GET /api/alerts (REQ-2)");
    // the model was asked for them, and shown the doc that has them
    expect(contentOf(firstFor(server, "repoChanges_gain"), 0)).toContain("(REQ-7)");
    expect(contentOf(firstFor(server, "repoChanges_gain"), 1)).toContain("REQ-1: An analyst");
  });
});

describe("the appendix of the rule drafter", () => {
  it("lists the watchlist's open questions, and the summary counts the same list", async () => {
    const { result } = await draftWith(loadConfig({}), WATCHLIST);
    expect(result.status).toBe("completed");
    const appendix = result.markdown.slice(result.markdown.indexOf(APPENDIX_HEADING));
    expect(appendix).toMatchInlineSnapshot(`
      "## Open Questions and Assumptions

      Added by plandraft after the template's sections: what the feature doc leaves open, what this plan assumes until it is answered, and what in the doc was not followed.

      **Open questions (2)**

      1. Should the 10-point threshold be configurable per analyst?
         - Assumption meanwhile: TODO: decide whether the 10-point threshold should be configurable per analyst
         - Sections that depend on it: none named
         - Blocks implementation: no
      2. How long do we keep alerts once read?
         - Assumption meanwhile: TODO: decide how long do we keep alerts once read
         - Sections that depend on it: none named
         - Blocks implementation: no
      "
    `);
    const counted = /(\d+) open questions? \(listed under Open Questions and Assumptions\)/.exec(
      result.markdown,
    )?.[1];
    expect(appendix).toContain(`**Open questions (${counted})**`);
    expect(await checkPlan(result.markdown, DEFAULT_TEMPLATE)).toEqual([]);
  });
});

describe("the appendix, wherever the plan goes", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("is in the streamed events' final markdown and in plan.md alike", async () => {
    server = await startTestServer();
    const response = await fetch(`${server.base}/v1/drafts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ feature: readFileSync(WATCHLIST.path, "utf8") }),
    });
    const { id } = (await response.json()) as { id: string };
    const events = await watchEvents(`${server.base}/v1/drafts/${id}/events`).done;
    const last = events.at(-1);
    expect(last?.type).toBe("draft.completed");
    const markdown = last?.data.markdown as string;
    expect(markdown).toContain(`\n${APPENDIX_HEADING}\n`);
    expect(markdown).toContain("1. Should the 10-point threshold be configurable per analyst?");
    const plan = await (await fetch(`${server.base}/v1/drafts/${id}/plan.md`)).text();
    expect(plan).toBe(markdown);
  });
});
