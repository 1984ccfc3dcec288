import type { Gate } from "./review-form.js";
/** The API as the page uses it: JSON in and out, the session's token, errors with their code. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = "plandraft.token";

/** Kept for this browser tab only (sessionStorage), never in the URL or localStorage. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  setToken: (value: string): void => sessionStorage.setItem(TOKEN_KEY, value.trim()),
  clearToken: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export async function request(
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? "GET",
      headers: {
        ...authHeaders(),
        ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
        ...init.headers,
      },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      // A form sets its own content type, with the multipart boundary.
      ...(init.form ? { body: init.form } : {}),
    });
  } catch {
    throw new ApiError(0, "OFFLINE", "The server cannot be reached. Check your connection.");
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as {
    code?: string;
    message?: string;
  } | null;
  return new ApiError(
    response.status,
    body?.code ?? "HTTP_" + String(response.status),
    body?.message ?? `The server answered ${response.status}.`,
  );
}

export interface DraftDetail {
  id: string;
  title: string;
  status:
    "queued" | "running" | "awaiting_review" | "completed" | "failed" | "cancelled" | "interrupted";
  model: string;
  createdAt: string;
  versions: number;
  usage: Record<string, number> | null;
  error: { code: string; message: string } | null;
  sections: { id: string; title: string; state: string; code?: string; message?: string }[];
  /** What the review gate asks, while the draft waits there. */
  review: Gate | null;
}
