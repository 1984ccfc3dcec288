import { hasEnded } from "../../store/draft-store.js";
import { z } from "zod";
import { ReviewGate } from "../../events/contract.js";
import { basename } from "node:path";
import type { DraftRun, Drafts, RunWatch } from "../../drafting/drafts.js";
import { AppError, isAppError } from "../../errors.js";
import { createRunReader } from "../../drafting/run-reader.js";
import { DraftAccepted, ServerConfig } from "../../server/schemas.js";
import { loadTemplate } from "../../template/load.js";
import type { WorkspaceOptions } from "../../workspace/load.js";
import type { CliIo } from "../cli-io.js";
import { parseAnswer, serverReaderErrors, type ApiClient } from "./client.js";
import { findRemoteDraft, PAGE, pages, withoutLinks, type RemoteDraft } from "./find-draft.js";
import { followRun, type FollowOptions } from "./follow.js";
import { readEvents } from "./sse.js";

/** How long an accepted revision may take to start when the server said it runs at once. */
const START_WAIT_MS = 30_000;
/** A finished draft's saved events come in one go; this long without one means they are all in. */
const REPLAY_IDLE_MS = 1_000;

/**
 * The drafts on a plandraft server, over its HTTP API. What can be checked here is checked here
 * (the same errors as locally); the rest is the server's, whose error codes come back as ours.
 * `io` is for what the user should know while a run is followed: a lost connection, a queue.
 */
