/**
 * What LangChain's OpenAI client alone costs per streamed chunk, with no plandraft code around
 * it: the same `ChatOpenAI` that plandraft builds, streaming the same section tool calls from the
 * same scripted model, in this process. A floor under the server's own cost per chunk, and so a
 * bound on how many chunks per second one core can carry at all.
 */
import { HumanMessage } from "@langchain/core/messages";
import { structuredTool } from "../src/drafters/llm/structured-call.js";
import { createChatModel } from "../src/models/chat-model.js";
import { nodeDepths, type DraftLayout, type WorkUnit } from "../graphs/plan-drafter/topology.js";
import { unitSchema } from "../src/template/schema.js";
import { slugify } from "../src/template/text.js";
import { scriptedConfig } from "../tests/support/drafting.js";

export interface ClientFloor {
  /** CPU of this process per chunk, µs. */
  usPerChunk: number;
  chunks: number;
  streams: number;
}

/** The section calls that run at once in the graph's widest step (after the brief). */
export function widestStep(layout: DraftLayout): WorkUnit[] {
  const depth = nodeDepths(layout);
  const steps = new Map<number, WorkUnit[]>();
  for (const unit of layout.units) {
    const step = depth.get(unit.node) ?? 0;
    steps.set(step, [...(steps.get(step) ?? []), unit]);
  }
  return [...steps.values()].reduce((a, b) => (b.length > a.length ? b : a), []);
}

/** The section calls of the widest step, as plandraft binds them: one tool each, forced. */
export function sectionCalls(llmURL: string, layout: DraftLayout) {
  const config = scriptedConfig(llmURL, { PLANDRAFT_MODEL_TIMEOUT_MS: "600000" });
  const model = createChatModel({ provider: "openai", model: "scripted" }, config);
  return widestStep(layout).map((unit) => {
    const name = unit.repo ? `${unit.node}_${slugify(unit.repo).replace(/-/g, "_")}` : unit.node;
    const tool = structuredTool(name, `Record ${unit.section.title}`, unitSchema(unit));
    const definition = {
      type: "function" as const,
      function: { name, description: tool.description, parameters: tool.parameters },
    };
    const bound = model.bindTools?.([definition], { tool_choice: name });
    if (!bound) throw new Error("this chat model cannot call tools");
    return bound;
  });
}

/** Streams `streams` section calls at once (the widest step's, round robin) and reads the CPU. */
export async function measureClientFloor(
  llmURL: string,
  layout: DraftLayout,
  streams: number,
): Promise<ClientFloor> {
  const calls = sectionCalls(llmURL, layout);
  let chunks = 0;
  const stream = async (i: number) => {
    const bound = calls[i % calls.length]!;
    for await (const chunk of await bound.stream([new HumanMessage("Draft the section.")])) {
      void chunk;
      chunks += 1;
    }
  };
  await Promise.all(calls.map((_, i) => stream(i))); // warm-up: module loading, JIT
  chunks = 0;
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: streams }, (_, i) => stream(i)));
  const cpu = process.cpuUsage(before);
  return { usPerChunk: (cpu.user + cpu.system) / Math.max(1, chunks), chunks, streams };
}
