import { z } from "zod";

/**
 * Exit codes: 0 done, 1 the run failed (or a plan has findings), 2 bad usage or bad input, 3 the
 * draft waits at the review gate for a person's answer. Every error's exit code is 1 or 2, by
 * its code in the table below.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, awaitingReview: 3 } as const;

/** What one error code means, the HTTP status the server answers it with, and the CLI's exit. */
export interface ErrorCodeInfo {
  status: number;
  exit: typeof EXIT.failed | typeof EXIT.usage;
  meaning: string;
}

/** Bad input or usage: the person can fix the request and try again (exit 2). */
const refused = (status: number, meaning: string): ErrorCodeInfo => ({
  status,
  exit: EXIT.usage,
  meaning,
});

/** The run failed on something the request did not cause (exit 1). */
const failed = (status: number, meaning: string): ErrorCodeInfo => ({
  status,
  exit: EXIT.failed,
  meaning,
});

/**
 * Every error code the program emits: thrown as an AppError, answered by the server, carried
 * by a draft's `error` or a section's `code`. The README's table of error codes is checked
 * against this one (tests/unit/error-codes.test.ts). Codes only the CLI emits (EVAL_DIR_MISSING,
 * PLAN_NOT_WRITTEN, SERVER_UNREACHABLE...) still have a status, so the table stays total and an
 * AppError always has one; no server answers with them.
 */
