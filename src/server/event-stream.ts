import type { FastifyReply } from "fastify";
import type { Deps } from "../deps.js";
import {
  isAfter,
  isTerminal,
  parseId,
  type StreamEvent,
  type StreamPosition,
} from "../events/stream-event.js";

/** What this server is doing with a draft: its events are still to come when it is active. */
export interface DraftActivity {
  /** Running here now, or waiting here for its turn. */
  isActive(draftId: string): boolean;
  /** Waiting here for its turn (a new draft, or a revision of a finished one). */
  isQueued(draftId: string): boolean;
}

/** The open event streams of a server, so a shutdown can end them and let clients reconnect. */
export type OpenStreams = Set<() => void>;

const POLL_MS = 1000;
/** Tells an EventSource to reconnect after a second when a stream drops (e.g. a restart). */
const RECONNECT_MS = 1000;

/**
 * Sends a draft's events after `after` on an SSE reply, then each new one, and ends the stream
 * after the run's last event (`draft.completed` or `draft.failed`), which tells a client to stop.
 * A draft with nothing more to send answers 204, which also stops a browser's EventSource.
 * A draft drafted by another process (the CLI, on the same database) is followed by polling.
 */
export async function streamDraftEvents(
  deps: Deps,
  draftId: string,
  after: StreamPosition,
  reply: FastifyReply,
  open: OpenStreams,
  runs: DraftActivity,
): Promise<void> {
  const sse = reply.sse;
  let last = after;
  let ended = false;
  let writing = Promise.resolve();
  let poll: NodeJS.Timeout | undefined = undefined;
  let stopFollowing = () => {};
  let first = true;

  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(poll);
    stopFollowing();
    open.delete(end);
    void writing.then(() => sse.close());
  };
  const send = (event: StreamEvent) => {
    if (ended || !isAfter(event, last)) return;
    last = parseId(event.id) ?? last;
    const message = { id: event.id, event: event.type, data: event.data };
    const retry = first ? { retry: RECONNECT_MS } : {};
    first = false;
    writing = writing.then(() => sse.send({ ...message, ...retry }).catch(() => end()));
  };
  /** Events read in one go: the stream is over if the last one ends a run and none waits. */
  const sendBatch = (events: StreamEvent[]) => {
    events.forEach(send);
    const final = events.at(-1);
    if (final && isTerminal(final) && !runs.isQueued(draftId)) end();
  };
  const onLive = (event: StreamEvent) => {
    send(event);
    if (isTerminal(event)) end();
  };

  const { missed, stop } = await deps.events.follow(draftId, after, onLive);
  stopFollowing = stop;
  if (missed.length === 0 && !runs.isActive(draftId) && (await isFinished(deps, draftId))) {
    stop();
    await reply.code(204).send();
    return;
  }
  sse.keepAlive();
  // Headers go out now: with nothing to send yet, a handler that returns would otherwise answer
  // an empty 200 instead of an open stream.
  sse.sendHeaders();
  open.add(end);
  sse.onClose(end);
  sendBatch(missed);
  if (ended) return;
  poll = setInterval(() => {
    if (runs.isActive(draftId)) return;
    deps.events
      .saved(draftId, last)
      .then(sendBatch)
      .catch(() => end());
  }, POLL_MS);
  poll.unref();
}

async function isFinished(deps: Deps, draftId: string): Promise<boolean> {
  const draft = await deps.drafts.get(draftId);
  return !draft || ["completed", "failed", "cancelled"].includes(draft.status);
}
