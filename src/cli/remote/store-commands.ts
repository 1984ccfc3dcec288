import type { z } from "zod";
import { AppError, isAppError } from "../../errors.js";
import { DraftList, DraftSummary as DraftSummaryBody } from "../../server/schemas.js";
import type { CliIo } from "../cli-io.js";
import { checkOutputTarget } from "../output-target.js";
import { writeDraftList, writeRemoved, writeShown, type DraftSummary } from "../store-commands.js";
import { parseAnswer, type ApiClient } from "./client.js";

type RemoteDraft = z.infer<typeof DraftSummaryBody>;

/** The most drafts the API gives in one page. */
const PAGE = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `plandraft list` against a server: the same table (or JSON) as for local drafts. */
export async function remoteList(
  client: ApiClient,
  options: { json?: boolean; limit: number },
  io: CliIo,
): Promise<number> {
  const drafts: RemoteDraft[] = [];
  for await (const page of pages(client, Math.min(options.limit, PAGE))) {
    drafts.push(...page);
    if (drafts.length >= options.limit) break;
  }
  return writeDraftList(io, drafts.slice(0, options.limit).map(withoutLinks), options);
}

/** `plandraft show` against a server; with --json, the version is its number and markdown. */
export async function remoteShow(
  client: ApiClient,
  id: string,
  options: { version?: number; output?: string; json?: boolean },
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  const draft = await findRemoteDraft(client, id);
  const query = options.version !== undefined ? `?version=${options.version}` : "";
  let version: { version: number; markdown: string } | undefined;
  try {
    const response = await client.send("GET", `${draft.links.plan}${query}`, {
      accept: "text/markdown",
    });
    const markdown = await response.text();
    const number = Number(response.headers.get("x-plan-version"));
    version = { version: number || (options.version ?? draft.versions), markdown };
  } catch (error) {
    // No plan yet, or no such version: `show` says so the same way as for a local draft.
    const missing =
      isAppError(error) && (error.code === "PLAN_NOT_READY" || error.code === "VERSION_NOT_FOUND");
    if (!missing) throw error;
  }
  return writeShown(io, withoutLinks(draft), version, options);
}

/** `plandraft rm` against a server (which refuses a draft that is running). */
export async function remoteRemove(client: ApiClient, id: string, io: CliIo): Promise<number> {
  const draft = await findRemoteDraft(client, id);
  await client.send("DELETE", `/v1/drafts/${draft.id}`);
  return writeRemoved(io, draft.id);
}

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

async function* pages(client: ApiClient, limit: number): AsyncGenerator<RemoteDraft[]> {
  let next: string | null = `/v1/drafts?limit=${limit}`;
  while (next) {
    const page: z.infer<typeof DraftList> = parseAnswer(DraftList, await client.json("GET", next));
    yield page.drafts;
    next = page.next;
  }
}

function withoutLinks({ links: _links, ...draft }: RemoteDraft): DraftSummary {
  return draft;
}
