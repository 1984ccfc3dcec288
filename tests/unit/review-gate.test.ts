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
    if (first.review?.kind !== "brief") throw new Error("no brief's gate");

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
    // The rule-based drafter takes each answer as a decision of the architecture, first.
    const decisions = markdown.split("### Architectural Decisions")[1]?.split("###")[0] ?? "";
    expect(decisions.split("\n")[3]).toMatch(
      /^\| Decided: q1 \| Decided when the brief was reviewed, answering: /,
    );
    expect(markdown).toContain("**Open questions (0)**");
  });
});

describe("a revision's review gate in the graph", () => {
  const config = loadConfig({});
  const checkpointer = new MemorySaver();
  const deps = { config, drafterFor: () => createRuleDrafter(), checkpointer };
  const catalog = createTemplateCatalog(deps);
  const { graph, layout } = catalog.graphFor(catalog.templateOf(TEMPLATE), { checkpointer });
  const input = { featureText: FEATURE, featureSource: "watchlist.md" };
  const architecture = layout.units.find((u) => u.section.title === "Architecture Alignment")!;
  const dependents = layout.units.filter((u) =>
    layout.nodes.find((n) => n.name === u.node)?.dependsOn.includes(architecture.node),
  );

  /** A revision of Architecture Alignment with its cascade, stopping for review. */
  const revision = (number: number, feedback: string) => ({
    revision: {
      number,
      target: architecture.id,
      feedback,
      cascade: true,
      units: [architecture.id, ...dependents.map((u) => u.id)],
      review: true,
    },
    checks: 0,
    repairs: {},
  });

  it("stops once the section is re-drafted, before its dependents; kept, the cascade goes on", async () => {
    const drafted = await streamDraft(deps, graph, "r1", input, () => {});
    expect(dependents.length).toBeGreaterThan(0);
    const events: DraftEvent[] = [];
    const atGate = await streamDraft(deps, graph, "r1", revision(1, "Name the cache"), (e) =>
      events.push(e),
    );
    if (atGate.review?.kind !== "revision") throw new Error("no revision's gate");
    expect(atGate.review.section).toEqual({ id: architecture.id, title: "Architecture Alignment" });
    expect(atGate.review.before).toContain("Architecture Alignment");
    expect(atGate.review.after).not.toBe(atGate.review.before);
    expect(atGate.review.dependents.map((d) => d.id)).toEqual(dependents.map((u) => u.id));
    // Only the section itself was re-drafted: no dependent started.
    const started = events.flatMap((e) => (e.type === "section.started" ? [e.data.section] : []));
    expect(started).toEqual([architecture.id]);

    const kept = await streamDraft(
      deps,
      graph,
      "r1",
      new Command({ resume: { approve: true } }),
      () => {},
    );
    expect(kept.review).toBeUndefined();
    for (const unit of dependents) expect(kept.state?.revised[unit.id]).toBe(1);
    expect(kept.state?.revision?.dropped).toBeUndefined();
    expect(kept.state?.markdown).not.toBe("");
    expect(drafted.state?.markdown).not.toBe("");
  });

  it("puts the section back as it was when the revision is dropped, re-drafting nothing more", async () => {
    await streamDraft(deps, graph, "r2", input, () => {});
    const before = (await graph.getState({ configurable: { thread_id: "r2" } })).values as {
      drafts: Record<string, unknown>;
      markdown: string;
    };
    const atGate = await streamDraft(deps, graph, "r2", revision(1, "Use a queue"), () => {});
    expect(atGate.state?.drafts).not.toEqual(before.drafts);
    const events: DraftEvent[] = [];
    const dropped = await streamDraft(
      deps,
      graph,
      "r2",
      new Command({ resume: { approve: false } }),
      (e) => events.push(e),
    );
    expect(dropped.review).toBeUndefined();
    expect(dropped.state?.revision?.dropped).toBe(true);
    expect(dropped.state?.drafts).toEqual(before.drafts);
    expect(dropped.state?.markdown).toBe(before.markdown);
    expect(events.filter((e) => e.type.startsWith("section."))).toEqual([]);

    // A later revision of the same section starts from the plan as it was.
    const next = await streamDraft(deps, graph, "r2", revision(2, "Name the cache"), () => {});
    if (next.review?.kind !== "revision") throw new Error("no revision's gate");
    expect(next.review.before).toBe(
      (await graph.getState({ configurable: { thread_id: "r2" } })).values.replaced[
        architecture.id
      ],
    );
  });

  it("refuses an answer that gives a brief or answers at a revision's gate", async () => {
    await streamDraft(deps, graph, "r3", input, () => {});
    await streamDraft(deps, graph, "r3", revision(1, "x"), () => {});
    const answer = { approve: true, answers: { q1: "y" } };
    await expect(
      streamDraft(deps, graph, "r3", new Command({ resume: answer }), () => {}),
    ).rejects.toThrow("answers: a revision's review takes approve alone");
  });
});
