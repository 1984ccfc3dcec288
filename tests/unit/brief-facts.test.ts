import { describe, expect, it } from "vitest";
import { briefContradictions, inScopeNonGoal, obeyFacts } from "../../src/drafters/brief-facts.js";
import type { Brief } from "../../src/drafters/brief.js";
import { factsWith } from "../support/facts.js";

function briefWith(stated: Partial<Brief>): Brief {
  return {
    goal: "Analysts follow suppliers",
    in_scope: [],
    out_of_scope: [],
    actors: [],
    entities: [],
    repos: [],
    integrations: [],
    non_functional: [],
    open_questions: [],
    ...stated,
  };
}

const REPOS_LINE = { text: "Repos: /gain, /data (touched); /edh, /infra: no changes", line: 3 };

describe("a brief against the doc's facts", () => {
  const facts = factsWith({
    repos: [
      { repo: "/gain", touched: true, how: "metadata", evidence: REPOS_LINE },
      { repo: "/edh", touched: false, how: "metadata", evidence: REPOS_LINE },
    ],
    outOfScope: [{ text: "Email or Slack notifications (a later feature).", line: 22 }],
  });

  it("names a stated-touched repository marked untouched, and the reverse, with the doc line", () => {
    const brief = briefWith({
      repos: [
        { repo: "/gain", touched: false, why: "nothing changes" },
        { repo: "/edh", touched: true, why: "export" },
        { repo: "/data", touched: true, why: "the doc is silent: no contradiction" },
      ],
    });
    expect(briefContradictions(brief, facts).map((c) => c.message)).toEqual([
      'the brief marks /gain untouched, but line 3 of the feature doc states it is touched: "Repos: /gain, /data (touched); /edh, /infra: no changes"',
      'the brief marks /edh touched, but line 3 of the feature doc states it is not touched: "Repos: /gain, /data (touched); /edh, /infra: no changes"',
    ]);
  });

  it("names a non-goal put in scope, with the doc line", () => {
    const brief = briefWith({
      repos: [{ repo: "/gain", touched: true, why: "UI" }],
      in_scope: ["Watch and unwatch suppliers", "Email notifications for watchlist alerts"],
    });
    const [found, ...rest] = briefContradictions(brief, facts);
    expect(rest).toEqual([]);
    expect(found).toMatchObject({
      brief: "Email notifications for watchlist alerts",
      doc: { line: 22 },
      message:
        'the brief puts "Email notifications for watchlist alerts" in scope, but line 22 of the feature doc puts it out of scope: "Email or Slack notifications (a later feature)."',
    });
  });

  it("brings a brief in line for a drafter that cannot be asked again", () => {
    const brief = briefWith({
      repos: [
        { repo: "/gain", touched: false, why: "no Gain terms in the doc" },
        { repo: "/edh", touched: false, why: "untouched" },
      ],
      in_scope: ["Watchlist page", "Slack notifications for alerts"],
    });
    const obeyed = obeyFacts(brief, facts);
    expect(obeyed.repos).toEqual([
      {
        repo: "/gain",
        touched: true,
        why: 'The doc states it (line 3): "Repos: /gain, /data (touched); /edh, /infra: no changes"',
      },
      { repo: "/edh", touched: false, why: "untouched" },
    ]);
    expect(obeyed.in_scope).toEqual(["Watchlist page"]);
    expect(briefContradictions(obeyed, facts)).toEqual([]);
  });

  it("adds the doc's open questions that the brief does not ask", () => {
    const asked = {
      question: "Should the threshold be configurable?",
      assumption: "no",
      sections: [],
      blocking: false,
    };
    const obeyed = obeyFacts(
      briefWith({ open_questions: [asked] }),
      factsWith({
        openQuestions: [
          { text: "should the threshold be configurable", line: 30 },
          { text: "Q2: How long are read alerts kept?", line: 31 },
        ],
      }),
    );
    expect(obeyed.open_questions).toEqual([
      asked,
      {
        question: "Q2: How long are read alerts kept?",
        assumption: "TODO: decide; the doc leaves it open (line 31)",
        sections: [],
        blocking: false,
      },
    ]);
  });

  it("finds nothing in a brief that agrees", () => {
    const brief = briefWith({
      repos: [
        { repo: "/gain", touched: true, why: "UI and API" },
        { repo: "/edh", touched: false, why: "read as it is" },
      ],
      in_scope: ["In-app alerts when a watched supplier's score moves by 10 points"],
      out_of_scope: ["Email or Slack notifications"],
    });
    expect(briefContradictions(brief, facts)).toEqual([]);
  });
});

describe("a non-goal in scope: normalised word overlap", () => {
  it.each([
    ["Email notifications for watchlist alerts", "Email or Slack notifications (a later feature)."],
    ["Send a Slack notification on each alert", "Email or Slack notifications (a later feature)."],
    ["Team watchlists that analysts share", "Shared or team watchlists."],
    ["Change how the risk score is calculated", "Changing how risk scores are calculated."],
    ["SSO", "**SSO** — the platform team owns it"],
    ["Mobile app for analysts", "A mobile app: not in v1"],
  ])("flags %j against %j", (item, nonGoal) => {
    expect(inScopeNonGoal(item, nonGoal)).toBe(true);
  });

  it.each([
    // sharing a word or two is not planning the non-goal
    [
      "In-app notifications for watched suppliers",
      "Email or Slack notifications (a later feature).",
    ],
    [
      "An analyst gets an in-app alert when a watched supplier's risk score changes by 10 points",
      "Changing how risk scores are calculated.",
    ],
    [
      "Show each supplier's current risk score and its change over 7 days",
      "Changing how risk scores are calculated.",
    ],
    ["Personal watchlists per analyst", "Shared or team watchlists."],
    // an item that says it is not doing it
    ["In-app alerts only (no email or Slack notifications)", "Email or Slack notifications"],
    ["Email notifications later, in a follow-up feature", "Email or Slack notifications"],
    // a one-word non-goal is matched only by an item about nothing else
    ["Keep existing SSO sessions working", "SSO"],
    // an empty non-goal matches nothing
    ["Anything", "(to be decided)"],
  ])("does not flag %j against %j", (item, nonGoal) => {
    expect(inScopeNonGoal(item, nonGoal)).toBe(false);
  });
});