export const ERROR_CODES = {
  USAGE: refused(400, "the command line is not one the CLI takes"),
  CONFIG_INVALID: refused(400, "an environment variable has a value that cannot be used"),
  FEATURE_MISSING: refused(400, "the feature doc is not there (no file, or no field)"),
  FEATURE_EMPTY: refused(400, "the feature doc has no text"),
  FEATURE_BINARY: refused(400, "the feature doc is a binary file of a kind not read"),
  FEATURE_NOT_UTF8: refused(400, "the feature doc is not valid UTF-8 text"),
  FEATURE_TOO_LARGE: refused(413, "the feature doc, or the text read from it, is over the limit"),
  FEATURE_UNREADABLE: refused(400, "a damaged Word or PDF file, or an old .doc"),
  FEATURE_ENCRYPTED: refused(400, "a password-protected PDF or Word document"),
  FEATURE_NAME_INVALID: refused(400, "the feature doc's file name cannot be kept"),
  BODY_NOT_UTF8: refused(400, "the request body is not valid UTF-8 text"),
  UPLOAD_INVALID: refused(400, "the multipart upload has no feature file, or cannot be read"),
  TEMPLATE_MISSING: refused(400, "the plan template file is not there"),
  TEMPLATE_INVALID: refused(400, "the plan template is not one plandraft can follow"),
  TEMPLATE_UNKNOWN: refused(400, "no offered template has this id"),
  TEMPLATE_TOO_LARGE: refused(400, "the template asks for more sections than allowed"),
  PLAN_MISSING: refused(400, "the plan to check is not there"),
  WORKSPACE_INVALID: refused(400, "the workspace file, a repository or a context doc is wrong"),
  EVAL_DIR_MISSING: refused(400, "the folder of feature docs to evaluate is not there"),
  EVAL_DIR_EMPTY: refused(400, "the folder to evaluate has no feature docs"),
  PROMPT_MISSING: failed(500, "a prompt file of the install is missing"),
  PROMPT_INVALID: failed(500, "a prompt file of the install has a placeholder wrong"),
  MODEL_UNKNOWN: refused(400, "the model name is not openai:<model>, ollama:<model> or none"),
  MODEL_NOT_OFFERED: refused(400, "the server does not offer this model"),
  MODEL_CONFIG: refused(400, "the model needs a setting that is missing (e.g. its API key)"),
  MODEL_TIMEOUT: failed(500, "the model did not answer in time"),
  MODEL_ERROR: failed(500, "the model server refused or failed the request"),
  MODEL_OUTPUT_INVALID: failed(500, "the model's answer was not what was asked, even repaired"),
  BRIEF_CONTRADICTS_DOC: failed(
    500,
    "the model's brief still contradicts the feature doc, repaired",
  ),
  MODEL_CALL_LIMIT: refused(400, "the draft would send more model requests than allowed"),
  SECTION_UNKNOWN: refused(404, "the template has no section by this name"),
  SECTIONS_FAILED: failed(500, "a draft's outcome: some sections could not be drafted"),
  NOT_DRAFTED: failed(500, "a section's outcome: it was never drafted"),
  OUTPUT_WRITE_FAILED: refused(400, "the plan cannot be written where -o says"),
  // Not OUTPUT_WRITE_FAILED: the draft is paid for and kept by then, so the run failed (1).
  PLAN_NOT_WRITTEN: failed(500, "the draft is kept, but its plan could not be written to -o"),
  DATABASE_UNREACHABLE: failed(503, "the database cannot be reached"),
  DATABASE_LOST: failed(500, "the connection to the database broke while drafting"),
  STORE_BUSY: refused(409, "another plandraft process holds the embedded store"),
  DRAFT_NOT_FOUND: refused(404, "no draft has this id"),
  DRAFT_BUSY: refused(409, "the draft is running here or in another process"),
  DRAFT_NOT_RESUMABLE: refused(409, "the draft has nothing to resume"),
  DRAFT_NOT_FINISHED: refused(409, "the draft has not finished, so it cannot be revised yet"),
  DRAFT_NOT_RUNNING: refused(409, "the draft is not running: nothing to cancel or to watch"),
  DRAFT_CANCELLED: failed(500, "a draft's outcome: it was cancelled"),
  DRAFT_NOT_AWAITING_REVIEW: refused(409, "the draft is not waiting at the review gate"),
  REVIEW_ANSWER_INVALID: refused(400, "an answer to the review gate does not fit its question"),
  VERSION_NOT_FOUND: refused(404, "the draft has no version by this number"),
  PLAN_NOT_READY: refused(409, "the draft has no plan yet"),
  EVENT_ID_INVALID: refused(400, "the Last-Event-ID is not one of this draft's"),
  QUEUE_FULL: refused(429, "too many drafts wait for a free slot"),
  RATE_LIMITED: refused(429, "too many new drafts or revisions a minute from this address"),
  UNAUTHORIZED: refused(401, "the server needs an API token"),
  FORBIDDEN: refused(403, "the token is wrong, or the path is not served"),
  HOST_NOT_ALLOWED: refused(403, "the request's Host is not one the server answers to"),
  CROSS_SITE_REFUSED: refused(403, "a page of another site sent this request"),
  INVALID_REQUEST: refused(400, "the request is malformed, or a field is wrong"),
  INVALID_JSON: refused(400, "the body is not valid JSON"),
  INVALID_URL: refused(400, "the path does not decode"),
  NOT_FOUND: refused(404, "no route at this path"),
  METHOD_NOT_ALLOWED: refused(405, "this method is not allowed here"),
  NOT_ACCEPTABLE: refused(406, "the route cannot answer in a type the request accepts"),
  REQUEST_TIMEOUT: refused(408, "the request took too long to arrive"),
  BODY_TOO_LARGE: refused(413, "the request body or upload is over the size limit"),
  URL_TOO_LONG: refused(414, "the URL, or a part of it, is too long"),
  UNSUPPORTED_MEDIA_TYPE: refused(415, "this content type is not accepted here"),
  RANGE_NOT_SATISFIABLE: refused(416, "the requested range is outside the file"),
  HEADERS_TOO_LARGE: refused(431, "the request headers are too large"),
  PAGE_NOT_BUILT: failed(503, "the web page is not built in this install"),
  SERVER_STOPPING: failed(503, "the server is stopping; its drafts resume when it is back"),
  DRAFT_TAKEN_OVER: failed(
    503,
    "another worker took the draft over after this one missed its heartbeats; it goes on there",
  ),
  DRAFT_KEEPS_FAILING: failed(
    500,
    "the draft's run was taken over again and again without finishing (its workers died or stopped)",
  ),
  SERVER_INSECURE: refused(400, "serve would listen beyond loopback without a token"),
  SERVER_LISTEN_FAILED: failed(500, "serve cannot listen on its host and port"),
  SERVER_UNREACHABLE: failed(500, "the CLI cannot reach the server, or lost it for too long"),
  SERVER_ERROR: failed(500, "the server's answer is not what this CLI expects"),
  INTERNAL: failed(500, "something failed that plandraft did not foresee (a bug)"),
} satisfies Record<string, ErrorCodeInfo>;

/** A code not in the table does not compile. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The table's codes, as a zod enum: the OpenAPI document's, and what a server's answer is checked by. */
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);
