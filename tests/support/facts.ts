import type { FeatureFacts } from "../../src/feature/facts.js";

/** Facts as the reader would give them for a doc; only what a test sets is stated. */
export function factsWith(stated: Partial<FeatureFacts>): FeatureFacts {
  return {
    title: "Supplier Risk Watchlist",
    goal: undefined,
    inScope: [],
    outOfScope: [],
    repos: [],
    requirements: [],
    acceptance: [],
    openQuestions: [],
    rejected: [],
    names: { endpoints: [], tables: [], files: [] },
    dates: [],
    addressedToAi: [],
    metadataLines: [],
    ...stated,
  };
}
