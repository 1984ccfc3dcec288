import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { Config } from "../config.js";
import { quoteAttribute, quoteData } from "../drafters/llm/messages.js";
import { callForStructure, structuredTool } from "../drafters/llm/structured-call.js";
import type { FeatureDoc } from "../feature/feature-doc.js";
import { NO_USAGE, type Usage } from "../drafters/types.js";
import { AppError } from "../errors.js";
import { createChatModel, parseModelName } from "../models/chat-model.js";
import { DEFAULT_RETRY_DELAYS } from "../models/retry-policy.js";
import { fillPrompt } from "../prompts/load-prompt.js";
import { createRedactor, secretsOf } from "../redact.js";

/** What the rubric (`prompts/judge.md`) scores, in the order the table shows them. */
export const CRITERIA = ["faithful", "useful", "honest", "readable"] as const;
export type Criterion = (typeof CRITERIA)[number];

const scored = z.object({
  score: z.number().int().min(0).max(5).describe("0 to 5, as the rubric defines it"),
  reason: z
    .string()
    .min(1)
    .max(600)
    .describe("the one or two concrete things that decided the score, naming plan or doc lines"),
});

const verdictSchema = z.object(
  Object.fromEntries(CRITERIA.map((c) => [c, scored])) as Record<Criterion, typeof scored>,
);

export type Verdict = z.infer<typeof verdictSchema>;

const TOOL = structuredTool(
  "score_plan",
  "Scores the plan 0-5 on each criterion of the rubric, each with its reasons.",
  verdictSchema,
);

export interface Judge {
  model: string;
  judge(feature: FeatureDoc, plan: string): Promise<{ verdict: Verdict; usage: Usage }>;
}

/**
 * A second model that scores a plan against the rubric in `prompts/judge.md`. It runs with the
 * drafter's deadlines, retries and redaction, and its output is held to the schema (one repair
 * turn), so a judge that answers out of range fails the row instead of skewing the table.
 */
export function createJudge(modelName: string, config: Config): Judge {
  const spec = parseModelName(modelName);
  if (spec.provider === "none") {
    throw new AppError("USAGE", "--judge needs a model: none cannot score a plan", {
      hint: "name a chat model, e.g. --judge openai:gpt-4o",
    });
  }
  const chat = createChatModel(spec, config);
  const options = {
    deadlines: { totalMs: config.modelTimeoutMs, idleMs: config.modelIdleTimeoutMs },
    retry: { ...DEFAULT_RETRY_DELAYS, retries: config.modelRetries },
    redact: createRedactor(secretsOf(config)),
  };
  return {
    model: modelName,
    async judge(feature, plan) {
      const messages = [
        new SystemMessage(fillPrompt("judge", {})),
        new HumanMessage(
          fillPrompt("judge-plan", {
            name: quoteAttribute(feature.name),
            feature: quoteData(feature.text, "feature_document"),
            plan: quoteData(plan, "plan"),
          }),
        ),
      ];
      const { value, usage } = await callForStructure(chat, messages, TOOL, {}, options);
      return { verdict: value, usage: usage ?? NO_USAGE };
    },
  };
}
