import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatOpenAI, type ChatOpenAIFields } from "@langchain/openai";
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { OutputParserException } from "@langchain/core/output_parsers";
import type { RunnableConfig } from "@langchain/core/runnables";
import { z } from "zod";
import {
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedLlmOptions,
  type ScriptedReply,
} from "../support/scripted-llm.js";
import { fillSchema } from "../support/schema-filler.js";

const Brief = z.object({
  title: z.string().describe("Short title"),
  audience: z.enum(["engineers", "managers"]).describe("Who reads it"),
  summary: z.string().nullable().describe("Optional summary"),
  owner: z.object({ name: z.string(), email: z.email().nullable() }).nullable(),
  sections: z
    .array(
      z.object({
        heading: z.string().min(20),
        bullets: z.array(z.string()).min(1),
        priority: z.number().int().min(2).max(5),
      }),
    )
    .min(1),
});

// `streaming: true` + invoke() without such a handler goes through _generate, which estimates
// token counts with a tokenizer downloaded from tiktoken.pages.dev: offline that retries ~200 s.
class PreferStreaming extends BaseCallbackHandler {
  name = "prefer-streaming";
  lc_prefer_streaming = true;
}

let server: ScriptedLlm | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
  server = await startScriptedLlm(options);
  return server;
}

function chat(llm: ScriptedLlm, fields: Partial<ChatOpenAIFields> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "test",
    maxRetries: 0,
    configuration: { baseURL: llm.baseURL },
    ...fields,
  });
}

const briefTool = { name: "brief", method: "functionCalling" } as const;
const structured = (model: ChatOpenAI) =>
  model.withStructuredOutput(Brief, { ...briefTool, includeRaw: true });

async function streamStructured(model: ChatOpenAI, config?: RunnableConfig) {
  let raw: AIMessageChunk | undefined;
  let parsed: unknown;
  for await (const chunk of await structured(model).stream("Write a brief", config)) {
    if (chunk.raw)
      raw = raw ? raw.concat(chunk.raw as AIMessageChunk) : (chunk.raw as AIMessageChunk);
    if ("parsed" in chunk) parsed = chunk.parsed;
  }
  return { raw, parsed };
}

type SseChunk = { choices: { delta: object; finish_reason: string | null }[]; usage?: unknown };
interface ChatBody {
  tools: { function: { parameters: unknown } }[];
  response_format: { json_schema: { schema: unknown } };
  stream_options?: { include_usage?: boolean };
}
const bodyOf = (llm: ScriptedLlm, index: number) => llm.requests[index]?.body as ChatBody;

function expectUsage(message: BaseMessage | undefined) {
  const usage = (message as AIMessage | undefined)?.usage_metadata;
  expect(usage?.input_tokens).toBeGreaterThan(0);
  expect(usage?.output_tokens).toBeGreaterThan(0);
  expect(usage?.total_tokens).toBe((usage?.input_tokens ?? 0) + (usage?.output_tokens ?? 0));
}

