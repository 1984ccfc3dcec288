import { AppError } from "../errors.js";

/**
 * The model requests one run of a draft may send (PLANDRAFT_MAX_MODEL_CALLS): every attempt
 * counts, retries and repair turns included, so a run never sends one past the limit.
 */
export interface CallBudget {
  /** Takes one request before it is sent; throws MODEL_CALL_LIMIT when none is left. */
  take(what: string): void;
  readonly sent: number;
  readonly limit: number;
}

export function createCallBudget(limit: number): CallBudget {
  let sent = 0;
  return {
    take(what) {
      if (sent >= limit) {
        throw new AppError(
          "MODEL_CALL_LIMIT",
          `this run has sent all ${limit} model calls it may (PLANDRAFT_MAX_MODEL_CALLS), so the request for ${what} was not sent`,
          {
            hint: "raise PLANDRAFT_MAX_MODEL_CALLS, then re-draft the section with `plandraft revise`",
          },
        );
      }
      sent += 1;
    },
    get sent() {
      return sent;
    },
    limit,
  };
}
