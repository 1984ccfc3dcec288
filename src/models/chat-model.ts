import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { ChatOpenAI } from "@langchain/openai";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";

export type ModelSpec =
  | { provider: "none" }
  | { provider: "openai"; model: string }
  | { provider: "ollama"; model: string };

/** "openai:gpt-4o-mini" -> { provider: "openai", model: "gpt-4o-mini" }; "none" -> no LLM. */
export function parseModelName(name: string): ModelSpec {
  if (name === "none") return { provider: "none" };
  const match = /^(openai|ollama):(.+)$/.exec(name.trim());
  if (!match?.[1] || !match[2]) {
    throw new AppError("MODEL_UNKNOWN", `unknown model "${name}"`, {
      hint: "use openai:<model>, ollama:<model>, or none (the no-LLM drafter)",
    });
  }
  return { provider: match[1] as "openai" | "ollama", model: match[2] };
}

/**
 * The one place that names a provider. Ollama is reached through its OpenAI-compatible /v1 API,
 * so every provider runs the same client code, and the tests' scripted server covers it.
 */
export function createChatModel(
  spec: Exclude<ModelSpec, { provider: "none" }>,
  config: Config,
): BaseChatModel {
  const common = {
    model: spec.model,
    temperature: config.temperature,
    // The client's timeout covers the wait for headers only; the drafter's deadlines bound the
    // whole answer. Retries are the drafter's too (src/models/retry-policy.ts): the client's own
    // would retry less (no 429 without Retry-After, no stream cut midway) and multiply ours.
    timeout: config.modelTimeoutMs,
    maxRetries: 0,
    streamUsage: true,
  };
  if (spec.provider === "ollama") {
    return new ChatOpenAI({
      ...common,
      apiKey: "ollama",
      configuration: { baseURL: `${config.ollamaBaseUrl.replace(/\/+$/, "")}/v1` },
    });
  }
  if (!config.openaiApiKey && !config.openaiBaseUrl) {
    throw new AppError("MODEL_CONFIG", `openai:${spec.model} needs OPENAI_API_KEY`, {
      hint: "set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server",
    });
  }
  return new ChatOpenAI({
    ...common,
    apiKey: config.openaiApiKey ?? "not-needed",
    configuration: config.openaiBaseUrl ? { baseURL: config.openaiBaseUrl } : {},
  });
}