describe("scripted LLM server: wire format", () => {
  it("serves models, 404s, text replies (streamed in fragments), latency and error JSON", async () => {
    const text = "A scripted answer that spans several fragments";
    const error: ScriptedReply = { kind: "error", status: 503, headers: { "x-why": "test" } };
    const llm = await start({
      latencyMs: 30,
      respond: (req) => [undefined, { kind: "text", text } as const, error][req.index],
    });
    const models = await fetch(`${llm.baseURL}/models`);
    expect(((await models.json()) as { data: unknown[] }).data).toHaveLength(1);
    const missing = await fetch(`${llm.baseURL}/nope`);
    expect([missing.status, await missing.json()]).toMatchObject([
      404,
      { error: { code: "not_found" } },
    ]);
    expect((await chat(llm).invoke("hello")).content).toBe("Scripted reply");
    const parts: unknown[] = [];
    for await (const chunk of await chat(llm, { streaming: true }).stream("hi"))
      parts.push(chunk.content);
    expect([parts.join(""), parts.length > 3]).toEqual([text, true]);
    const failed = await fetch(`${llm.baseURL}/chat/completions`, { method: "POST", body: "{}" });
    expect([failed.status, failed.headers.get("x-why")]).toEqual([503, "test"]);
    const failure = { message: "Scripted error 503", type: "server_error", code: null };
    expect(await failed.json()).toMatchObject({ error: failure });
    expect(llm.requests.map((r) => r.stream)).toEqual([false, true, false]);
    const first = llm.requests[0];
    expect((first?.endedAt ?? 0) - (first?.startedAt ?? 0)).toBeGreaterThanOrEqual(29);
  });

  it("streams a tool call as role delta, argument fragments, finish, usage, [DONE]", async () => {
    const llm = await start();
    const tool = {
      type: "function",
      function: { name: "brief", parameters: z.toJSONSchema(Brief) },
    };
    const res = await fetch(`${llm.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({
        messages: [],
        stream: true,
        tools: [tool],
        stream_options: { include_usage: true },
      }),
    });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = (await res.text()).split("\n\n");
    expect(events.slice(-2)).toEqual(["data: [DONE]", ""]);
    const chunks = events.slice(0, -2).map((e) => JSON.parse(e.replace(/^data: /, "")) as SseChunk);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({
      role: "assistant",
      tool_calls: [{ index: 0, type: "function", function: { name: "brief", arguments: "" } }],
    });
    const fragments = chunks.slice(1, -2).map((c) => {
      const delta = c.choices[0]?.delta as { tool_calls: { function: { arguments: string } }[] };
      return delta.tool_calls[0]?.function.arguments;
    });
    expect(fragments.length).toBeGreaterThan(3);
    expect(Brief.parse(JSON.parse(fragments.join("")))).toBeTruthy();
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1 } });
  });
});

describe("scripted LLM server: faults", () => {
  const post = (llm: ScriptedLlm) =>
    fetch(`${llm.baseURL}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ messages: [], stream: true }),
    });

  /** Reads SSE events from a streamed answer until `count` of them have come. */
  async function readEvents(body: ReadableStream<Uint8Array>, count: number) {
    const reader = body.getReader();
    let text = "";
    while (text.split("\n\n").length <= count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString("utf8");
    }
    return { reader, events: text.split("\n\n").slice(0, count) };
  }

  it("stallMidStream: sends its chunks, then nothing, with the socket left open", async () => {
    const llm = await start({ respond: () => ({ kind: "stallMidStream", chunks: 2 }) });
    const answer = await post(llm);
    const { reader, events } = await readEvents(answer.body!, 2);
    expect(events.every((e) => e.startsWith("data: {"))).toBe(true);
    expect(llm.requests[0]?.endedAt).toBeUndefined();
    const rest = reader.read();
    await llm.close();
    await expect(rest).rejects.toThrow(/terminated/);
  });

  it("dropMidStream: sends its chunks, then the socket is destroyed", async () => {
    const llm = await start({ respond: () => ({ kind: "dropMidStream", chunks: 3 }) });
    const answer = await post(llm);
    expect(answer.status).toBe(200);
    const reader = answer.body!.getReader();
    let text = "";
    const read = async (): Promise<void> => {
      const { value, done } = await reader.read();
      if (done) return;
      text += Buffer.from(value).toString("utf8");
      return read();
    };
    await expect(read()).rejects.toThrow(/terminated/);
    expect(text.split("\n\n").filter(Boolean)).toHaveLength(3);
    expect(text).not.toContain("[DONE]");
  });

  it("reset: the connection ends before any answer", async () => {
    const llm = await start({ respond: () => ({ kind: "reset" }) });
    await expect(post(llm)).rejects.toThrow(/fetch failed/);
    expect(llm.requests).toHaveLength(1);
  });

  it("a 429 carries Retry-After only when told to", async () => {
    const waits = [undefined, { "retry-after-ms": "20" }];
    const llm = await start({
      respond: (req) => ({ kind: "error", status: 429, headers: waits[req.index] }),
    });
    const bare = await post(llm);
    const timed = await post(llm);
    expect([
      bare.status,
      bare.headers.get("retry-after"),
      bare.headers.get("retry-after-ms"),
    ]).toEqual([429, null, null]);
    expect([timed.status, timed.headers.get("retry-after-ms")]).toEqual([429, "20"]);
  });
});

