import { z } from "zod";

/**
 * The analyze step's structured reading of the feature doc. Every section drafter reads it,
 * so each section works from the same understanding of scope, actors and repositories.
 */
export const Brief = z.object({
  goal: z.string().describe("what the feature achieves for its users, in one or two sentences"),
  in_scope: z.array(z.string()).describe("what will be built, one item each"),
  out_of_scope: z.array(z.string()).describe("what is explicitly not part of it"),
  actors: z.array(z.string()).describe("people and systems that use or call the feature"),
  entities: z
    .array(z.string())
    .describe("data objects, tables and resources it creates or changes"),
  repos: z
    .array(
      z.object({
        repo: z.string().describe("repository, as named in the plan template (e.g. /gain)"),
        touched: z.boolean().describe("whether the feature needs changes there"),
        why: z.string().describe("what changes there, or why nothing does"),
      }),
    )
    .describe("every repository the plan template lists"),
  integrations: z.array(z.string()).describe("external systems, APIs and services it talks to"),
  non_functional: z.array(z.string()).describe("performance, security, reliability, privacy needs"),
  open_questions: z
    .array(
      z.object({
        question: z.string(),
        assumption: z.string().describe("the assumption the plan makes until it is answered"),
        sections: z
          .array(z.string())
          .describe("titles of the plan's sections whose content depends on the answer"),
        blocking: z.boolean().describe("whether implementation cannot start until it is answered"),
      }),
    )
    .describe("what the doc leaves open"),
});
export type Brief = z.infer<typeof Brief>;
