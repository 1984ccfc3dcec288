/**
 * One error type for the whole app. The code is a stable string a script can match on; the
 * message names the problem; the hint names the fix. The CLI prints `code: message (hint)`,
 * the server maps `status` to the HTTP status.
 */
export type ErrorCode =
  | "USAGE"
  | "CONFIG_INVALID"
  | "FEATURE_MISSING"
  | "FEATURE_EMPTY"
  | "FEATURE_BINARY"
  | "FEATURE_NOT_UTF8"
  | "FEATURE_TOO_LARGE"
  | "FEATURE_UNREADABLE"
  | "FEATURE_ENCRYPTED"
  | "BODY_NOT_UTF8"
  | "UPLOAD_INVALID"
  | "FEATURE_NAME_INVALID"
  | "TEMPLATE_MISSING"
  | "TEMPLATE_INVALID"
  | "TEMPLATE_UNKNOWN"
  | "TEMPLATE_TOO_LARGE"
  | "PLAN_MISSING"
  | "WORKSPACE_INVALID"
  | "EVAL_DIR_MISSING"
  | "EVAL_DIR_EMPTY"
  | "PROMPT_MISSING"
  | "PROMPT_INVALID"
  | "MODEL_UNKNOWN"
  | "MODEL_NOT_OFFERED"
  | "MODEL_CONFIG"
  | "MODEL_TIMEOUT"
  | "MODEL_ERROR"
  | "MODEL_OUTPUT_INVALID"
  | "MODEL_CALL_LIMIT"
  | "BRIEF_CONTRADICTS_DOC"
  | "SECTION_UNKNOWN"
  | "OUTPUT_WRITE_FAILED"
  | "DATABASE_UNREACHABLE"
  | "DATABASE_LOST"
  | "STORE_BUSY"
  | "DRAFT_NOT_FOUND"
  | "DRAFT_BUSY"
  | "DRAFT_NOT_RESUMABLE"
  | "DRAFT_NOT_FINISHED"
  | "VERSION_NOT_FOUND"
  | "DRAFT_NOT_RUNNING"
  | "DRAFT_CANCELLED"
  | "QUEUE_FULL"
  | "RATE_LIMITED"
  | "PLAN_NOT_READY"
  | "EVENT_ID_INVALID"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "HOST_NOT_ALLOWED"
  | "CROSS_SITE_REFUSED"
  | "SERVER_STOPPING"
  | "SERVER_INSECURE"
  | "SERVER_UNREACHABLE"
  | "SERVER_ERROR"
  | "SERVER_LISTEN_FAILED"
  | "INTERNAL";

const STATUS: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  FEATURE_MISSING: 400,
  FEATURE_EMPTY: 400,
  FEATURE_BINARY: 400,
  FEATURE_NOT_UTF8: 400,
  FEATURE_TOO_LARGE: 413,
  FEATURE_UNREADABLE: 400,
  FEATURE_ENCRYPTED: 400,
  BODY_NOT_UTF8: 400,
  UPLOAD_INVALID: 400,
  FEATURE_NAME_INVALID: 400,
  TEMPLATE_INVALID: 400,
  TEMPLATE_MISSING: 400,
  TEMPLATE_UNKNOWN: 400,
  TEMPLATE_TOO_LARGE: 400,
  MODEL_CALL_LIMIT: 400,
  PLAN_MISSING: 400,
  WORKSPACE_INVALID: 400,
  EVAL_DIR_MISSING: 400,
  EVAL_DIR_EMPTY: 400,
  MODEL_CONFIG: 400,
  CONFIG_INVALID: 400,
  OUTPUT_WRITE_FAILED: 400,
  SECTION_UNKNOWN: 404,
  MODEL_UNKNOWN: 400,
  MODEL_NOT_OFFERED: 400,
  DATABASE_UNREACHABLE: 503,
  STORE_BUSY: 409,
  DRAFT_NOT_FOUND: 404,
  DRAFT_BUSY: 409,
  DRAFT_NOT_RESUMABLE: 409,
  DRAFT_NOT_FINISHED: 409,
  VERSION_NOT_FOUND: 404,
  DRAFT_NOT_RUNNING: 409,
  QUEUE_FULL: 429,
  RATE_LIMITED: 429,
  PLAN_NOT_READY: 409,
  EVENT_ID_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 403,
  CROSS_SITE_REFUSED: 403,
  SERVER_STOPPING: 503,
  SERVER_INSECURE: 400,
};

export interface AppErrorOptions {
  hint?: string;
  status?: number;
  cause?: unknown;
  /** For a 429 or 503: when to try again, in seconds (sent as Retry-After). */
  retryAfterS?: number;
  /** Headers the answer must carry, e.g. `www-authenticate` on a 401. */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly status: number;
  readonly retryAfterS: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.hint = options.hint;
    this.status = options.status ?? STATUS[code] ?? 500;
    this.retryAfterS = options.retryAfterS;
    this.headers = options.headers;
  }

  /** `code: message (hint)`, one line, as the CLI prints it. */
  toLine(): string {
    return `${this.code}: ${this.message}${this.hint ? ` (${this.hint})` : ""}`;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A short, safe description of any thrown value. */
const FILE_PROBLEMS: Record<string, string> = {
  ENOENT: "does not exist",
  EISDIR: "is a directory",
  ENOTDIR: "is not a folder",
};

/** Why a path could not be read, in words: "does not exist", "cannot be read (EACCES)". */
export function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && FILE_PROBLEMS[code]) ?? `cannot be read (${code})`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