describe("real ChatOpenAI against the scripted server", () => {
  it("(1)(2) functionCalling structured output without streaming, with usage", async () => {
    const llm = await start();
    const result = await structured(chat(llm)).invoke("Write a brief");
    expect(Brief.parse(result.parsed)).toEqual(result.parsed);
    expect(result.parsed.audience).toBe("engineers");
    expect(result.parsed.sections[0]?.priority).toBe(2);
    expectUsage(result.raw);
    expect(llm.requests[0]).toMatchObject({ toolName: "brief", stream: false, attempt: 0 });
  });

  it("(1)(2) streaming: invoke() with a streaming-preferring handler, and .stream()", async () => {
    const llm = await start({ chunkDelayMs: 1 });
    const model = chat(llm, { streaming: true });
    const invoked = await structured(model).invoke("Write a brief", {
      callbacks: [new PreferStreaming()],
    });
    expect(Brief.parse(invoked.parsed)).toEqual(invoked.parsed);
    expectUsage(invoked.raw);

    const streamed = await streamStructured(model);
    expect(Brief.parse(streamed.parsed)).toEqual(streamed.parsed);
    expectUsage(streamed.raw);
    expect(llm.requests).toHaveLength(2);
    for (const r of llm.requests)
      expect(bodyOf(llm, r.index).stream_options?.include_usage).toBe(r.stream);
  });

  it.each([false, true])(
    "(3) retries a 429 with retry-after (streaming=%s)",
    async (streaming) => {
      const rateLimited: ScriptedReply = {
        kind: "error",
        status: 429,
        headers: { "retry-after": "0" },
      };
      const llm = await start({ respond: (req) => (req.attempt === 0 ? rateLimited : undefined) });
      const model = chat(llm, { streaming, maxRetries: 2 });
      const result = streaming
        ? await streamStructured(model)
        : await structured(model).invoke("Write a brief");
      expect(Brief.parse(result.parsed)).toBeTruthy();
      expect(llm.requests.map((r) => r.attempt)).toEqual([0, 1]);
    },
    15_000,
  );

  it("(4) invalid tool-call JSON: parsed null on invoke, parser exception on .stream()", async () => {
    const broken = '{"title": "cut off", ';
    const llm = await start({ respond: () => ({ kind: "tool", arguments: broken }) });
    const result = await structured(chat(llm)).invoke("Write a brief");
    expect(result.parsed).toBeNull();
    expect(Object.keys(result).sort()).toEqual(["parsed", "raw"]); // no parsingError key
    const raw = result.raw as AIMessage;
    expect(raw.tool_calls).toEqual([]);
    expect(raw.invalid_tool_calls?.[0]).toMatchObject({ name: "brief", args: broken });
    expect(raw.invalid_tool_calls?.[0]?.error).toMatch(/are not valid JSON/);

    const streamingModel = chat(llm, { streaming: true });
    const invoked = await structured(streamingModel).invoke("Write a brief", {
      callbacks: [new PreferStreaming()],
    });
    expect(invoked.parsed).toBeNull();
    await expect(streamStructured(streamingModel)).rejects.toBeInstanceOf(OutputParserException);
    const plain = chat(llm).withStructuredOutput(Brief, briefTool);
    await expect(plain.invoke("Write a brief")).rejects.toBeInstanceOf(OutputParserException);
    expect(llm.requests.map((r) => r.attempt)).toEqual([0, 1, 2, 3]); // parse errors never retry
  });
});

const mechanisms = {
  "client timeout": [{ timeout: 500 }, () => ({})],
  "config timeout": [{}, () => ({ timeout: 500 })],
  "config signal": [{}, () => ({ signal: AbortSignal.timeout(500) })],
} satisfies Record<string, [Partial<ChatOpenAIFields>, () => RunnableConfig]>;
// The client `timeout` only covers the wait for response headers (the OpenAI SDK clears it then).
const stallCases = (["stall", "stallMidStream"] as const).flatMap((stall) =>
  [false, true].flatMap((streaming) =>
    (Object.keys(mechanisms) as (keyof typeof mechanisms)[]).map((mechanism) => {
      const hangs = stall === "stallMidStream" && mechanism === "client timeout";
      return [stall, streaming, mechanism, hangs ? "hangs" : "rejects"] as const;
    }),
  ),
);

