import { isAppError } from "../errors.js";

/** Whether a failed model request is worth another try, and how long the server asks to wait. */
export type Failure = { retry: true; afterMs?: number } | { retry: false; why?: string };

/** The longest Retry-After waited for: a server that asks for more will not answer in a draft. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** Statuses tried again besides 5xx: a request timeout, a conflict (OpenAI's lock timeout), 429. */
const RETRIED_STATUSES = new Set([408, 409, 429]);

/**
 * A connection that could not be made (refused, unreachable, a failed name lookup) or was lost
 * (reset, dropped midway): the request may well pass on the next try.
 */
const NETWORK_CODES = new Set([
  "ENOTFOUND",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** What the OpenAI SDK (and fetch) say when a connection fails or a stream is cut. */
const NETWORK_MESSAGES = /^(connection error\.?|fetch failed|terminated|other side closed)$/i;

/** A 429 that more waiting will not cure. */
const QUOTA = /insufficient[_ -]?quota|exceeded your current quota|billing|credit balance/i;

/**
 * Sorts a failed attempt: our own deadlines, 408, 409, 429 (unless the quota is used up or the
 * server asks to wait past a minute), 5xx and network failures are worth another try; any other
 * status (400, 401, 403, 404, 422, ...), output that breaks its schema, a reached call limit and
 * a cancel are not.
 */
export function failureOf(error: unknown): Failure {
  if (isAppError(error)) {
    if (error.code === "MODEL_TIMEOUT") return { retry: true };
    if (error.code !== "MODEL_ERROR") return { retry: false };
    return failureOf(error.cause);
  }
  const status = statusOf(error);
  if (status === undefined) {
    const timedOut = (error as Error | undefined)?.name === "TimeoutError";
    return { retry: timedOut || isNetworkFailure(error) };
  }
  if (status < 500 && !RETRIED_STATUSES.has(status)) return { retry: false };
  if (status === 429 && QUOTA.test(`${codeOf(error)} ${(error as Error).message}`))
    return { retry: false, why: "the account's quota is used up" };
  const afterMs = retryAfterMs(error);
  if (afterMs === undefined) return { retry: true };
  if (afterMs > MAX_RETRY_AFTER_MS) {
    const seconds = Math.ceil(afterMs / 1000);
    return { retry: false, why: `not retried: the server asks to wait ${seconds} s` };
  }
  return { retry: true, afterMs };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : "";
}

/** Any error in the chain of causes that names a network failure. */
function isNetworkFailure(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (NETWORK_CODES.has(codeOf(cause))) return true;
    const message = (cause as Error).message;
    if (typeof message === "string" && NETWORK_MESSAGES.test(message.trim())) return true;
    cause = (cause as Error).cause;
  }
  return false;
}

/** `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date. */
function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { headers?: unknown }).headers;
  const header = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = (headers as Record<string, unknown> | undefined)?.[name];
    return typeof value === "string" ? value : undefined;
  };
  const ms = Number(header("retry-after-ms"));
  if (header("retry-after-ms") && Number.isFinite(ms) && ms >= 0) return ms;
  const after = header("retry-after")?.trim();
  if (!after) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
