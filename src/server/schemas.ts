import { z } from "zod";

/** Every error the API answers with. */
export const ErrorBody = z.object({
  code: z.string().describe("stable error code, e.g. FEATURE_EMPTY"),
  message: z.string().describe("what went wrong and how to fix it"),
});

export const CreateDraftBody = z.object({
  feature: z.string().describe("the feature doc, as markdown"),
  title: z.string().min(1).max(200).optional().describe("the plan's title; default: from the doc"),
  template: z.string().optional().describe("a plan template (markdown); default: the bundled one"),
  model: z
    .string()
    .optional()
    .describe("openai:<model>, ollama:<model> or none; default: the server's"),
});

export const DraftLinks = z.object({
  self: z.string(),
  plan: z.string(),
});

export const DraftAccepted = z.object({
  id: z.uuid(),
  status: z.literal("running"),
  links: DraftLinks,
});

export const DraftSummary = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(["running", "completed", "failed", "cancelled", "interrupted"]),
  model: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  versions: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  usage: z.record(z.string(), z.number()).nullable().describe("tokens and model calls so far"),
  links: DraftLinks,
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
