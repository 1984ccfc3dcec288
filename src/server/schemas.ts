import { z } from "zod";
import { ReviewGate } from "../events/contract.js";
import { ErrorCodeSchema } from "../error-codes.js";
import {
  fileNameProblem,
  MAX_FILE_NAME_LENGTH,
  MAX_TITLE_LENGTH,
  titleProblem,
} from "../feature/names.js";

/** A zod check that reports what `problemOf` finds, in its words. */
const refuseIf =
  (problemOf: (value: string) => string | undefined) => (value: string, ctx: z.RefinementCtx) => {
    const problem = problemOf(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };

/** Every error the API answers with. */
export const ErrorBody = z.object({
  code: ErrorCodeSchema.describe("stable error code, e.g. FEATURE_EMPTY (README: Error codes)"),
  message: z.string().describe("what went wrong and how to fix it"),
});

export const CreateDraftBody = z.object({
  feature: z.string().describe("the feature doc, as markdown"),
  title: z
    .string()
    .superRefine(refuseIf(titleProblem))
    .optional()
    .describe(
      `the draft's title, kept as given (${MAX_TITLE_LENGTH} characters at most, no control characters); default: from the doc`,
    ),
  template: z.string().optional().describe("a plan template (markdown); default: the bundled one"),
  templateId: z
    .string()
    .optional()
    .describe("the id of a template the server offers (GET /v1/config); not with template"),
  source: z
    .string()
    .regex(/^[^/\\]*$/, "a file name, without folders")
    .superRefine(refuseIf(fileNameProblem))
    .optional()
    .describe(
      `the doc's file name, which the plan links to, kept as given (${MAX_FILE_NAME_LENGTH} characters at most, no control characters); default: feature.md`,
    ),
  model: z
    .string()
    .optional()
    .describe("openai:<model>, ollama:<model> or none; default: the server's"),
  review: z
    .boolean()
    .optional()
    .describe(
      "stop after the analysis for a person to review the brief (review.requested); default false",
    ),
});

export const CreateDraftQuery = z.object({
  templateId: z
    .string()
    .optional()
    .describe("for a text/markdown or multipart body: the id of a template the server offers"),
  review: z
    .stringbool()
    .optional()
    .describe("for a text/markdown or multipart body: review=true stops at the review gate"),
});

export const DraftLinks = z.object({
  self: z.string(),
  events: z.string().describe("the draft's events as Server-Sent Events"),
  plan: z.string(),
});

export const DraftAccepted = z.object({
  id: z.uuid(),
  status: z.enum(["running", "queued"]).describe("queued: it starts when a running draft ends"),
  links: DraftLinks,
});

export const RevisionBody = z.object({
  section: z.string().trim().min(1).describe("a section id, title, node name or repository"),
  feedback: z.string().trim().min(1).max(20_000).describe("what should change in the section"),
  cascade: z
    .boolean()
    .default(false)
    .describe("also re-draft the sections that depend on this one"),
  review: z
    .boolean()
    .default(false)
    .describe(
      "stop once the section is re-drafted, for a person to keep it (then the cascade goes " +
        "on) or drop it (the plan stays as it was): review.requested with kind revision",
    ),
});

export const EventsQuery = z.object({
  after: z
    .string()
    .optional()
    .describe(
      "an event id: start after it (what Last-Event-ID does, for clients that cannot set it)",
    ),
});

export const CancelAnswer = z.object({
  id: z.uuid(),
  status: z.literal("cancelled"),
});

export const DraftSummary = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum([
    "queued",
    "running",
    "awaiting_review",
    "completed",
    "failed",
    "cancelled",
    "interrupted",
  ]),
  model: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  versions: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  usage: z.record(z.string(), z.number()).nullable().describe("tokens and model calls so far"),
  links: DraftLinks,
});

export const DraftDetail = DraftSummary.extend({
  review: ReviewGate.nullable().describe(
    "what the review gate asks, while the draft waits there (awaiting_review); else null",
  ),
  sections: z
    .array(
      z.object({
        id: z.string(),
        title: z.string(),
        state: z.enum(["waiting", "drafting", "done", "failed"]),
        code: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .describe("the template's sections in order, and where each stands"),
});

export const DraftList = z.object({
  drafts: z.array(DraftSummary),
  next: z.string().nullable().describe("the next page, when there is one"),
});

export const DraftParams = z.object({ id: z.uuid({ message: "not a draft id (a UUID)" }) });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const PlanQuery = z.object({ version: z.coerce.number().int().min(1).optional() });

export const ServerConfig = z.object({
  defaultModel: z.string().describe("the model a draft uses when none is chosen"),
  models: z.array(z.string()).describe("the models a client may choose"),
  anyModel: z.boolean().describe("whether other model names are accepted too"),
  maxFeatureBytes: z.number().int().describe("the largest feature doc accepted"),
  templates: z
    .array(z.object({ id: z.string(), title: z.string() }))
    .describe(
      "templates offered by id (templateId); a client may also send its own template's markdown",
    ),
  workspace: z
    .object({
      repositories: z
        .array(
          z.object({
            name: z.string().describe("the template's name of the repository, e.g. /gain"),
            commit: z
              .string()
              .nullable()
              .describe("the commit its checkout is at now (null when it cannot be read)"),
          }),
        )
        .describe("the repositories mapped to checkouts; never their local paths"),
    })
    .nullable()
    .describe(
      "what drafts are grounded in (PLANDRAFT_WORKSPACE); null when the server has no workspace",
    ),
});
