// Model faults for the tests of bounded, retried model calls: a draft against a scripted model
// that misbehaves, which requests a tool got, and how long each lasted on the server's side.
import { expect, vi } from "vitest";
import { draftWith, fixturePath, scriptedConfig, type DraftRun } from "./drafting.js";
import {
  startScriptedLlm,
  type ScriptedLlm,
  type ScriptedLlmOptions,
  type ScriptedReply,
  type ScriptedRequest,
} from "./scripted-llm.js";

export interface FaultyDraft {
  /** The scripted model, closed: its requests stay readable. */
  llm: ScriptedLlm;
  /** The draft, or the error it threw (a brief that failed fails the whole draft). */
  run: DraftRun | { error: unknown };
  tookMs: number;
}

/**
 * Drafts the watchlist feature in memory against a scripted model that answers `respond`, with
 * `env` over the scripted config. Returns once the server has seen every request end, so a
 * request's `endedAt` says when the client gave up on it.
 */
export async function draftAgainst(
  respond: ScriptedLlmOptions["respond"],
  env: Record<string, string>,
): Promise<FaultyDraft> {
  const llm = await startScriptedLlm({ respond });
  try {
    const started = performance.now();
    const feature = { path: fixturePath("watchlist-feature.md") };
    const run = await draftWith(scriptedConfig(llm.baseURL, env), feature).catch(
      (error: unknown) => ({ error }),
    );
    const tookMs = performance.now() - started;
    await vi.waitFor(() => expect(llm.requests.every((r) => r.endedAt !== undefined)).toBe(true));
    return { llm, run, tookMs };
  } finally {
    await llm.close();
  }
}

/** The scripted server's requests for one tool (the brief's tool is "brief"). */
export const requestsFor = (llm: ScriptedLlm, tool: string): ScriptedRequest[] =>
  llm.requests.filter((r) => r.toolName === tool);

/** How long the server kept a request open: from its arrival until its socket closed. */
export const heldFor = (request: ScriptedRequest | undefined): number =>
  (request?.endedAt ?? Infinity) - (request?.startedAt ?? 0);

/** From the first request's arrival to the end of the last one. */
export const spanOf = (requests: ScriptedRequest[]): number =>
  Math.max(...requests.map((r) => r.endedAt ?? Infinity)) -
  Math.min(...requests.map((r) => r.startedAt));

/**
 * A `respond` that gives `tool` the replies in turn, one per request (the rest answer normally),
 * and every other tool a normal answer: `faultOn("testing", [stall, stall])` stalls the first
 * two requests for the testing section.
 */
export function faultOn(tool: string, replies: ScriptedReply[]) {
  let seen = 0;
  return (request: ScriptedRequest): ScriptedReply | undefined =>
    request.toolName === tool ? replies[seen++] : undefined;
}

/** A 429, with no Retry-After unless `headers` give one. */
export const tooMany = (headers?: Record<string, string>): ScriptedReply => ({
  kind: "error",
  status: 429,
  message: "slow down",
  ...(headers ? { headers } : {}),
});