describe("(5) stalled server", () => {
  it.each(stallCases)("%s, streaming=%s, %s: %s", async (stall, streaming, mechanism, outcome) => {
    const llm = await start({ respond: () => ({ kind: stall }) });
    const [fields, makeConfig] = mechanisms[mechanism];
    const model = chat(llm, { streaming, ...fields });
    const config: RunnableConfig = makeConfig();
    const call = streaming
      ? streamStructured(model, config)
      : structured(model).invoke("Write a brief", config);
    const started = performance.now();
    const settled = call.catch((e: unknown) => e);
    const first = await Promise.race([settled, new Promise((r) => setTimeout(r, 2500, "pending"))]);
    if (outcome === "rejects") {
      expect(first).toMatchObject({ name: "TimeoutError" });
      expect(performance.now() - started).toBeLessThan(2000);
      // The abort reaches the socket: the server sees the request end.
      await vi.waitFor(() => expect(llm.requests[0]?.endedAt).toBeDefined());
    } else {
      expect(first).toBe("pending");
      await llm.close();
      expect(await settled).toBeInstanceOf(Error);
    }
  });
});

const Rich = z.object({
  title: z.string().min(30).describe("At least 30 characters"),
  kind: z.enum(["feature", "bug"]).describe("Kind of work"),
  version: z.literal("v1"),
  note: z.string().nullable(),
  owner: z.object({ name: z.string(), email: z.email().nullable() }).nullable(),
  when: z.iso.datetime(),
  id: z.uuid(),
  count: z.number().int().min(3).max(10),
  ratio: z.number().gt(0).lt(1),
  tags: z.array(z.string()).min(3).max(4),
  single: z.array(z.number()).max(1),
  steps: z.array(z.object({ name: z.string().describe("Step name"), done: z.boolean() })).min(1),
  either: z.union([z.number(), z.string()]),
  extra: z.record(z.string(), z.number()),
  pair: z.tuple([z.string(), z.number()]),
  maybe: z.string().optional(),
});

describe("(6) auto filler against zod schemas converted by LangChain", () => {
  it.each(["functionCalling", "jsonSchema"] as const)("validates via %s", async (method) => {
    const llm = await start();
    const runnable = chat(llm).withStructuredOutput(Rich, { name: "rich", method });
    const parsed = await runnable.invoke("Fill it");
    expect(Rich.parse(parsed)).toEqual(parsed);
    expect(parsed).toMatchObject({ kind: "feature", version: "v1", count: 3, single: [1] });
    expect(parsed.tags).toEqual(["Scripted tags 1", "Scripted tags 2", "Scripted tags 3"]);
    expect(llm.requests[0]?.toolName).toBe("rich");
    const body = bodyOf(llm, 0);
    const schema =
      method === "functionCalling"
        ? body.tools[0]?.function.parameters
        : body.response_format.json_schema.schema;
    expect(Rich.safeParse(fillSchema(schema)).success).toBe(true);
  });

  it("lets `fill` override values per path", async () => {
    const llm = await start({
      fill: (path, _schema, req) =>
        path.join(".") === "title" ? `Custom ${req.index}` : undefined,
    });
    const { parsed } = await structured(chat(llm)).invoke("Write a brief");
    expect(parsed.title).toBe("Custom 0");
    expect(parsed.summary).toBe("Scripted summary");
  });

  it("resolves $ref, recursion, nullable type arrays, const, allOf and bounds", () => {
    const value = fillSchema({
      type: "object",
      required: ["root"],
      properties: {
        root: { $ref: "#/$defs/node" },
        legacy: { $ref: "#/definitions/code" },
        size: { type: ["null", "integer"], exclusiveMinimum: 4 },
        mode: { const: "fixed" },
        mixed: { allOf: [{ properties: { a: { type: "boolean" } } }, { properties: { b: {} } }] },
        short: { type: "string", maxLength: 4 },
      },
      $defs: {
        node: {
          type: "object",
          required: ["label", "children"],
          properties: {
            label: { type: "string", minLength: 20 },
            children: { type: "array", items: { $ref: "#/$defs/node" } },
            parent: { anyOf: [{ $ref: "#/$defs/node" }, { type: "null" }] },
          },
        },
      },
      definitions: { code: { type: "string", enum: ["A1", "B2"] } },
    });
    const leaf = { label: "Scripted labelxxxxxx", children: [] };
    expect(value).toEqual({
      root: { label: "Scripted labelxxxxxx", children: [leaf, leaf], parent: leaf },
      legacy: "A1",
      size: 5,
      mode: "fixed",
      mixed: { a: true, b: "Scripted b" },
      short: "Scri",
    });
  });
});
