import type { Brief } from "../../src/drafters/brief.js";

/** A small brief of the watchlist feature, with what a test needs changed. */
export function watchlistBrief(changes: Partial<Brief> = {}): Brief {
  return {
    goal: "Let users keep a watchlist",
    in_scope: ["a watchlist per user"],
    out_of_scope: ["sharing lists"],
    actors: ["user"],
    entities: ["watchlist"],
    repos: [{ repo: "/gain", touched: true, why: "the API" }],
    integrations: [],
    non_functional: [],
    open_questions: [],
    ...changes,
  };
}
