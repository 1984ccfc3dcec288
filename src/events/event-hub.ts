import { describeError } from "../errors.js";
import type { EventStore, StoredEvent } from "../store/event-store.js";
import {
  formatId,
  isAfter,
  isKept,
  parseId,
  START,
  type StreamEvent,
  type StreamEventType,
  type StreamPosition,
} from "./stream-event.js";

type Listener = (event: StreamEvent) => void;

interface Outgoing {
  event: StreamEvent;
  seq: number;
  kept: boolean;
}

/** One run of a draft in this process: its events so far, and those still being saved. */
interface Run {
  firstSeq: number;
  seq: number;
  delta: number;
  /** Every event of this run already published, deltas included: what a reconnect replays. */
  published: StreamEvent[];
  outbox: Outgoing[];
  writing: boolean;
  error: unknown;
  drained: (() => void)[];
}

export interface RunEvents {
  emit(type: StreamEventType, data: Record<string, unknown>): void;
  /** Waits until every event is saved and published; rejects if saving one failed. */
  close(): Promise<void>;
}

export interface Following {
  /** What the client missed, in order, before the live events that follow. */
  missed: StreamEvent[];
  stop: () => void;
}

/**
 * Numbers, saves and fans out the events of the drafts this process runs. A kept event is
 * published only once it is saved, and the events behind it wait for it, so a client never sees
 * an event that a restart could lose and renumber. Deltas are published at once.
 */
export function createEventHub(store: EventStore) {
  const runs = new Map<string, Run>();
  const listeners = new Map<string, Set<Listener>>();

  const publish = (draftId: string, run: Run, event: StreamEvent) => {
    run.published.push(event);
    for (const listener of listeners.get(draftId) ?? []) listener(event);
  };

  const pump = (draftId: string, run: Run): void => {
    while (run.outbox.length > 0 && !run.writing) {
      const next = run.outbox[0] as Outgoing;
      if (next.kept && run.error === undefined) {
        next.kept = false;
        run.writing = true;
        const { type, data } = next.event;
        store
          .append(draftId, { seq: next.seq, type, data })
          .catch((error: unknown) => {
            run.error ??= error;
          })
          .finally(() => {
            run.writing = false;
            pump(draftId, run);
          });
        return;
      }
      run.outbox.shift();
      publish(draftId, run, next.event);
    }
    if (run.outbox.length === 0 && !run.writing) for (const done of run.drained.splice(0)) done();
  };

  return {
    /** Starts a run's events, numbered after those the draft already has. */
    async open(draftId: string): Promise<RunEvents> {
      const last = await store.lastSeq(draftId);
      const run: Run = {
        firstSeq: last + 1,
        seq: last,
        delta: 0,
        published: [],
        outbox: [],
        writing: false,
        error: undefined,
        drained: [],
      };
      runs.set(draftId, run);
      return {
        emit(type, data) {
          const kept = isKept(type);
          if (kept) {
            run.seq += 1;
            run.delta = 0;
          } else run.delta += 1;
          const id = formatId({ seq: run.seq, delta: kept ? 0 : run.delta });
          run.outbox.push({ event: { id, type, data }, seq: run.seq, kept });
          pump(draftId, run);
        },
        async close() {
          await new Promise<void>((resolve) => {
            run.drained.push(resolve);
            pump(draftId, run);
          });
          if (runs.get(draftId) === run) runs.delete(draftId);
          if (run.error !== undefined) {
            throw run.error instanceof Error ? run.error : new Error(describeError(run.error));
          }
        },
      };
    },

    /** The saved events after `after`: how a draft run by another process is followed. */
    async saved(draftId: string, after: StreamPosition): Promise<StreamEvent[]> {
      return (await store.between(draftId, after.seq)).map(toStreamEvent);
    },

    /** The saved events without their markdown, to tell where each section stands. */
    outline(draftId: string): Promise<StoredEvent[]> {
      return store.outline(draftId);
    },

    /** Whether this process is running the draft now. */
    isLive(draftId: string): boolean {
      return runs.has(draftId);
    },

    /**
     * Everything after `after` and then each new event as it comes. The listener is in place
     * before the saved events are read, so nothing published meanwhile falls between the two.
     */
    async follow(draftId: string, after: StreamPosition, listener: Listener): Promise<Following> {
      const early: StreamEvent[] = [];
      let ready = false;
      const own: Listener = (event) => (ready ? listener(event) : early.push(event));
      const set = listeners.get(draftId) ?? new Set();
      set.add(own);
      listeners.set(draftId, set);
      const stop = () => {
        set.delete(own);
        if (set.size === 0 && listeners.get(draftId) === set) listeners.delete(draftId);
      };
      try {
        const missed = await missedEvents(draftId, after);
        const last = missed.at(-1);
        const seen = last ? (parseId(last.id) ?? START) : after;
        for (const event of early) if (isAfter(event, seen)) missed.push(event);
        ready = true;
        return { missed, stop };
      } catch (error) {
        stop();
        throw error;
      }
    },
  };

  /** Saved events from before this run, then the run's published ones (deltas included). */
  async function missedEvents(draftId: string, after: StreamPosition): Promise<StreamEvent[]> {
    for (;;) {
      const run = runs.get(draftId);
      const fromRun = run && after.seq >= run.firstSeq - 1;
      const saved = fromRun ? [] : await store.between(draftId, after.seq, run?.firstSeq);
      // A run that opened or closed while reading changes where the saved part ends: read again.
      if (runs.get(draftId) !== run) continue;
      const events = saved.map(toStreamEvent);
      if (run) events.push(...run.published.filter((event) => isAfter(event, after)));
      return coalesceDeltas(events);
    }
  }
}

function toStreamEvent(row: StoredEvent): StreamEvent {
  return {
    id: formatId({ seq: row.seq, delta: 0 }),
    type: row.type as StreamEventType,
    data: row.data as Record<string, unknown>,
  };
}

/**
 * A section in progress comes back as its text so far: back-to-back deltas of one section are
 * joined under the id of the last, so a replay is short and ids still only grow.
 */
function coalesceDeltas(events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const event of events) {
    const prev = out.at(-1);
    if (
      prev?.type === "section.delta" &&
      event.type === "section.delta" &&
      prev.data.section === event.data.section
    ) {
      out[out.length - 1] = {
        id: event.id,
        type: event.type,
        data: { ...prev.data, text: `${String(prev.data.text)}${String(event.data.text)}` },
      };
    } else out.push(event);
  }
  return out;
}

export type EventHub = ReturnType<typeof createEventHub>;
