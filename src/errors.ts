import type { z } from "zod";
import { ERROR_CODES, ErrorCodeSchema, type ErrorCode } from "./error-codes.js";

export type { ErrorCode } from "./error-codes.js";

export interface AppErrorOptions {
  hint?: string;
  cause?: unknown;
  /** For a 429 or 503: when to try again, in seconds (sent as Retry-After). */
  retryAfterS?: number;
  /** Headers the answer must carry, e.g. `www-authenticate` on a 401. */
  headers?: Record<string, string>;
}

/**
 * One error type for the whole app. The code is a stable string a script can match on; the
 * message names the problem; the hint names the fix. The CLI prints `code: message (hint)`,
 * the server answers with its `status`; both the status and the CLI's exit code come from the
 * code's row in ERROR_CODES.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly status: number;
  readonly exitCode: number;
  readonly retryAfterS: number | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.hint = options.hint;
    this.status = ERROR_CODES[code].status;
    this.exitCode = ERROR_CODES[code].exit;
    this.retryAfterS = options.retryAfterS;
    this.headers = options.headers;
  }

  /** `code: message (hint)`, one line, as the CLI prints it. */
  toLine(): string {
    return `${this.code}: ${this.message}${this.hint ? ` (${this.hint})` : ""}`;
  }
}

/**
 * The error a code reported from elsewhere (a server's answer, a saved event) stands for, when
 * the code is in our table; undefined when it is not, for the caller to say whose it is.
 */
export function errorOfCode(code: string, message: string): AppError | undefined {
  const known = ErrorCodeSchema.safeParse(code);
  return known.success ? new AppError(known.data, message) : undefined;
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

/**
 * What a schema found wrong, on one line: each problem with the field it is in
 * (`answers.q1: Too small`), `whole` naming the value itself when the problem is there.
 */
export function schemaProblems(error: z.ZodError, whole: string, limit = Infinity): string {
  return error.issues
    .slice(0, limit)
    .map((issue) => `${issue.path.join(".") || whole}: ${issue.message}`)
    .join("; ");
}
