import { hasEnded } from "../store/draft-store.js";
import type { FastifyReply } from "fastify";
import type { Deps } from "../deps.js";
import type { DraftActivity } from "../drafting/runner.js";
import {
  isAfter,
  isTerminal,
  parseId,
  type StreamEvent,
  type StreamPosition,
} from "../events/stream-event.js";

/** The open event streams of a server, so a shutdown can end them and let clients reconnect. */
export type OpenStreams = Set<() => void>;

const POLL_MS = 1000;
/** Tells an EventSource to reconnect after a second when a stream drops (e.g. a restart). */
const RECONNECT_MS = 1000;

/**
 * Sends a draft's events after `after` on an SSE reply, then each new one, and ends the stream
 * after the run's last event (`draft.completed` or `draft.failed`), which tells a client to stop.
 * A draft with nothing more to send answers 204, which also stops a browser's EventSource.
 * A draft run by another process is followed as the bus brings its events (a queue worker's),
 * else by polling the table (the CLI's, on the same database).
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
  let corked = false;
  /**
   * Events that come together (a bus message holds many) leave in one write: the response is
   * corked until the loop's check phase, after the writes queued in this turn have run.
   */
  const cork = () => {
    if (corked) return;
    corked = true;
    reply.raw.cork();
    setImmediate(() => {
      corked = false;
      reply.raw.uncork();
    });
  };
  const send = (event: StreamEvent) => {
    if (ended || !isAfter(event, last)) return;
    cork();
    last = parseId(event.id) ?? last;
    const message = { id: event.id, event: event.type, data: event.data };
    const retry = first ? { retry: RECONNECT_MS } : {};
    first = false;
    writing = writing.then(() => sse.send({ ...message, ...retry }).catch(() => end()));
  };
  /** Events read in one go: the stream is over if the last one ends a run and none waits. */
  const sendBatch = async (events: StreamEvent[]) => {
    events.forEach(send);
    const final = events.at(-1);
    if (final && isTerminal(final) && !(await runs.isQueued(draftId))) end();
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
  await sendBatch(missed);
  if (ended) return;
  let lagging: string | undefined;
  poll = setInterval(() => {
    if (runs.isActive(draftId)) return;
    deps.events
      .saved(draftId, last)
      .then((events) => {
        // Heard from the process running the draft, events come with the deltas between them;
        // the table has the kept ones first. One the bus has not brought by the next poll was
        // lost on the way, and is taken from the table.
        const first = events[0]?.id;
        if (first !== undefined && deps.events.isLive(draftId) && first !== lagging) {
          lagging = first;
          return;
        }
        return sendBatch(events);
      })
      .catch(() => end());
  }, POLL_MS);
  poll.unref();
}

async function isFinished(deps: Deps, draftId: string): Promise<boolean> {
  const draft = await deps.drafts.get(draftId);
  return !draft || hasEnded(draft.status);
}
