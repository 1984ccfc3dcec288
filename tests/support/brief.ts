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

/** The one question the scripted model's brief leaves open in the review gate's tests. */
export const REGIONS_QUESTION = {
  question: "Which regions must the alerts be computed for?",
  assumption: "EU only",
  sections: ["Testing Strategy"],
  blocking: true,
};

/**
 * A scripted model's `fill` for the brief: `questions` left open (`REGIONS_QUESTION`), and these
 * repositories (else the filler's own).
 */
export function briefFill(
  repos?: Brief["repos"],
  questions: Brief["open_questions"] = [REGIONS_QUESTION],
) {
  return (path: string[], _schema: unknown, req: { toolName: string | undefined }): unknown => {
    if (req.toolName !== "brief") return undefined;
    if (repos && path.at(-1) === "repos") return repos;
    return path.at(-1) === "open_questions" ? questions : undefined;
  };
}
