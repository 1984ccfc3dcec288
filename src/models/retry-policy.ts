import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";
import { AppError, isAppError } from "../errors.js";
import { failureOf } from "./failures.js";

/** How a model call is tried again. The README's "Models" section says the same. */
export interface RetryPolicy {
  /** Attempts after the first (PLANDRAFT_MODEL_RETRIES). */
  retries: number;
  /** The wait before the first retry without Retry-After; it doubles with each retry. */
  firstDelayMs: number;
  /** The longest such wait. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_DELAYS = { firstDelayMs: 1000, maxDelayMs: 30_000 };

/** An attempt that failed and is tried again: told before the wait starts. */
export interface ModelRetry {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How many attempts the call may make in all. */
  attempts: number;
  code: string;
  reason: string;
  waitMs: number;
}

export interface RetryWatch {
  /** The caller's cancel: no retry after it, and a wait in progress ends at once. */
  signal?: AbortSignal | undefined;
  onRetry?: ((retry: ModelRetry) => void) | undefined;
}

/**
 * Runs `attempt` until it succeeds, fails in a way that is not worth another try, or has been
 * tried `retries` + 1 times. What is worth another try is `failureOf`'s to say; the wait before a
 * retry is the server's Retry-After when it gives one, else an exponential backoff with jitter.
 * The error of the last attempt is thrown, saying how many attempts were made.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  { signal, onRetry }: RetryWatch = {},
): Promise<T> {
  let attempts = 0;
  try {
    return await pRetry(
      () => {
        attempts += 1;
        return attempt();
      },
      {
        retries: policy.retries,
        // The wait is ours: it depends on the failure (Retry-After), and is told before it starts.
        minTimeout: 0,
        signal,
        shouldRetry: async ({ error, attemptNumber }) => {
          const failure = failureOf(error);
          if (signal?.aborted || !failure.retry) return false;
          const waitMs = waitBefore(attemptNumber, policy, failure.afterMs);
          onRetry?.({
            attempt: attemptNumber,
            attempts: policy.retries + 1,
            code: isAppError(error) ? error.code : "MODEL_ERROR",
            reason: error.message,
            waitMs,
          });
          await sleep(waitMs, undefined, { signal });
          return true;
        },
      },
    );
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw givenUp(error, attempts);
  }
}

/**
 * The wait before retry number `retry` (from 1): what the server asked for, plus up to 10 % so
 * that sections told the same wait do not all come back at once; else half the backoff step for
 * sure and the other half at random.
 */
export function waitBefore(retry: number, policy: RetryPolicy, afterMs?: number): number {
  const random = Math.random();
  if (afterMs !== undefined) return Math.ceil(afterMs * (1 + random / 10));
  const step = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

/** The last attempt's error, saying why it was the last. */
function givenUp(error: unknown, attempts: number): unknown {
  if (!isAppError(error)) return error;
  const failure = failureOf(error);
  const why = failure.retry ? (attempts > 1 ? `after ${attempts} attempts` : "") : failure.why;
  if (!why) return error;
  return new AppError(error.code, `${error.message}, ${why}`, {
    hint: error.hint,
    cause: error.cause,
  });
}
