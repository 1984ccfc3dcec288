import type { z } from "zod";
import type { DraftSummary } from "../../drafting/drafts.js";
import { AppError } from "../../errors.js";
import { DraftList, DraftSummary as DraftSummaryBody } from "../../server/schemas.js";
import { parseAnswer, type ApiClient } from "./client.js";

/** A draft as the API describes it: its summary and its links. */
export type RemoteDraft = z.infer<typeof DraftSummaryBody>;

/** The most drafts the API gives in one page. */
export const PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A draft by its id or, as for local drafts, a unique start of it (4 characters or more). The
 * API only takes whole ids, so a start is looked up in the list of drafts, page by page.
 */
export async function findRemoteDraft(client: ApiClient, idOrPrefix: string): Promise<RemoteDraft> {
  const id = idOrPrefix.trim().toLowerCase();
  if (UUID.test(id))
    return parseAnswer(DraftSummaryBody, await client.json("GET", `/v1/drafts/${id}`));
  const found: RemoteDraft[] = [];
  if (/^[0-9a-f-]{4,35}$/.test(id)) {
    for await (const page of pages(client, PAGE)) {
      found.push(...page.filter((d) => d.id.startsWith(id)));
      if (found.length > 1) break;
    }
  }
  if (found.length === 1 && found[0]) return found[0];
  throw new AppError(
    "DRAFT_NOT_FOUND",
    found.length > 1 ? `more than one draft starts with ${idOrPrefix}` : `no draft ${idOrPrefix}`,
    {
      hint:
        found.length > 1
          ? "give more of the id"
          : "list the drafts on the server with `plandraft list`",
    },
  );
}

/** The server's drafts, newest first, a page of at most `limit` at a time. */
export async function* pages(client: ApiClient, limit: number): AsyncGenerator<RemoteDraft[]> {
  let next: string | null = `/v1/drafts?limit=${limit}`;
  while (next) {
    const page: z.infer<typeof DraftList> = parseAnswer(DraftList, await client.json("GET", next));
    yield page.drafts;
    next = page.next;
  }
}

export function withoutLinks({ links: _links, ...draft }: RemoteDraft): DraftSummary {
  return draft;
}
