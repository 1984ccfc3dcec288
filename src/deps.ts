import type { Config } from "./config.js";
import { createLlmDrafter } from "./drafters/llm/index.js";
import { createRuleDrafter } from "./drafters/rules/index.js";
import type { Drafter } from "./drafters/types.js";
import { createChatModel, parseModelName } from "./models/chat-model.js";

/** What the CLI and the server share: built once from the config, passed to whatever needs it. */
export interface Deps {
  config: Config;
  /** The drafter for a model name; "none" is the rule-based drafter. */
  drafterFor(modelName?: string): Drafter;
}

export interface DepsOverrides {
  /** Tests pass a drafter in instead of the one the model name would give. */
  drafterFor?: (modelName: string) => Drafter;
}

export function createDeps(config: Config, overrides: DepsOverrides = {}): Deps {
  return {
    config,
    drafterFor(modelName = config.model) {
      if (overrides.drafterFor) return overrides.drafterFor(modelName);
      const spec = parseModelName(modelName);
      if (spec.provider === "none") return createRuleDrafter();
      // Each attempt waits up to the timeout, so the whole call (retries included) gets that many.
      const callTimeoutMs = config.modelTimeoutMs * (config.modelRetries + 1);
      return createLlmDrafter(createChatModel(spec, config), modelName, { callTimeoutMs });
    },
  };
}
