import { z } from "zod";
import {
  sectionTitles,
  templateRepos,
  type DraftLayout,
} from "../../graphs/plan-drafter/topology.js";
import { LIMITS } from "../template/schema.js";
import { questionKey } from "../render/markers.js";

/** A question with more options than this is open-ended: answered in words, not picked. */
const MAX_CHOICES = 5;

const line = (description: string) => z.string().max(LIMITS.line).describe(description);
const lines = (description: string) =>
  z.array(z.string().max(LIMITS.line)).max(LIMITS.items).describe(description);

/**
 * The brief's shape, with what names a repository and what names a section given: free text for
 * the type, the template's own names (enums) for the schema the model gets.
 */
function briefObject(repo: z.ZodType<string>, section: z.ZodType<string>, repoCount: number) {
  return z.object({
    goal: line("what the feature achieves for its users, in one or two sentences"),
    in_scope: lines("what will be built, one item each"),
    out_of_scope: lines("what is explicitly not part of it"),
    actors: lines("people and systems that use or call the feature"),
    entities: lines("data objects, tables and resources it creates or changes"),
    repos: z
      .array(
        z.object({
          repo: repo.describe("repository, as named in the plan template (e.g. /gain)"),
          touched: z.boolean().describe("whether the feature needs changes there"),
          why: line("what changes there, or why nothing does"),
        }),
      )
      .max(repoCount)
      .describe("every repository the plan template lists"),
    integrations: lines("external systems, APIs and services it talks to"),
    non_functional: lines("performance, security, reliability, privacy needs"),
    open_questions: z
      .array(
        z.object({
          question: line("one specific question a person can answer"),
          assumption: line("the assumption the plan makes until it is answered"),
          choices: z
            .array(z.string().max(LIMITS.name))
            .max(MAX_CHOICES)
            .optional()
            .describe(
              "the options, when the answer is one of a few the doc or the repositories name; the assumption is one of them, word for word",
            ),
          sections: z
            .array(section)
            .max(LIMITS.items)
            .describe("titles of the plan's sections whose content depends on the answer"),
          blocking: z
            .boolean()
            .describe("whether implementation cannot start until it is answered"),
        }),
      )
      .max(LIMITS.items)
      .describe("what the doc leaves open"),
  });
}

/**
 * The analyze step's structured reading of the feature doc. Every section drafter reads it,
 * so each section works from the same understanding of scope, actors and repositories.
 */
export const Brief = briefObject(
  z.string().max(LIMITS.name),
  z.string().max(LIMITS.name),
  LIMITS.items,
);
export type Brief = z.infer<typeof Brief>;
export type OpenQuestion = Brief["open_questions"][number];

/**
 * The brief as the model must return it for one template: repositories and section titles are
 * the template's own (enums), and there is one repository entry at most per repository.
 */
export function briefSchema(layout: DraftLayout) {
  const repos = templateRepos(layout);
  const titles = sectionTitles(layout);
  return briefObject(
    oneOf(repos) ?? z.string().max(LIMITS.name),
    oneOf(titles) ?? z.string().max(LIMITS.name),
    repos.length,
  );
}

function oneOf(names: string[]): z.ZodType<string> | undefined {
  const [first, ...rest] = names;
  return first === undefined ? undefined : z.enum([first, ...rest]);
}

/**
 * The brief's open questions, each once (the same question asked twice, in other case or
 * spacing, counts once). The one list everything that counts or shows them reads: the plan's
 * appendix and any summary that says how many there are.
 */
export function openQuestions(brief: Brief): OpenQuestion[] {
  const seen = new Set<string>();
  return brief.open_questions.filter((q) => {
    const key = questionKey(q.question);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
