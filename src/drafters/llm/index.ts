import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { renderUnit } from "../../render/plan.js";
import { unitSchema } from "../../template/schema.js";
import { slugify } from "../../template/text.js";
import { Brief } from "../brief.js";
import type { Drafter, SectionRequest } from "../types.js";
import {
  analyzeMessage,
  briefMessage,
  prefixMessages,
  repairMessage,
  sectionMessage,
} from "./messages.js";
import { callForStructure } from "./structured-call.js";

/** A drafter that writes every section with a chat model, one tool call per unit. */
export interface LlmDrafterOptions {
  /** Upper bound of one model call, its retries included. */
  callTimeoutMs: number;
}

export function createLlmDrafter(
  model: BaseChatModel,
  modelName: string,
  options: LlmDrafterOptions,
): Drafter {
  return {
    model: modelName,
    notice: undefined,
    async brief({ feature, layout }, config) {
      const messages = [...prefixMessages(layout, feature), analyzeMessage(layout)];
      const tool = {
        name: "brief",
        description: "Record the analysis of the feature",
        schema: Brief,
      };
      const { value, usage } = await callForStructure(
        model,
        messages,
        tool,
        config,
        options.callTimeoutMs,
      );
      return { brief: value, usage };
    },
    async section(request, config) {
      const { value, usage } = await callForStructure(
        model,
        sectionMessages(request),
        sectionTool(request),
        config,
        options.callTimeoutMs,
      );
      if (!request.unit.repo) return { draft: { status: "drafted", content: value }, usage };
      if (value.has_changes === false || value.plan === null) {
        const reason =
          typeof value.no_changes_reason === "string" && value.no_changes_reason.trim()
            ? value.no_changes_reason
            : "the feature does not touch it";
        return { draft: { status: "no_changes", reason }, usage };
      }
      return {
        draft: { status: "drafted", content: value.plan as Record<string, unknown> },
        usage,
      };
    },
  };
}

function sectionMessages(request: SectionRequest) {
  const messages = [
    ...prefixMessages(request.layout, request.feature),
    briefMessage(request.brief),
    sectionMessage(request),
  ];
  if (request.findings.length > 0 && request.previous) {
    messages.push(
      repairMessage(request.findings, renderUnit(request.unit.section, request.previous)),
    );
  }
  return messages;
}

/** One tool per unit; its name tells logs (and the scripted test server) which section it is. */
function sectionTool(request: SectionRequest) {
  const { unit } = request;
  const name = unit.repo ? `${unit.node}_${slugify(unit.repo).replace(/-/g, "_")}` : unit.node;
  return {
    name: name.slice(0, 64),
    description: `Record the content of the plan section "${unit.section.title}"`,
    schema: unitSchema(unit),
  };
}
