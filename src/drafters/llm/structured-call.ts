import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import {
  AIMessage,
  AIMessageChunk,
  ToolMessage,
  type BaseMessage,
  type ToolCallChunk,
  type UsageMetadata,
} from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import type { z } from "zod";
import { AppError, describeError } from "../../errors.js";
import { NO_USAGE, addUsage, type Usage } from "../types.js";
import { outputInvalidMessage } from "./messages.js";
import { followPartialArgs } from "./partial-args.js";

/** A tool the model must call; `parameters` is `schema` as JSON schema, converted once. */
export interface StructuredTool<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  parameters: Record<string, unknown>;
}

/** Converts a tool's zod schema to the JSON schema the provider gets, the way LangChain does. */
export function structuredTool<S extends z.ZodType>(
  name: string,
  description: string,
  schema: S,
): StructuredTool<S> {
  return { name, description, schema, parameters: toJsonSchema(schema) };
}

export interface StructuredCall<T> {
  value: T;
  usage: Usage;
}

export interface CallOptions {
  /** Upper bound of one model call, its retries included. */
  timeoutMs: number;
  /**
   * Sees the tool's arguments as they stream in, parsed from the partial JSON so far. `attempt`
   * is 1 for the repair turn, whose arguments start again from nothing.
   */
  onPartial?: ((args: unknown, attempt: number) => void) | undefined;
}

/**
 * Asks the model to call one tool whose arguments follow `schema`, and validates them with zod.
 * Output that breaks the schema gets one repair turn (the model sees what was wrong); after
 * that the call fails with MODEL_OUTPUT_INVALID. Transport errors (429, 5xx, timeouts) are
 * retried by the client itself, with backoff, before they reach here.
 */
export async function callForStructure<S extends z.ZodType>(
  model: BaseChatModel,
  messages: BaseMessage[],
  tool: StructuredTool<S>,
  config: RunnableConfig,
  options: CallOptions,
): Promise<StructuredCall<z.infer<S>>> {
  if (!model.bindTools) throw new AppError("MODEL_CONFIG", "this chat model cannot call tools");
  const definition = {
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  };
  const bound = model.bindTools([definition], { tool_choice: tool.name });
  let usage = NO_USAGE;
  let conversation = messages;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    // The client's own timeout stops waiting for headers only; this bounds a stream that stalls midway.
    const onPartial = options.onPartial;
    const reply = await streamReply(
      bound,
      conversation,
      { ...config, timeout: options.timeoutMs },
      tool.name,
      onPartial && ((args) => onPartial(args, attempt)),
    );
    usage = addUsage(usage, usageOf(reply));
    const outcome = parseToolArgs(reply, tool.name, tool.schema);
    if (outcome.ok) return { value: outcome.value, usage };
    if (attempt === 1) {
      throw new AppError(
        "MODEL_OUTPUT_INVALID",
        `the model's ${tool.name} output did not match its schema after a repair: ${outcome.problems}`,
      );
    }
    conversation = [
      ...messages,
      reply,
      ...toolResult(reply),
      outputInvalidMessage(outcome.problems),
    ];
  }
  throw new AppError("INTERNAL", "unreachable");
}

/**
 * Streams the reply so its arguments can be shown as they arrive. The chunks' argument text is
 * joined here and parsed once at the end: concatenating LangChain chunks would re-parse the whole
 * partial JSON on every chunk, a cost paid again for each section of each draft.
 */