export function createHttpDrafts(client: ApiClient, io: Pick<CliIo, "stderr">): Drafts {
  /** Follows a run to its last event, which gives its result. */
  const follow = (
    watch: RunWatch,
    options: Omit<FollowOptions, "onEvent" | "onReconnect">,
  ): DraftRun => {
    const reader = createRunReader(watch.onEvent, serverReaderErrors);
    const done = followRun(client, {
      ...options,
      onEvent: reader.onStreamEvent,
      onReconnect: () =>
        io.stderr.write(`plandraft: lost the connection to ${client.server.url}; reconnecting…\n`),
    }).then(reader.resultOf);
    return { id: options.draftId, done };
  };

  return {
    /** The doc and a template file are read here; a --template-id is the server's to check. */
    async submit(draft, watch) {
      refuseWorkspace(draft.workspace);
      const template = draft.template ? (await loadTemplate(draft.template)).source : undefined;
      const feature = await draft.readFeature();
      const response = await client.send("POST", "/v1/drafts", {
        accept: "text/event-stream",
        json: {
          feature: feature.text,
          // The title the doc gives locally (which may come from its file name).
          title: feature.name,
          // The plan links to the doc by its file name, as a local draft does.
          ...(draft.featurePath === "-" ? {} : { source: basename(draft.featurePath) }),
          ...(template !== undefined ? { template } : {}),
          ...(draft.templateId !== undefined ? { templateId: draft.templateId } : {}),
          ...(draft.model !== undefined ? { model: draft.model } : {}),
          ...(draft.review ? { review: true } : {}),
        },
      });
      // The server answers with the stream; should it answer 202 instead, the stream is a GET away.
      const isStream = response.headers.get("content-type")?.startsWith("text/event-stream");
      if (!isStream) await response.body?.cancel();
      return follow(watch, {
        draftId: idOf(response.headers.get("location")),
        first: isStream ? response : undefined,
      });
    },

    /**
     * The API has no resume: a server resumes its own drafts when it restarts. So a draft still
     * running (or queued) is followed to its end; any other is refused.
     */
    async resume(idOrPrefix, workspace, watch) {
      refuseWorkspace(workspace);
      const draft = await findRemoteDraft(client, idOrPrefix);
      if (draft.status !== "running" && draft.status !== "queued") throw notResumable(draft);
      return follow(watch, { draftId: draft.id });
    },

    /**
     * The events after the draft's last one are this revision's: that id is read first, then
     * the revision is posted and its run followed from there.
     */
    async revise(idOrPrefix, change, workspace, watch) {
      refuseWorkspace(workspace);
      const draft = await findRemoteDraft(client, idOrPrefix);
      const finished = hasEnded(draft.status);
      const after = finished ? await lastEventId(client, draft.id) : undefined;
      const accepted = parseAnswer(
        DraftAccepted,
        await client.json("POST", `/v1/drafts/${draft.id}/revisions`, change),
      );
      const queued = accepted.status === "queued";
      if (queued)
        io.stderr.write("plandraft: the server is busy; the revision waits for its turn\n");
      return follow(watch, {
        draftId: draft.id,
        after,
        waitForStartMs: queued ? Infinity : START_WAIT_MS,
      });
    },

    /** The events after the gate's are the answer's run: as for a revision. */
    async review(idOrPrefix, answer, workspace, watch) {
      refuseWorkspace(workspace);
      const draft = await findRemoteDraft(client, idOrPrefix);
      const after = await lastEventId(client, draft.id);
      const accepted = parseAnswer(
        DraftAccepted,
        await client.json("POST", `/v1/drafts/${draft.id}/review`, answer),
      );
      const queued = accepted.status === "queued";
      if (queued) io.stderr.write("plandraft: the server is busy; the draft waits for its turn\n");
      return follow(watch, {
        draftId: draft.id,
        after,
        waitForStartMs: queued ? Infinity : START_WAIT_MS,
      });
    },

    /** The gate as GET /v1/drafts/:id shows it while the draft waits there. */
    async gate(idOrPrefix) {
      const draft = await findRemoteDraft(client, idOrPrefix);
      const detail = parseAnswer(
        z.object({ review: ReviewGate.nullable() }),
        await client.json("GET", `/v1/drafts/${draft.id}`),
      );
      if (!detail.review) {
        throw new AppError(
          "DRAFT_NOT_AWAITING_REVIEW",
          `draft ${draft.id} is ${draft.status}: it is not waiting at the review gate`,
          { hint: "only a draft started with --review stops at the gate" },
        );
      }
      return { id: draft.id, gate: detail.review };
    },

    /**
     * The draft's stream from its start: the server replays what it has sent and ends the stream
     * after the run's last event. A queued draft is waited for until it starts.
     */
    async events(idOrPrefix, watch) {
      const draft = await findRemoteDraft(client, idOrPrefix);
      if (draft.status === "interrupted") {
        throw new AppError(
          "DRAFT_NOT_RUNNING",
          `draft ${draft.id} was interrupted: the server that ran it stopped, and it resumes the draft when it starts again`,
          { hint: `watch it again then, or run \`plandraft resume ${draft.id}\` on its database` },
        );
      }
      return follow(watch, {
        draftId: draft.id,
        waitForStartMs: draft.status === "queued" ? Infinity : 0,
      });
    },

    /** The server answers once the draft has stopped, wherever it ran. */
    async cancel(idOrPrefix) {
      const draft = await findRemoteDraft(client, idOrPrefix);
      await client.json("POST", `/v1/drafts/${draft.id}/cancel`);
      return draft.id;
    },

    /** The server refuses a draft that is running. */
    async remove(idOrPrefix) {
      const draft = await findRemoteDraft(client, idOrPrefix);
      await client.send("DELETE", `/v1/drafts/${draft.id}`);
      return draft.id;
    },

    /** The version comes as its number and markdown. */
    async get(idOrPrefix, version) {
      const draft = await findRemoteDraft(client, idOrPrefix);
      const query = version !== undefined ? `?version=${version}` : "";
      try {
        const response = await client.send("GET", `${draft.links.plan}${query}`, {
          accept: "text/markdown",
        });
        const markdown = await response.text();
        const number = Number(response.headers.get("x-plan-version"));
        return {
          draft: withoutLinks(draft),
          plan: { version: number || (version ?? draft.versions), markdown },
        };
      } catch (error) {
        // No plan yet, or no such version: `show` says so the same way as for a local draft.
        const missing =
          isAppError(error) &&
          (error.code === "PLAN_NOT_READY" || error.code === "VERSION_NOT_FOUND");
        if (!missing) throw error;
        return { draft: withoutLinks(draft), plan: undefined };
      }
    },

    async list(limit) {
      const drafts: RemoteDraft[] = [];
      for await (const page of pages(client, Math.min(limit, PAGE))) {
        drafts.push(...page);
        if (drafts.length >= limit) break;
      }
      return drafts.slice(0, limit).map(withoutLinks);
    },

    /** The ones the server offers (GET /v1/config). */
    async templates() {
      // `workspace` is newer than `templates`: a server from before it still lists its templates.
      const answer = ServerConfig.partial({ workspace: true });
      const offered = parseAnswer(answer, await client.json("GET", "/v1/config"));
      return offered.templates.map(({ id, title }) => ({ id, title }));
    },

    async close() {
      // Each request is its own; nothing is held between them.
    },
  };
}

/** A workspace is read where the draft runs: a server reads its own (PLANDRAFT_WORKSPACE). */
function refuseWorkspace(options: WorkspaceOptions): void {
  if ((options.repo?.length ?? 0) > 0 || (options.context?.length ?? 0) > 0 || options.workspace) {
    throw new AppError(
      "USAGE",
      "--repo, --context and --workspace are read where the draft runs, not sent to a server",
      { hint: "draft locally, or set PLANDRAFT_WORKSPACE on the server" },
    );
  }
}

function notResumable(draft: RemoteDraft): AppError {
  if (draft.status === "interrupted") {
    return new AppError(
      "DRAFT_NOT_RESUMABLE",
      `draft ${draft.id} was interrupted: the server that ran it stopped, and it resumes the draft when it starts again`,
      {
        hint: `or run \`plandraft resume ${draft.id}\` without --server, on the server's database`,
      },
    );
  }
  return new AppError(
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
