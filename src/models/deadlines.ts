import { AppError } from "../errors.js";

/** How long one attempt of a model call may take. */
export interface AttemptDeadlines {
  /** The whole attempt, from the request to the last byte of the answer. */
  totalMs: number;
  /**
   * The longest silence between two chunks of a streamed answer. It starts at the first chunk:
   * the time to the first token grows with the prompt (the whole feature doc and template) and
   * reasoning models think silently before it, so before the first chunk only `totalMs` holds.
   */
  idleMs: number;
}

export interface ReadOptions extends AttemptDeadlines {
  /** The caller's cancel: it ends the attempt at once, with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** What is being written, for the error message, e.g. the tool's name. */
  what: string;
}

/**
 * Reads one streamed answer under deadlines that hold even when the client ignores its abort
 * signal: every wait (the request, each chunk) races the deadlines, so a socket that stays open
 * and silent cannot keep the caller. When a deadline passes, the request is aborted through the
 * signal given to `open`, and the iterator is left behind: a hung iterator's `return()` may never
 * settle, so it is asked to close but not awaited.
 */
export async function readWithin<T>(
  open: (signal: AbortSignal) => Promise<AsyncIterable<T>>,
  onChunk: (chunk: T) => void,
  options: ReadOptions,
): Promise<void> {
  options.signal?.throwIfAborted();
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, controller.signal])
    : controller.signal;
  // One wait is pending at a time, and a stop rejects it at once. (A race against one promise
  // that lives as long as the call would gather a reaction per chunk until the call ends.)
  let stopped: { reason: unknown } | undefined;
  let failWait: ((reason: unknown) => void) | undefined;
  const stop = (reason: unknown) => {
    stopped ??= { reason };
    failWait?.(stopped.reason);
  };
  const until = <V>(promise: Promise<V>): Promise<V> =>
    new Promise<V>((resolve, reject) => {
      failWait = reject;
      promise.then(resolve, reject); // handled even when stopped already, so never unhandled
      if (stopped) failWait(stopped.reason);
    });
  // A cancel reaches us through `signal`; our deadlines stop the wait themselves as well, so
  // that they hold whatever becomes of the signal.
  const onAbort = () => stop(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  const end = (reason: unknown) => {
    controller.abort(reason);
    stop(reason);
  };
  const total = setTimeout(() => end(totalTimeout(options)), options.totalMs);
  let idle: NodeJS.Timeout | undefined;
  let iterator: AsyncIterator<T> | undefined;
  try {
    iterator = (await until(open(signal)))[Symbol.asyncIterator]();
    for (;;) {
      const next = await until(iterator.next());
      if (next.done) return;
      // Re-armed, not made again: this runs for every chunk of every stream.
      if (idle) idle.refresh();
      else idle = setTimeout(() => end(idleTimeout(options)), options.idleMs);
      onChunk(next.value);
    }
  } catch (error) {
    // Ends the request (nothing to end when it failed by itself) and lets the iterator clean up.
    controller.abort(error);
    void iterator?.return?.().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
    // Node 20 keeps a signal made by AbortSignal.any alive while it has an abort listener and
    // its sources may still abort. Left so, this attempt's state (and through LangChain's config,
    // the draft's whole graph run) stayed alive as long as the caller's signal: 233 KiB a draft
    // on a server (npm run bench -- soak). Ours is taken off; the OpenAI client's own cannot be,
    // so the attempt's signal is aborted once the attempt is over, which lets go of them all.
    signal.removeEventListener("abort", onAbort);
    controller.abort(ATTEMPT_OVER);
  }
}

/** The reason an attempt's signal gives once the attempt is over (nothing is left to stop). */
const ATTEMPT_OVER = new Error("the model call's attempt is over");

function totalTimeout({ what, totalMs }: ReadOptions): AppError {
  return new AppError("MODEL_TIMEOUT", `the model did not finish ${what} within ${totalMs} ms`, {
    hint: "raise PLANDRAFT_MODEL_TIMEOUT_MS, or check the model server",
  });
}

function idleTimeout({ what, idleMs }: ReadOptions): AppError {
  return new AppError(
    "MODEL_TIMEOUT",
    `the model sent nothing for ${idleMs} ms while writing ${what}`,
    { hint: "raise PLANDRAFT_MODEL_IDLE_TIMEOUT_MS, or check the model server" },
  );
}