async function streamReply(
  bound: ReturnType<NonNullable<BaseChatModel["bindTools"]>>,
  messages: BaseMessage[],
  config: RunnableConfig,
  name: string,
  onPartial: ((args: unknown) => void) | undefined,
): Promise<AIMessage> {
  const calls = new Map<number, ToolCallChunk & { args: string }>();
  let content = "";
  let usage: UsageMetadata | undefined;
  const preview = onPartial && followPartialArgs(onPartial);
  try {
    for await (const chunk of await bound.stream(messages, config)) {
      if (typeof chunk.content === "string") content += chunk.content;
      usage = chunk.usage_metadata ?? usage;
      const grown = collectCallChunks(calls, chunk.tool_call_chunks ?? [], name);
      if (grown) preview?.push(grown);
    }
  } catch (error) {
    throw toModelError(error, name);
  } finally {
    // The whole reply is shown by whoever gets it; a late partial would only repeat less of it.
    preview?.end();
  }
  const reply = new AIMessageChunk({
    content,
    tool_call_chunks: [...calls.values()],
    ...(usage ? { usage_metadata: usage } : {}),
  });
  return new AIMessage({
    content: reply.content,
    tool_calls: reply.tool_calls ?? [],
    invalid_tool_calls: reply.invalid_tool_calls ?? [],
    ...(usage ? { usage_metadata: usage } : {}),
  });
}

/**
 * Joins streamed tool-call pieces by their index. Returns what the arguments of the first call
 * of the tool `name` grew by: the one that is shown while it streams, as it is the one parsed.
 */
function collectCallChunks(
  calls: Map<number, ToolCallChunk & { args: string }>,
  chunks: ToolCallChunk[],
  name: string,
): string {
  let grown = "";
  for (const piece of chunks) {
    const index = piece.index ?? 0;
    const call = calls.get(index) ?? { type: "tool_call_chunk", index, args: "" };
    if (piece.name) call.name = piece.name;
    if (piece.id) call.id = piece.id;
    calls.set(index, call);
    if (!piece.args) continue;
    call.args += piece.args;
    if (call.name === name && firstCallOf(calls, name) === call) grown += piece.args;
  }
  return grown;
}

function firstCallOf(calls: Map<number, ToolCallChunk>, name: string): ToolCallChunk | undefined {
  for (const call of calls.values()) if (call.name === name) return call;
  return undefined;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string };

function parseToolArgs<S extends z.ZodType>(
  reply: AIMessage,
  name: string,
  schema: S,
): Parsed<z.infer<S>> {
  const call = reply.tool_calls?.find((c) => c.name === name);
  if (!call) {
    const invalid = reply.invalid_tool_calls?.find((c) => c.name === name);
    return {
      ok: false,
      problems: invalid
        ? `the arguments were not valid JSON (${invalid.error ?? "parse error"})`
        : `no call of the tool ${name}`,
    };
  }
  const result = schema.safeParse(call.args);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues
    .slice(0, 12)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
  return { ok: false, problems };
}

/** OpenAI requires an answer to every tool call before the next user turn. */
function toolResult(reply: AIMessage): BaseMessage[] {
  const ids = [...(reply.tool_calls ?? []), ...(reply.invalid_tool_calls ?? [])].flatMap((c) =>
    c.id ? [c.id] : [],
  );
  return ids.map(
    (id) => new ToolMessage({ content: "rejected: see the problems below", tool_call_id: id }),
  );
}

function usageOf(reply: AIMessage): Usage {
  const meta = reply.usage_metadata;
  if (!meta) return { ...NO_USAGE, calls: 1 };
  return {
    inputTokens: meta.input_tokens,
    outputTokens: meta.output_tokens,
    totalTokens: meta.total_tokens,
    calls: 1,
  };
}

function toModelError(error: unknown, name: string): AppError {
  if (error instanceof AppError) return error;
  const message = describeError(error);
  const status = (error as { status?: number }).status;
  if (/timed? ?out|timeout|aborted/i.test(message) || (error as Error).name === "TimeoutError") {
    return new AppError("MODEL_TIMEOUT", `the model did not answer ${name} in time`, {
      hint: "raise PLANDRAFT_MODEL_TIMEOUT_MS, or check the model server",
      cause: error,
    });
  }
  const prefix = status ? `the model server answered ${status}` : "the model call failed";
  return new AppError(
    "MODEL_ERROR",
    `${prefix} for ${name}: ${message.split("\n")[0]?.slice(0, 300)}`,
    { cause: error },
  );
}
