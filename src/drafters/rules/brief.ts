import type { DraftLayout } from "../../template/layout.js";
import type { Brief } from "../brief.js";
import type { DocFacts } from "./facts.js";
import { repoEvidence, repoProfiles } from "./repos.js";

/** The brief, from the doc's facts alone: the same reading every section then works from. */
export function ruleBrief(facts: DocFacts, layout: DraftLayout): Brief {
  const evidence = repoEvidence(repoProfiles(layout), facts.statements);
  return {
    goal: facts.goal,
    in_scope: facts.inScope,
    out_of_scope: facts.outOfScope,
    actors: facts.actors,
    entities: facts.entities,
    repos: evidence.map((e) => ({ repo: e.repo, touched: e.touched, why: e.why })),
    integrations: facts.integrations,
    non_functional: facts.nonFunctional,
    // Rules cannot tell which sections hang on a question, nor whether it blocks: none claimed.
    open_questions: facts.questions.map((q) => ({ ...q, sections: [], blocking: false })),
  };
}
