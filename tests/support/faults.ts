// Model faults for the tests of bounded, retried model calls: which requests a tool got, and
// how long each one lasted on the scripted server's side.
import type { ScriptedLlm, ScriptedReply, ScriptedRequest } from "./scripted-llm.js";

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
