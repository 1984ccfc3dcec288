// Scripted OpenAI-compatible chat-completions server, so tests can run the real ChatOpenAI client
// (streaming, tool calls, retries, usage) against deterministic replies.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { fillSchema, findTarget, isRecord, type Target } from "./schema-filler.js";

export interface ScriptedRequest {
  index: number;
  toolName: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary request fields
  body: any;
  stream: boolean;
  startedAt: number;
  endedAt: number | undefined;
  attempt: number;
}

export type ScriptedReply =
  /** Arguments filled from the tool's schema; `chunkDelayMs` overrides the server's pace. */
  | { kind: "auto"; chunkDelayMs?: number }
  | { kind: "tool"; arguments: unknown; name?: string }
  | { kind: "text"; text: string }
  | {
      kind: "error";
      status: number;
      message?: string;
      headers?: Record<string, string>;
      type?: string;
      code?: string | null;
    }
  /** Answers nothing at all, not even headers; the socket stays open. */
  | { kind: "stall" }
  /**
   * Sends the headers and the first `chunks` chunks (default 1), or half the body when not
   * streaming, then nothing more while the socket stays open: a stream that stalls midway.
   */
  | { kind: "stallMidStream"; chunks?: number }
  /** The same start as `stallMidStream`, then the socket is destroyed: a stream dropped midway. */
  | { kind: "dropMidStream"; chunks?: number }
  /** Destroys the socket before any answer: a connection reset. */
  | { kind: "reset" };

