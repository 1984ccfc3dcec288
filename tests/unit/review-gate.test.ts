import { readFileSync } from "node:fs";
import { Command, MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import { DraftState } from "../../graphs/plan-drafter/state.js";
import { createTemplateCatalog } from "../../graphs/plan-drafter/template-catalog.js";
import { RESERVED_NODES } from "../../graphs/plan-drafter/topology.js";
import { watchlistBrief } from "../support/brief.js";
import {
  answerProblems,
  applyReview,
  reviewQuestions,
  reviewRequestOf,
} from "../../src/drafters/review.js";
import { createRuleDrafter } from "../../src/drafters/rules/index.js";
import { streamDraft, type DraftEvent } from "../../src/drafting/run-draft.js";
import { loadConfig } from "../../src/config.js";

const TEMPLATE = readFileSync(
  new URL("../../templates/implementation-plan.md", import.meta.url),
  "utf8",
);
const FEATURE = readFileSync(new URL("../fixtures/watchlist-feature.md", import.meta.url), "utf8");

const question = (question: string, blocking: boolean, sections: string[]) => ({
  question,
  assumption: `assume ${question}`,
  sections,
  blocking,
});

const brief = watchlistBrief({
  repos: [
    { repo: "/gain", touched: true, why: "the API" },
    { repo: "/edh", touched: true, why: "the events" },
  ],
  open_questions: [
    question("colour?", false, []),
    question("limit?", false, ["Architecture", "Testing"]),
    question("auth?", true, ["Architecture"]),
    question("retention?", false, ["Data Flow"]),
    question("regions?", false, ["Architecture"]),
    question("quota?", false, ["Architecture", "Testing", "Phases"]),
    question("Limit?", false, ["Testing"]),
  ],
});

describe("the review gate's questions", () => {
  it("asks at most five, blocking ones first, then those more of the plan depends on", () => {
    const asked = reviewQuestions(brief);
    expect(asked.map((q) => [q.id, q.question])).toEqual([
      ["q1", "auth?"],
      ["q2", "quota?"],
      ["q3", "limit?"],
      ["q4", "retention?"],
      ["q5", "regions?"],
    ]);
    expect(asked[0]).toMatchObject({ suggestion: "assume auth?", blocking: true, choices: [] });
    expect(asked[0]?.why).toContain("implementation cannot start");
    expect(asked[1]?.why).toContain("Architecture, Testing, Phases");
  });

  it("offers the brief's options as choices, with the suggestion among them", () => {
    const withChoices = (choices: string[], assumption = "Postgres") =>
      reviewQuestions(
        watchlistBrief({
          open_questions: [
            { question: "Which store?", assumption, choices, sections: [], blocking: true },
          ],
        }),
      )[0]?.choices;
    expect(withChoices(["Postgres", "Redis"])).toEqual(["Postgres", "Redis"]);
    // A suggestion the model left out of its options is one of them: taking it is a valid pick.
    expect(withChoices(["Redis", "SQLite"])).toEqual(["Postgres", "Redis", "SQLite"]);
    // One option is no choice, and a TODO is no suggestion: the question is answered in words.
    expect(withChoices(["Postgres", " Postgres "])).toEqual([]);
    expect(withChoices(["Redis", "SQLite"], "TODO: ask")).toEqual(["Redis", "SQLite"]);
  });

  it("names each field of an answer that does not fit, and passes one that does", () => {
    const gate = reviewRequestOf(brief);
    expect(answerProblems(gate, { approve: true, answers: { q1: "OAuth" } })).toEqual([]);
    const problems = answerProblems(gate, {
      approve: true,
      answers: { q9: "x" },
      brief: { repos: [{ repo: "/nope", touched: false, why: "no" }] },
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^answers\.q9: no such question \(the questions are q1, q2, q3, q4, q5\)/,
      ),
      expect.stringMatching(/^brief\.repos\[0\]\.repo: \/nope is not a repository/),
    ]);
    const choosing = {
      ...gate,
      questions: gate.questions.map((q) => ({ ...q, choices: ["yes", "no"] })),
    };
    expect(answerProblems(choosing, { approve: true, answers: { q2: "maybe" } })).toEqual([
      "answers.q2: answer one of yes | no",
    ]);
  });

  it("gives the brief as the person left it, and what they answered", () => {
    const gate = reviewRequestOf(brief);
    const { brief: after, reviewed } = applyReview(brief, gate, {
      approve: true,
      brief: {
        out_of_scope: ["sharing", "export"],
        repos: [{ repo: "/edh", touched: false, why: "not now" }],
      },
      answers: { q1: "OAuth", q2: "assume quota?" },
    });
    expect(after.out_of_scope).toEqual(["sharing", "export"]);
    expect(after.in_scope).toEqual(brief.in_scope);
    expect(after.repos).toEqual([brief.repos[0], { repo: "/edh", touched: false, why: "not now" }]);
    expect(reviewed.untouched).toEqual(["/edh"]);
    expect(reviewed.answers).toEqual([
      { question: "auth?", answer: "OAuth", suggested: false, sections: ["Architecture"] },
      {
        question: "quota?",
        answer: "assume quota?",
        suggested: true,
        sections: ["Architecture", "Testing", "Phases"],
      },
    ]);
  });
});

describe("the review gate in the graph", () => {
  it("keeps every state key out of the section nodes' names (LangGraph refuses the clash)", () => {
    for (const key of Object.keys(DraftState.spec)) expect(RESERVED_NODES).toContain(key);
  });

  it("stops after analyze with no section drafted, and drafts from the reviewed brief", async () => {
    const config = loadConfig({});
    const checkpointer = new MemorySaver();
    const deps = { config, drafterFor: () => createRuleDrafter(), checkpointer };
    const catalog = createTemplateCatalog(deps);
    const { graph } = catalog.graphFor(catalog.templateOf(TEMPLATE), { checkpointer });
    const events: DraftEvent[] = [];
    const input = { featureText: FEATURE, featureSource: "watchlist.md", reviewFirst: true };
    const first = await streamDraft(deps, graph, "t1", input, (e) => events.push(e));

    expect(first.review?.brief.goal).toBe(first.state?.brief?.goal);
    expect(first.state?.drafts).toEqual({});
    expect(events.filter((e) => e.type.startsWith("section."))).toEqual([]);

    const repo = first.review?.brief.repos.find((r) => r.touched)?.repo ?? "";
    const answers = Object.fromEntries(
      (first.review?.questions ?? []).map((q) => [q.id, `Decided: ${q.id}`]),
    );
    const answer = {
      approve: true,
      brief: { repos: [{ repo, touched: false, why: "left for a later release" }] },
      answers,
    };
    const end = await streamDraft(deps, graph, "t1", new Command({ resume: answer }), () => {});
    expect(end.review).toBeUndefined();
    const markdown = end.state?.markdown ?? "";
    expect(markdown).toContain(`no change is planned in ${repo}`);
    expect(markdown).toContain("Marked untouched when the brief was reviewed");
    // The watchlist doc leaves two questions open; both answered, neither is open any more.
    expect(Object.keys(answers)).toEqual(["q1", "q2"]);
    expect(markdown).toContain("**Answered when the brief was reviewed (2)**");
    expect(markdown).toContain("Answer: Decided: q1");
    expect(markdown).toContain("**Open questions (0)**");
  });
});
