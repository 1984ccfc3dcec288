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
import { AppError, describeError, isAppError, schemaProblems } from "../../errors.js";
import type { CallBudget } from "../../models/call-budget.js";
import type { Redact } from "../../redact.js";
import { readWithin, type AttemptDeadlines } from "../../models/deadlines.js";
import { withRetries, type ModelRetry, type RetryPolicy } from "../../models/retry-policy.js";
import { CallFailed, NO_USAGE, addUsage, type Usage } from "../types.js";
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
  /** The deadlines of each attempt (each request). */
  deadlines: AttemptDeadlines;
  retry: RetryPolicy;
  /**
   * Takes secrets out of the model server's error text: some answer a bad key with the key
   * itself, and the error goes to the CLI, the API, the events, the log and the database.
   */
  redact: Redact;
  /** The requests this run may still send; absent: no limit. */
  modelCalls?: CallBudget | undefined;
  /**
   * Sees the tool's arguments as they stream in, parsed from the partial JSON so far. `attempt`
   * counts the requests of this call: a retry or the repair turn starts again from nothing.
   */
  onPartial?: ((args: unknown, attempt: number) => void) | undefined;
  onRetry?: ((retry: ModelRetry) => void) | undefined;
}

/**
 * Asks the model to call one tool whose arguments follow `schema`, and validates them with zod.
 * Each request is retried on its own (`withRetries`: timeouts, 429, 5xx, dropped connections).
 * Output that breaks the schema gets one repair turn (the model sees what was wrong); after
 * that the call fails with MODEL_OUTPUT_INVALID. A failed call's error carries what its
 * requests spent (`CallFailed`).
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
  let requests = 0;
  const send = (conversation: BaseMessage[]) =>
    withRetries(
      () => {
        options.modelCalls?.take(tool.name);
        const attempt = requests++;
        // Counted when sent: a request that fails may still be billed.
        usage = addUsage(usage, { ...NO_USAGE, calls: 1 });
        const onPartial = options.onPartial;
        return streamReply(
          bound,
          conversation,
          config,
          { ...options.deadlines, what: tool.name, redact: options.redact },
          onPartial && ((args) => onPartial(args, attempt)),
        );
      },
      options.retry,
      { signal: config.signal, onRetry: options.onRetry },
    );
  try {
    let conversation = messages;
    for (let turn = 0; ; turn += 1) {
      const reply = await send(conversation);
      usage = addUsage(usage, tokensOf(reply));
      const outcome = parseToolArgs(reply, tool.name, tool.schema);
      if (outcome.ok) return { value: outcome.value, usage };
      if (turn === 1) {
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
  } catch (error) {
    if (config.signal?.aborted || !isAppError(error)) throw error;
    throw new CallFailed(error, usage);
  }
}

/**
 * Streams the reply so its arguments can be shown as they arrive, within the attempt's
 * deadlines. The chunks' argument text is joined here and parsed once at the end: concatenating
 * LangChain chunks would re-parse the whole partial JSON on every chunk, a cost paid again for
 * each section of each draft.
 */
async function streamReply(
  bound: ReturnType<NonNullable<BaseChatModel["bindTools"]>>,
  messages: BaseMessage[],
  config: RunnableConfig,
  limits: AttemptDeadlines & { what: string; redact: Redact },
  onPartial: ((args: unknown) => void) | undefined,
): Promise<AIMessage> {
  const calls = new Map<number, ToolCallChunk & { args: string }>();
  let content = "";
  let usage: UsageMetadata | undefined;
  const preview = onPartial && followPartialArgs(onPartial);
  try {
    await readWithin(
      (signal) => bound.stream(messages, { ...config, signal }),
      (chunk) => {
        if (typeof chunk.content === "string") content += chunk.content;
        usage = chunk.usage_metadata ?? usage;
        const grown = collectCallChunks(calls, chunk.tool_call_chunks ?? [], limits.what);
        if (grown) preview?.push(grown);
      },
      { ...limits, signal: config.signal },
    );
  } catch (error) {
    throw toModelError(error, limits.what, limits.redact);
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
  const problems = schemaProblems(result.error, "(root)", 12);
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

/** The tokens a reply says it used; its request was counted when it was sent. */
function tokensOf(reply: AIMessage): Usage {
  const meta = reply.usage_metadata;
  if (!meta) return NO_USAGE;
  return {
    inputTokens: meta.input_tokens,
    outputTokens: meta.output_tokens,
    totalTokens: meta.total_tokens,
    calls: 0,
  };
}

function toModelError(error: unknown, name: string, redact: Redact): AppError {
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
    `${prefix} for ${name}: ${redact(message.split("\n")[0] ?? "").slice(0, 300)}`,
    { cause: error },
  );
}