export interface ScriptedLlmOptions {
  latencyMs?: number;
  /**
   * A random extra wait in [0, latencyJitterMs) before each call answers, so that calls started
   * together do not write their chunks in the same millisecond forever after, which a real model
   * server's streams never do (off by default).
   */
  latencyJitterMs?: number;
  chunkDelayMs?: number;
  /**
   * Stamps each streamed chunk with the time it is written (off by default): every placeholder
   * word `stampPlaceholder(kind)` that `fill` put in a reply becomes `<kind><ms>`, ms being
   * `performance.timeOrigin + performance.now()` just before the chunk is written, so a client on
   * the same machine can tell how long each chunk took to reach it (`readStamps`). Chunks are cut
   * right after each placeholder and its space, so every chunk ends with a complete word.
   */
  stampChunks?: boolean;
  /** Every answer waits for this first: a test's gate, keeping a draft running until it opens. */
  hold?: Promise<void>;
  /** Called for each streamed chunk written: a bench counts the chunks its clients had to read. */
  onChunk?: () => void;
  respond?: (req: ScriptedRequest) => ScriptedReply | undefined;
  fill?: (path: string[], schema: any, req: ScriptedRequest) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ScriptedLlm {
  baseURL: string;
  requests: ScriptedRequest[];
  close(): Promise<void>;
}

type Output = { type: "tool"; name: string; args: string } | { type: "text"; text: string };

const FRAGMENT = /[\s\S]{1,20}/g;

const approxTokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

const split = (text: string): string[] => text.match(FRAGMENT) ?? [];

const PLACEHOLDER = /@@([a-z])@@/g;
/** A placeholder word and its space, and what comes before it: one stamped chunk's worth. */
const UP_TO_PLACEHOLDER = /[\s\S]*?@@[a-z]@@ /g;

/** A word that `stampChunks` turns into the time its chunk is written; `kind` is one letter. */
export const stampPlaceholder = (kind = "t"): string => `@@${kind}@@ `;

/** The send times (ms since the epoch, sub-ms) stamped in streamed text, for one kind. */
export function readStamps(text: string, kind = "t"): number[] {
  const stamps: number[] = [];
  for (const match of text.matchAll(new RegExp(`\\b${kind}(\\d{13}\\.\\d{3})\\b`, "g")))
    stamps.push(Number(match[1]));
  return stamps;
}

const stampNow = (text: string): string => {
  if (!text.includes("@@")) return text;
  const now = (performance.timeOrigin + performance.now()).toFixed(3);
  return text.replace(PLACEHOLDER, (_, kind: string) => `${kind}${now}`);
};

/** Fragments as `split` makes them, except that each placeholder word ends the one it is in. */
function splitAtStamps(text: string): string[] {
  const pieces: string[] = [];
  let rest = 0;
  for (const match of text.matchAll(UP_TO_PLACEHOLDER)) {
    const word = /@@[a-z]@@ $/.exec(match[0])?.[0] ?? "";
    const before = split(match[0].slice(0, match[0].length - word.length));
    pieces.push(...before.slice(0, -1), `${before.at(-1) ?? ""}${word}`);
    rest = (match.index ?? 0) + match[0].length;
  }
  pieces.push(...split(text.slice(rest)));
  return pieces;
}

const ERROR_DEFAULTS: Record<number, [type: string, code: string | null]> = {
  401: ["invalid_request_error", "invalid_api_key"],
  404: ["invalid_request_error", "model_not_found"],
  429: ["requests", "rate_limit_exceeded"],
};

function errorBody(status: number, message: string, type?: string, code?: string | null) {
  const fallback = status >= 500 ? "server_error" : "invalid_request_error";
  const [defaultType, defaultCode] = ERROR_DEFAULTS[status] ?? [fallback, null];
  return {
    error: {
      message,
      type: type ?? defaultType,
      param: null,
      code: code === undefined ? defaultCode : code,
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(payload));
}

interface Meta {
  base: { id: string; created: number; model: string; system_fingerprint: string };
  callId: string;
  usage: Record<string, unknown>;
  finishReason: "tool_calls" | "stop";
}

const toolCall = (meta: Meta, name: string, args: string) => ({
  id: meta.callId,
  type: "function",
  function: { name, arguments: args },
});

function renderCompletion(output: Output, meta: Meta): string {
  const message =
    output.type === "tool"
      ? {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [toolCall(meta, output.name, output.args)],
        }
      : { role: "assistant", content: output.text, refusal: null };
  return JSON.stringify({
    ...meta.base,
    object: "chat.completion",
    choices: [{ index: 0, message, logprobs: null, finish_reason: meta.finishReason }],
    usage: meta.usage,
  });
}

function renderChunks(
  output: Output,
  meta: Meta,
  includeUsage: boolean,
  pieces: (text: string) => string[] = split,
): object[] {
  const chunk = (delta: object, finish: string | null = null) => ({
    ...meta.base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  // The first delta must carry role "assistant": LangChain drops tool calls otherwise.
  const chunks =
    output.type === "tool"
      ? [
          chunk({
            role: "assistant",
            content: null,
            refusal: null,
            tool_calls: [{ index: 0, ...toolCall(meta, output.name, "") }],
          }),
          ...pieces(output.args).map((args) =>
            chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] }),
          ),
        ]
      : [
          chunk({ role: "assistant", content: "", refusal: null }),
          ...pieces(output.text).map((content) => chunk({ content })),
        ];
  chunks.push(chunk({}, meta.finishReason));
  if (!includeUsage) return chunks;
  return [
    ...chunks,
    { ...meta.base, object: "chat.completion.chunk", choices: [], usage: meta.usage },
  ];
}

export async function startScriptedLlm(options: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
  const requests: ScriptedRequest[] = [];
  const sockets = new Set<Socket>();
  // Kept apart from `requests` so that tests mutating a recorded body cannot skew `attempt`.
  const messageKeys: string[] = [];
  const closing = new AbortController();

  // Resolves false once close() was called, so pending replies stop instead of writing.
  const wait = async (ms = 0): Promise<boolean> =>
    ms <= 0
      ? !closing.signal.aborted
      : sleep(ms, undefined, { signal: closing.signal }).then(
          () => true,
          () => false,
        );

  const buildOutput = (reply: ScriptedReply, target: Target, req: ScriptedRequest): Output => {
    if (reply.kind === "text") return { type: "text", text: reply.text };
    let args: string;
    if (reply.kind === "tool") {
      const raw = reply.arguments;
      args = typeof raw === "string" ? raw : JSON.stringify(raw);
    } else if (target.via === undefined) {
      return { type: "text", text: "Scripted reply" };
    } else {
      const { fill } = options;
      const override = (path: string[], schema: unknown) =>
        fill?.(path, schema, req) ?? coverCriteria(path, schema, req);
      args = JSON.stringify(fillSchema(target.schema, { override }));
    }
    if (target.via === "response_format") return { type: "text", text: args };
    const name = (reply.kind === "tool" ? reply.name : undefined) ?? target.name ?? "tool";
    return { type: "tool", name, args };
  };

  const handleChat = async (res: http.ServerResponse, raw: string, startedAt: number) => {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!isRecord(parsed)) throw new Error("body is not an object");
      body = parsed;
    } catch (e) {
      sendJson(res, 400, errorBody(400, `Invalid JSON body: ${String(e)}`));
      return;
    }
    const target = findTarget(body);
    const messagesKey = JSON.stringify(body.messages ?? null);
    const record: ScriptedRequest = {
      index: requests.length,
      toolName: target.name,
      body,
      stream: body.stream === true,
      startedAt,
      endedAt: undefined,
      attempt: requests.filter(
        (r, i) => messageKeys[i] === messagesKey && r.toolName === target.name,
      ).length,
    };
    requests.push(record);
    messageKeys.push(messagesKey);
    res.on("close", () => {
      record.endedAt = performance.now();
    });

