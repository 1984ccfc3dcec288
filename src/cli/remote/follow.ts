import { setTimeout as sleep } from "node:timers/promises";
import { AppError, isAppError } from "../../errors.js";
import { isTerminal, type StreamEvent } from "../../events/stream-event.js";
import type { ApiClient } from "./client.js";
import { readEvents } from "./sse.js";

/** How long a dropped stream is retried (a server restarting) before the CLI gives up. */
const RECONNECT_MS = 30_000;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2_000;

export interface FollowOptions {
  draftId: string;
  /** A stream already open (the POST that started the draft): read first. */
  first?: Response | undefined;
  /** The id of the last event already seen: the stream starts after it. */
  after?: string | undefined;
  /**
   * The server accepted a run that may not have started yet: while the draft has nothing new
   * (204), ask again until this many ms have passed (Infinity for a queued run). Default 0.
   */
  waitForStartMs?: number;
  onEvent(event: StreamEvent): void;
  /** Told once per drop, when the stream broke before the run's last event. */
  onReconnect?(): void;
}

/**
 * Reads a draft's event stream until the server ends it after a run's last event, and returns
 * that event. A stream that drops first (a server restart) is picked up again with
 * Last-Event-ID, so no event is lost or repeated; a server that stays away for 30 s is an error.
 */
export async function followRun(client: ApiClient, options: FollowOptions): Promise<StreamEvent> {
  const { draftId } = options;
  const waitingSince = Date.now();
  let lastId = options.after;
  let last: StreamEvent | undefined;
  let response = options.first;
  let droppedAt: number | undefined;
  let delay = FIRST_DELAY_MS;
  for (;;) {
    let received = 0;
    let broke = false;
    try {
      response ??= await client.send("GET", `/v1/drafts/${draftId}/events`, {
        accept: "text/event-stream",
        lastEventId: lastId,
      });
      if (response.status === 204) {
        if (last && isTerminal(last)) return last;
        if (!last && Date.now() - waitingSince < (options.waitForStartMs ?? 0)) {
          response = undefined;
          await sleep(delay);
          delay = Math.min(delay * 2, MAX_DELAY_MS);
          continue;
        }
        throw new AppError(
          "SERVER_ERROR",
          `draft ${draftId} stopped on the server without a last event`,
          { hint: `see where it stands with \`plandraft show ${draftId} --json\`` },
        );
      }
      for await (const event of readEvents(response)) {
        received += 1;
        lastId = event.id;
        last = event;
        droppedAt = undefined;
        delay = FIRST_DELAY_MS;
        options.onEvent(event);
      }
    } catch (error) {
      if (!isDrop(error)) throw error;
      broke = true;
    }
    response = undefined;
    if (last && isTerminal(last)) return last;
    // A stream that ended at once with nothing in it is a draft with nothing new yet: ask again.
    const quiet = !broke && received === 0;
    if (droppedAt === undefined) {
      droppedAt = Date.now();
      if (!quiet) options.onReconnect?.();
    } else if (Date.now() - droppedAt > Math.max(RECONNECT_MS, options.waitForStartMs ?? 0)) {
      throw new AppError(
        "SERVER_UNREACHABLE",
        `lost the events of draft ${draftId}: ${client.server.url} did not come back within ${RECONNECT_MS / 1000} s`,
        {
          hint: `the draft may go on on the server; follow it with \`plandraft resume ${draftId}\``,
        },
      );
    }
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

/**
 * A broken connection or a proxy that cannot reach the server (SERVER_UNREACHABLE), or a server
 * that answers it cannot serve for now (503: stopping, or its database is away).
 */
function isDrop(error: unknown): boolean {
  if (!isAppError(error)) return false;
  return error.code === "SERVER_UNREACHABLE" || error.status === 503;
}
