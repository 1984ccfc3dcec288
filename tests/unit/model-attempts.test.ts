import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { readWithin } from "../../src/models/deadlines.js";
import { failureOf } from "../../src/models/failures.js";
import { waitBefore, withRetries } from "../../src/models/retry-policy.js";

/** A stream that sends `sent` chunks, then hangs for good: it ignores the abort, even its return(). */
function deafStream(sent: number) {
  const seen = { aborted: false, returned: false };
  const iterable = {
    [Symbol.asyncIterator]() {
      let n = 0;
      return {
        next: () =>
          n < sent
            ? Promise.resolve({ done: false as const, value: n++ })
            : new Promise<IteratorResult<number>>(() => undefined),
        return: () => {
          seen.returned = true;
          return new Promise<IteratorResult<number>>(() => undefined);
        },
      };
    },
  };
  const open = (signal: AbortSignal) => {
    signal.addEventListener("abort", () => (seen.aborted = true));
    return Promise.resolve(iterable);
  };
  return { open, seen };
}

/** A stream that sends `sent` chunks and ends. */
function finiteStream(sent: number): AsyncIterable<number> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let n = 0; n < sent; n++) yield await Promise.resolve(n);
    },
  };
}

/** A full collection, without running the tests with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe("readWithin: deadlines a deaf client cannot escape", () => {
  it("ends at the idle deadline after the first chunk, aborts, and does not wait for return()", async () => {
    const { open, seen } = deafStream(2);
    const chunks: number[] = [];
    const started = performance.now();
    const read = readWithin(open, (c) => chunks.push(c), { totalMs: 5000, idleMs: 50, what: "x" });
    await expect(read).rejects.toMatchObject({
      code: "MODEL_TIMEOUT",
      message: /nothing for 50 ms/,
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(chunks).toEqual([0, 1]);
    expect(seen).toEqual({ aborted: true, returned: true });
  });

  it("ends at the deadline of the whole attempt when nothing ever comes", async () => {
    const { open } = deafStream(0);
    const read = readWithin(open, () => undefined, { totalMs: 80, idleMs: 10, what: "x" });
    await expect(read).rejects.toMatchObject({ message: /did not finish x within 80 ms/ });
  });

  it("ends at once, with the cancel's reason, when the caller cancels", async () => {
    const { open, seen } = deafStream(1);
    const cancel = new AbortController();
    const reason = new AppError("DRAFT_CANCELLED", "cancelled");
    const read = readWithin(open, () => cancel.abort(reason), {
      totalMs: 5000,
      idleMs: 5000,
      signal: cancel.signal,
      what: "x",
    });
    await expect(read).rejects.toBe(reason);
    expect(seen.aborted).toBe(true);
  });

  it("lets go of an attempt that ended, though the client left a listener on its signal", async () => {
    // As the OpenAI client does: a one-time listener on the signal it is given, never taken off
    // when the request ends. Node 20
    // keeps such a signal (made by AbortSignal.any from the caller's) alive while it may abort,
    // and with it all the listener holds: a server kept every draft's graph run so.
    const draft = new AbortController(); // the caller's signal, alive as long as the draft
    const held = new WeakRef({ state: "what an attempt holds" });
    let signalOfAttempt: AbortSignal | undefined;
    const open = (signal: AbortSignal) => {
      signalOfAttempt = signal;
      const state = held.deref();
      signal.addEventListener("abort", () => state, { once: true });
      return Promise.resolve(finiteStream(2));
    };
    await readWithin(open, () => undefined, {
      totalMs: 5000,
      idleMs: 5000,
      signal: draft.signal,
      what: "x",
    });
    expect(signalOfAttempt?.aborted).toBe(true);
    expect(draft.signal.aborted).toBe(false);
    signalOfAttempt = undefined;
    await new Promise((resolve) => setImmediate(resolve)); // a WeakRef holds until the turn ends
    collectGarbage();
    expect(held.deref()).toBeUndefined();
  });

  it("opens nothing for a caller that has already cancelled", async () => {
    const cancel = new AbortController();
    cancel.abort(new Error("gone"));
    let opened = false;
    const open = () => {
      opened = true;
      return Promise.resolve(deafStream(0).open(new AbortController().signal));
    };
    const limits = { totalMs: 50, idleMs: 50, signal: cancel.signal, what: "x" };
    await expect(readWithin(open, () => undefined, limits)).rejects.toThrow("gone");
    expect(opened).toBe(false);
  });
});

const httpError = (status: number, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${status} failed`), { status, ...fields });
const modelError = (cause: unknown) => new AppError("MODEL_ERROR", "failed", { cause });

describe("failureOf: what is worth another try", () => {
  it.each([
    ["a 429 without Retry-After", httpError(429), { retry: true }],
    ["408", httpError(408), { retry: true }],
    ["409", httpError(409), { retry: true }],
    ["500", httpError(500), { retry: true }],
    [
      "503 with Retry-After",
      httpError(503, { headers: { "retry-after": "2" } }),
      { retry: true, afterMs: 2000 },
    ],
    [
      "429 retry-after-ms",
      httpError(429, { headers: new Headers({ "retry-after-ms": "15" }) }),
      { retry: true, afterMs: 15 },
    ],
    ["400", httpError(400), { retry: false }],
    ["401", httpError(401), { retry: false }],
    ["403", httpError(403), { retry: false }],
    ["404", httpError(404), { retry: false }],
    ["422", httpError(422), { retry: false }],
    ["insufficient quota", httpError(429, { code: "insufficient_quota" }), { retry: false }],
    [
      "a wait past a minute",
      httpError(429, { headers: { "retry-after": "61" } }),
      { retry: false },
    ],
    [
      "a reset",
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      { retry: true },
    ],
    [
      "a stream cut midway",
      new TypeError("terminated", {
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
      }),
      { retry: true },
    ],
    ["a bug", new TypeError("x is not a function"), { retry: false }],
  ])("%s", (_, error, expected) => {
    expect(failureOf(modelError(error))).toMatchObject(expected);
  });

  it("retries our own timeouts, never a call limit, schema-invalid output or a cancel", () => {
    expect(failureOf(new AppError("MODEL_TIMEOUT", "slow")).retry).toBe(true);
    for (const code of ["MODEL_CALL_LIMIT", "MODEL_OUTPUT_INVALID", "DRAFT_CANCELLED"] as const)
      expect(failureOf(new AppError(code, "no")).retry).toBe(false);
  });
});

describe("retries", () => {
  const policy = { retries: 3, firstDelayMs: 100, maxDelayMs: 300 };

  it("back off exponentially with jitter, capped, or wait what the server asks plus at most 10 %", () => {
    for (let n = 0; n < 50; n += 1) {
      expect(waitBefore(1, policy)).toBeGreaterThanOrEqual(50);
      expect(waitBefore(1, policy)).toBeLessThanOrEqual(100);
      expect(waitBefore(2, policy)).toBeGreaterThanOrEqual(100);
      expect(waitBefore(2, policy)).toBeLessThanOrEqual(200);
      expect(waitBefore(5, policy)).toBeLessThanOrEqual(300);
      expect(waitBefore(1, policy, 1000)).toBeGreaterThanOrEqual(1000);
      expect(waitBefore(1, policy, 1000)).toBeLessThanOrEqual(1100);
    }
  });

  it("tell each retry, then give up after retries + 1 attempts saying so", async () => {
    const told: unknown[] = [];
    let attempts = 0;
    const failing = () => {
      attempts += 1;
      return Promise.reject(new AppError("MODEL_TIMEOUT", "slow"));
    };
    const quick = { retries: 2, firstDelayMs: 1, maxDelayMs: 2 };
    await expect(
      withRetries(failing, quick, { onRetry: (r) => told.push(r) }),
    ).rejects.toMatchObject({
      code: "MODEL_TIMEOUT",
      message: "slow, after 3 attempts",
    });
    expect(attempts).toBe(3);
    expect(told).toEqual([
      expect.objectContaining({ attempt: 1, attempts: 3, code: "MODEL_TIMEOUT", reason: "slow" }),
      expect.objectContaining({ attempt: 2, attempts: 3 }),
    ]);
  });

  it("stop waiting at once on a cancel, with its reason", async () => {
    const cancel = new AbortController();
    const reason = new AppError("DRAFT_CANCELLED", "cancelled");
    const call = withRetries(
      () => Promise.reject(new AppError("MODEL_TIMEOUT", "slow")),
      { retries: 3, firstDelayMs: 60_000, maxDelayMs: 60_000 },
      { signal: cancel.signal, onRetry: () => cancel.abort(reason) },
    );
    await expect(call).rejects.toBe(reason);
  });
});
