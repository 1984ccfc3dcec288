import { readFileSync } from "node:fs";
import { loadConfig, type Config } from "../../src/config.js";
import { createDrafter } from "../../src/deps.js";
import type { Drafter } from "../../src/drafters/types.js";
import { draftInMemory, type DraftEvent, type DraftResult } from "../../src/drafting/run-draft.js";
import { toFeatureDoc } from "../../src/feature/feature-doc.js";
import { parseTemplate } from "../../src/template/parse.js";
import type { Template } from "../../src/template/types.js";

export const DEFAULT_TEMPLATE_SOURCE = readFileSync(
  new URL("../../templates/implementation-plan.md", import.meta.url),
  "utf8",
);
export const DEFAULT_TEMPLATE = parseTemplate(DEFAULT_TEMPLATE_SOURCE);

export function fixturePath(name: string): string {
  return new URL(`../fixtures/${name}`, import.meta.url).pathname;
}

/** A config that points the real OpenAI client at a scripted server. */
export function scriptedConfig(baseURL: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    PLANDRAFT_MODEL: "openai:scripted",
    OPENAI_BASE_URL: baseURL,
    OPENAI_API_KEY: "test-key",
    PLANDRAFT_MODEL_TIMEOUT_MS: "5000",
    PLANDRAFT_MODEL_RETRIES: "2",
    ...env,
  });
}

/** Retries without Retry-After wait a few milliseconds here, not the seconds a real server needs. */
export const QUICK_RETRIES = { firstDelayMs: 5, maxDelayMs: 50 };

export interface DraftRun {
  result: DraftResult;
  events: DraftEvent[];
}

/** Drafts a feature doc file (or text) through the real graph, checkpoints in memory. */
export async function draftWith(
  config: Config,
  feature: { path?: string; text?: string },
  template: Template = DEFAULT_TEMPLATE,
  drafterFor: (model?: string) => Drafter = (model) =>
    createDrafter(model ?? config.model, config, QUICK_RETRIES),
): Promise<DraftRun> {
  const bytes =
    feature.text !== undefined ? Buffer.from(feature.text) : readFileSync(feature.path!);
  const source = feature.path ?? "feature.md";
  const doc = toFeatureDoc(bytes, source, config.maxFeatureBytes);
  const events: DraftEvent[] = [];
  const result = await draftInMemory(
    { config, drafterFor },
    { feature: doc, featureSource: source, template, date: "2026-11-27" },
    (event) => events.push(event),
  );
  return { result, events };
}