    let reply: ScriptedReply;
    try {
      reply = options.respond?.(record) ?? { kind: "auto" };
    } catch (e) {
      sendJson(res, 500, errorBody(500, `respond() threw: ${String(e)}`));
      return;
    }
    await options.hold;
    const jitter = Math.random() * (options.latencyJitterMs ?? 0);
    if (!(await wait((options.latencyMs ?? 0) + jitter)) || res.destroyed || reply.kind === "stall")
      return;
    if (reply.kind === "reset") {
      res.socket?.destroy();
      return;
    }
    if (reply.kind === "error") {
      const message = reply.message ?? `Scripted error ${reply.status}`;
      const payload = errorBody(reply.status, message, reply.type, reply.code);
      sendJson(res, reply.status, payload, reply.headers);
      return;
    }

    const output = buildOutput(reply, target, record);
    const promptTokens = approxTokens(messagesKey);
    const completionTokens = approxTokens(output.type === "tool" ? output.args : output.text);
    const meta: Meta = {
      base: {
        id: `chatcmpl-scripted-${record.index}`,
        created: Math.floor(Date.now() / 1000),
        model: typeof body.model === "string" ? body.model : "scripted-model",
        system_fingerprint: "fp_scripted",
      },
      callId: `call_scripted_${record.index}`,
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      finishReason: output.type === "tool" ? "tool_calls" : "stop",
    };
    // Where a reply that breaks off stops, and how: left open, or dropped.
    const cut =
      reply.kind === "stallMidStream" || reply.kind === "dropMidStream"
        ? { after: reply.chunks ?? 1, drop: reply.kind === "dropMidStream" }
        : undefined;
    const breakOff = () => {
      if (cut?.drop) res.socket?.destroy();
    };

    if (!record.stream) {
      const rendered = renderCompletion(output, meta);
      const json = options.stampChunks ? stampNow(rendered) : rendered;
      res.writeHead(200, { "content-type": "application/json" });
      if (!cut) res.end(json);
      else res.write(json.slice(0, Math.floor(json.length / 2)), breakOff);
      return;
    }

    const includeUsage =
      isRecord(body.stream_options) && body.stream_options.include_usage === true;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const pieces = options.stampChunks ? splitAtStamps : split;
    const chunkDelayMs = (reply.kind === "auto" && reply.chunkDelayMs) || options.chunkDelayMs;
    for (const [i, payload] of renderChunks(output, meta, includeUsage, pieces).entries()) {
      if (i > 0 && !(await wait(chunkDelayMs))) return;
      if (res.destroyed) return;
      const data = JSON.stringify(payload);
      // Stamped as late as can be: right before the write.
      const last = cut !== undefined && i + 1 >= cut.after;
      res.write(
        `data: ${options.stampChunks ? stampNow(data) : data}\n\n`,
        last ? breakOff : undefined,
      );
      options.onChunk?.();
      if (last) return;
    }
    res.end("data: [DONE]\n\n");
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/\/+$/, "");
    if (req.method === "GET" && path === "/v1/models") {
      const model = { id: "scripted-model", object: "model", created: 0, owned_by: "scripted" };
      sendJson(res, 200, { object: "list", data: [model] });
      return;
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      const startedAt = performance.now();
      const parts: Buffer[] = [];
      req.on("data", (part: Buffer) => parts.push(part));
      req.on("end", () => {
        handleChat(res, Buffer.concat(parts).toString("utf8"), startedAt).catch((e: unknown) => {
          if (res.headersSent) res.destroy();
          else sendJson(res, 500, errorBody(500, String(e)));
        });
      });
      return;
    }
    const message = `Unknown route: ${req.method ?? "?"} ${url.pathname}`;
    sendJson(res, 404, errorBody(404, message, "invalid_request_error", "not_found"));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((err) => {
        for (const r of requests) r.endedAt ??= performance.now();
        if (err) reject(err);
        else resolve();
      });
      // Destroying sockets ends stalled responses and idle keep-alive connections alike.
      for (const socket of sockets) socket.destroy();
    }));

  return { baseURL: `http://127.0.0.1:${port}/v1`, requests, close };
}

/** The environment that makes plandraft draft with this scripted model, as `openai:scripted`. */
export function scriptedModelEnv(llm: ScriptedLlm): Record<string, string> {
  return {
    PLANDRAFT_MODEL: "openai:scripted",
    OPENAI_BASE_URL: llm.baseURL,
    OPENAI_API_KEY: "test",
  };
}

/**
 * As a model that follows the prompt does, the scripted testing section covers the doc's
 * Given/When/Then criteria (one E2E item each), so a default draft passes `check --feature`.
 */
function coverCriteria(path: string[], schema: unknown, req: ScriptedRequest): unknown {
  if (req.toolName !== "testing" || path.at(-1) !== "e2e_testing") return undefined;
  if (!isRecord(schema) || schema.type !== "array") return undefined;
  const text = JSON.stringify(req.body?.messages ?? []).replace(/\\n/g, "\n");
  const criteria = [...text.matchAll(/^\s*[-*]\s+(Given\b[^\n]*)$/gm)].map((m) => m[1] ?? "");
  if (criteria.length === 0) return undefined;
  return [...new Set(criteria)].map((c) => `Scripted journey: ${c}`.slice(0, 600));
}
