import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { AttemptDeadlines } from "../../models/deadlines.js";
import type { RetryPolicy } from "../../models/retry-policy.js";
import { renderUnit } from "../../render/plan.js";
import type { SectionDraft } from "../../render/types.js";
import type { DraftLayout, WorkUnit } from "../../../graphs/plan-drafter/topology.js";
import { unitSchema } from "../../template/schema.js";
import { slugify } from "../../template/text.js";
import { briefSchema } from "../brief.js";
import type { Drafter, SectionRequest } from "../types.js";
import {
  analyzeMessage,
  briefMessage,
  briefRepairMessage,
  groundingMessage,
  prefixMessages,
  repairMessage,
  reviseMessage,
  sectionMessage,
} from "./messages.js";
import type { Redact } from "../../redact.js";
import { oneATurn } from "./one-a-turn.js";
import { callForStructure, structuredTool, type StructuredTool } from "./structured-call.js";

export interface LlmDrafterOptions {
  /** The deadlines of each request to the model. */
  deadlines: AttemptDeadlines;
  /** How a failed request is tried again. */
  retry: RetryPolicy;
  /** Takes secrets out of the model server's error text before it goes anywhere. */
  redact: Redact;
}

type SectionTool = StructuredTool<ReturnType<typeof unitSchema>>;
type BriefTool = StructuredTool<ReturnType<typeof briefSchema>>;

/** A drafter that writes every section with a chat model, one tool call per unit. */
export function createLlmDrafter(
  model: BaseChatModel,
  modelName: string,
  options: LlmDrafterOptions,
): Drafter {
  // Schemas depend only on the template: build and convert each tool once, not per call.
  const toolFor = once((unit: WorkUnit): SectionTool => sectionTool(unit));
  const briefToolFor = once((layout: DraftLayout): BriefTool =>
    structuredTool("brief", "Record the analysis of the feature", briefSchema(layout)),
  );
  return {
    model: modelName,
    notice: undefined,
    sendsWorkspace: true,
    async brief({ feature, layout, facts, repair, modelCalls, onRetry }, config) {
      const messages = [...prefixMessages(layout, feature), analyzeMessage(layout, facts)];
      if (repair) messages.push(briefRepairMessage(repair.previous, repair.contradictions));
      const { value, usage } = await callForStructure(
        model,
        messages,
        briefToolFor(layout),
        config,
        {
          ...options,
          modelCalls,
          onRetry,
        },
      );
      return { brief: value, usage };
    },
    prepare(layout) {
      // Each section's tool (its schema as JSON schema) is built while the model writes the
      // brief, so the sections' wave does not start by building them (bench/README, "gaps").
      oneATurn(layout.units, toolFor);
    },
    async section(request, config) {
      const tool = toolFor(request.unit);
      const { value, usage } = await callForStructure(
        model,
        sectionMessages(request),
        tool,
        config,
        {
          ...options,
          modelCalls: request.modelCalls,
          onRetry: request.onRetry,
          onPartial:
            request.onPartial &&
            ((args, attempt) => {
              const partial = partialContent(request.unit, args);
              if (partial) request.onPartial?.(partial, attempt);
            }),
        },
      );
      return { draft: toDraft(request.unit, value), usage };
    },
  };
}

/** `make`, remembered per key for as long as the key lives. */
function once<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    const known = made.get(key);
    if (known !== undefined) return known;
    const value = make(key);
    made.set(key, value);
    return value;
  };
}

/** The content streamed so far, or nothing while a repository unit has not started its plan. */
function partialContent(unit: WorkUnit, args: unknown): Record<string, unknown> | undefined {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return undefined;
  const value = args as Record<string, unknown>;
  if (!unit.repo) return value;
  const plan = value.plan;
  return typeof plan === "object" && plan !== null && !Array.isArray(plan)
    ? (plan as Record<string, unknown>)
    : undefined;
}

/** A repository unit may answer "no changes, because ..." instead of content. */
function toDraft(unit: WorkUnit, value: Record<string, unknown>): SectionDraft {
  if (!unit.repo) return { status: "drafted", content: value };
  const plan = value.plan;
  if (value.has_changes === false || typeof plan !== "object" || plan === null) {
    const reason =
      typeof value.no_changes_reason === "string" ? value.no_changes_reason.trim() : "";
    return { status: "no_changes", reason: reason || "the feature does not touch it" };
  }
  return { status: "drafted", content: plan as Record<string, unknown> };
}

function sectionMessages(request: SectionRequest) {
  const messages = [
    ...prefixMessages(request.layout, request.feature),
    briefMessage(request.brief, request.answers),
  ];
  // After the shared prefix (which providers cache), before the section's own instructions.
  const grounding = groundingMessage(request.grounding);
  if (grounding) messages.push(grounding);
  messages.push(sectionMessage(request));
  if (request.revision && request.previous) {
    messages.push(
      reviseMessage(request.revision, renderUnit(request.unit.section, request.previous)),
    );
  }
  if (request.findings.length > 0 && request.previous) {
    messages.push(
      repairMessage(request.findings, renderUnit(request.unit.section, request.previous)),
    );
  }
  return messages;
}

/** One tool per unit; its name tells logs (and the scripted test server) which section it is. */
function sectionTool(unit: WorkUnit): SectionTool {
  const name = unit.repo ? `${unit.node}_${slugify(unit.repo).replace(/-/g, "_")}` : unit.node;
  const description = `Record the content of the plan section "${unit.section.title}"`;
  return structuredTool(name.slice(0, 64), description, unitSchema(unit));
}
