import { basename } from "node:path";
import type { Config } from "../../config.js";
import { AppError } from "../../errors.js";
import { readFeature } from "../../feature/read-feature.js";
import { DraftAccepted } from "../../server/schemas.js";
import { revisionOf } from "../draft-command.js";
import { checkOutputTarget } from "../output-target.js";
import { loadTemplate } from "../../template/load.js";
import type { CliIo } from "../cli-io.js";
import type { DraftOptions } from "../draft-options.js";
import { drawResult } from "../result.js";
import { parseAnswer, type ApiClient } from "./client.js";
import { followRun } from "./follow.js";
import { createRunReader } from "./run-events.js";
import { findRemoteDraft } from "./store-commands.js";
import { readEvents } from "./sse.js";

/** How long an accepted revision may take to start when the server said it runs at once. */
const START_WAIT_MS = 30_000;
/** A finished draft's saved events come in one go; this long without one means they are all in. */
const REPLAY_IDLE_MS = 1_000;

type Output = Pick<DraftOptions, "output" | "json">;

/**
 * `plandraft draft` on a server: the doc and template are read and checked here (the same
 * errors as locally; a --template-id is the server's to check), then one POST starts the draft
 * and answers with its event stream.
 */
export async function remoteDraft(
  config: Config,
  client: ApiClient,
  featurePath: string,
  options: DraftOptions,
  io: CliIo,
): Promise<number> {
  const template = options.template ? (await loadTemplate(options.template)).source : undefined;
  const feature = await readFeature(featurePath, config.maxFeatureBytes, io.stdin);
  if (options.output) await checkOutputTarget(options.output);
  return drawResult(io, options, async (onEvent) => {
    const reader = createRunReader(onEvent);
    const response = await client.send("POST", "/v1/drafts", {
      accept: "text/event-stream",
      json: {
        feature: feature.text,
        // The title the doc gives locally (which may come from its file name).
        title: feature.name,
        // The plan links to the doc by its file name, as a local draft does.
        ...(featurePath === "-" ? {} : { source: basename(featurePath) }),
        ...(template !== undefined ? { template } : {}),
        ...(options.templateId !== undefined ? { templateId: options.templateId } : {}),
        ...(options.model !== undefined ? { model: options.model } : {}),
      },
    });
    // The server answers with the stream; should it answer 202 instead, the stream is a GET away.
    const isStream = response.headers.get("content-type")?.startsWith("text/event-stream");
    if (!isStream) await response.body?.cancel();
    const end = await followRun(client, {
      draftId: idOf(response.headers.get("location")),
      first: isStream ? response : undefined,
      onEvent: reader.onStreamEvent,
      onReconnect: () => reconnecting(io, client),
    });
    return reader.resultOf(end);
  });
}

/**
 * `plandraft revise` on a server. The events after the draft's last one are this revision's:
 * that id is read first, then the revision is posted and its run followed from there.
 */
export async function remoteRevise(
  client: ApiClient,
  id: string,
  options: Output & { section: string; feedback: string; cascade?: boolean },
  io: CliIo,
): Promise<number> {
  const change = revisionOf(options);
  if (options.output) await checkOutputTarget(options.output);
  const draft = await findRemoteDraft(client, id);
  const finished = ["completed", "failed", "cancelled"].includes(draft.status);
  const after = finished ? await lastEventId(client, draft.id) : undefined;
  return drawResult(io, options, async (onEvent) => {
    const accepted = parseAnswer(
      DraftAccepted,
      await client.json("POST", `/v1/drafts/${draft.id}/revisions`, change),
    );
    if (accepted.status === "queued") {
      io.stderr.write("plandraft: the server is busy; the revision waits for its turn\n");
    }
    const reader = createRunReader(onEvent);
    const end = await followRun(client, {
      draftId: draft.id,
      after,
      waitForStartMs: accepted.status === "queued" ? Infinity : START_WAIT_MS,
      onEvent: reader.onStreamEvent,
      onReconnect: () => reconnecting(io, client),
    });
    return reader.resultOf(end);
  });
}

/**
 * `plandraft resume` on a server. The API has no resume: a server resumes its own drafts when
 * it restarts. So a draft still running (or queued) is followed to its end; any other is refused.
 */
export async function remoteResume(
  client: ApiClient,
  id: string,
  options: Output,
  io: CliIo,
): Promise<number> {
  if (options.output) await checkOutputTarget(options.output);
  const draft = await findRemoteDraft(client, id);
  if (draft.status === "interrupted") {
    throw new AppError(
      "DRAFT_NOT_RESUMABLE",
      `draft ${draft.id} was interrupted: the server that ran it stopped, and it resumes the draft when it starts again`,
      {
        hint: `or run \`plandraft resume ${draft.id}\` without --server, on the server's database`,
      },
    );
  }
  if (draft.status !== "running" && draft.status !== "queued") {
    throw new AppError(
      "DRAFT_NOT_RESUMABLE",
      `draft ${draft.id} is ${draft.status}: there is nothing to resume on the server`,
      {
        hint:
          draft.status === "failed"
            ? "re-draft its failed sections with `plandraft revise`"
            : draft.status === "cancelled"
              ? `run \`plandraft resume ${draft.id}\` without --server, on the server's database`
              : "show it with `plandraft show`",
      },
    );
  }
  return drawResult(io, options, async (onEvent) => {
    const reader = createRunReader(onEvent);
    const end = await followRun(client, {
      draftId: draft.id,
      onEvent: reader.onStreamEvent,
      onReconnect: () => reconnecting(io, client),
    });
    return reader.resultOf(end);
  });
}

/** The id of a finished draft's last event (undefined when it has none). */
async function lastEventId(client: ApiClient, draftId: string): Promise<string | undefined> {
  const controller = new AbortController();
  const response = await client.send("GET", `/v1/drafts/${draftId}/events`, {
    accept: "text/event-stream",
    signal: controller.signal,
  });
  if (response.status === 204) return undefined;
  let last: string | undefined;
  // A finished draft's stream ends after its last event; should it stay open, stop when idle.
  let idle = setTimeout(() => controller.abort(), REPLAY_IDLE_MS * 5);
  try {
    for await (const event of readEvents(response)) {
      last = event.id;
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), REPLAY_IDLE_MS);
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(idle);
  }
  return last;
}

function idOf(location: string | null): string {
  const id = /\/v1\/drafts\/([0-9a-f-]{36})$/.exec(location ?? "")?.[1];
  if (!id) throw new AppError("SERVER_ERROR", "the server did not say where the new draft is");
  return id;
}

function reconnecting(io: CliIo, client: ApiClient): void {
  io.stderr.write(`plandraft: lost the connection to ${client.server.url}; reconnecting…\n`);
}
