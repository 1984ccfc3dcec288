import type { ReaderErrors } from "../../drafting/run-reader.js";
import { z } from "zod";
import { AppError, errorOfCode } from "../../errors.js";

/** The plandraft server the CLI talks to, and the token it sends. */
export interface RemoteServer {
  url: string;
  token: string | undefined;
}

export interface RequestOptions {
  json?: unknown;
  accept?: string;
  /** Where to pick an event stream up again (SSE Last-Event-ID). */
  lastEventId?: string | undefined;
  signal?: AbortSignal;
}

/**
 * A thin client of the HTTP API. Every failure comes back as an AppError: the server's own
 * `{ code, message }` (so the CLI's exit code is the code's, as if it had run here), a missing
 * or wrong token with what to set, and a server that cannot be reached as SERVER_UNREACHABLE.
 */
export function createApiClient(server: RemoteServer) {
  const send = async (
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Response> => {
    const headers: Record<string, string> = { accept: options.accept ?? "application/json" };
    if (server.token) headers.authorization = `Bearer ${server.token}`;
    if (options.json !== undefined) headers["content-type"] = "application/json";
    if (options.lastEventId) headers["last-event-id"] = options.lastEventId;
    let response: Response;
    try {
      response = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
      });
    } catch (error) {
      throw options.signal?.aborted ? error : unreachable(server, error);
    }
    if (!response.ok) throw await errorOf(server, response);
    return response;
  };

  return {
    server,
    send,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await send(method, path, body === undefined ? {} : { json: body });
      try {
        return (await response.json()) as T;
      } catch (error) {
        throw new AppError("SERVER_ERROR", `${server.url}${path} did not answer with JSON`, {
          hint: "check that --server (or PLANDRAFT_SERVER) is a plandraft server",
          cause: error,
        });
      }
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The server named by --server (sent with PLANDRAFT_API_TOKEN), else PLANDRAFT_SERVER's, if any. */
export function remoteServerOf(
  config: { remote: RemoteServer | undefined; server: { apiToken: string | undefined } },
  flag: string | undefined,
): RemoteServer | undefined {
  return flag ? { url: flag.replace(/\/+$/, ""), token: config.server.apiToken } : config.remote;
}

/** Connection refused, unknown host, reset: named by the first system error code in the chain. */
export function unreachable(server: RemoteServer, error: unknown): AppError {
  let reason = "";
  let innermost = error;
  for (let e: unknown = error; e instanceof Error && !reason; e = e.cause) {
    innermost = e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code) reason = code;
    else if (e instanceof AggregateError) reason = systemCode(e.errors[0]);
  }
  const detail = reason || (innermost instanceof Error ? innermost.message : String(innermost));
  return new AppError(
    "SERVER_UNREACHABLE",
    `cannot reach the server at ${server.url} (${detail})`,
    {
      hint: "check --server or PLANDRAFT_SERVER, and that `plandraft serve` runs there",
      cause: error,
    },
  );
}

function systemCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "";
}

/** The shape of a plandraft server's error answer; its code is checked by `serverError`. */
const ErrorAnswer = z.object({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/),
  message: z.string(),
});

/**
 * An error a plandraft server reported, by its code. A code this CLI's table does not have (a
 * newer server's) is SERVER_ERROR, with the server's code and words in the message, so a script
 * still sees what the server said and the exit code still comes from the table.
 */
export function serverError(code: string, message: string): AppError {
  return (
    errorOfCode(code, message) ??
    new AppError("SERVER_ERROR", `the server answered ${code}: ${message}`, {
      hint: "use a plandraft CLI of the same version as the server",
    })
  );
}

/** How a reader of a server's event stream says what went wrong. */
export const serverReaderErrors: ReaderErrors = {
  failed: serverError,
  unreadable: (problem) =>
    new AppError("SERVER_ERROR", `the server sent ${problem}`, {
      hint: "use a plandraft CLI of the same version as the server",
    }),
};

async function errorOf(server: RemoteServer, response: Response): Promise<AppError> {
  const status = response.status;
  if (status === 401) {
    return new AppError("UNAUTHORIZED", `the server at ${server.url} needs an API token`, {
      hint: "set PLANDRAFT_API_TOKEN to the token the server was started with",
    });
  }
  if (status === 403) {
    return new AppError(
      "FORBIDDEN",
      server.token
        ? `the server at ${server.url} refused the API token in PLANDRAFT_API_TOKEN`
        : `the server at ${server.url} refused the request, and PLANDRAFT_API_TOKEN is not set`,
      { hint: "set PLANDRAFT_API_TOKEN to the token the server was started with" },
    );
  }
  const text = await response.text().catch(() => "");
  const body = ErrorAnswer.safeParse(parseJson(text));
  if (body.success) return serverError(body.data.code, body.data.message);
  const answered = `${status} ${response.statusText}`.trim();
  // A proxy in front of a server that is down or restarting: the CLI waits for it like for a drop.
  if (status === 502 || status === 503 || status === 504) {
    return new AppError(
      "SERVER_UNREACHABLE",
      `the server at ${server.url} is unavailable (${answered})`,
      {
        hint: "check that `plandraft serve` runs behind the proxy at --server (or PLANDRAFT_SERVER)",
      },
    );
  }
  return new AppError("SERVER_ERROR", `the server at ${server.url} answered ${answered}`, {
    hint: "check that --server (or PLANDRAFT_SERVER) is a plandraft server",
  });
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** An answer checked against the API's schema: a server of another version is named as such. */
export function parseAnswer<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new AppError("SERVER_ERROR", "the server's answer is not what this CLI expects", {
      hint: "use a plandraft CLI of the same version as the server",
      cause: result.error,
    });
  }
  return result.data;
}
