import { describeError } from "../errors.js";
import type { EventStore, StoredEvent } from "../store/event-store.js";
import type { EventBus } from "./bus.js";
import {
  formatId,
  isAfter,
  isKept,
  isTerminal,
  parseId,
  START,
  type StreamEvent,
  type StreamEventType,
  type StreamPosition,
} from "./stream-event.js";
import type { StreamEventPayload } from "./contract.js";

type Listener = (event: StreamEvent) => void;

/** A kept event on its way: numbered at once, published once saved. */
interface Unpublished {
  seq: number;
  type: StreamEventType;
  data: Record<string, unknown>;
  /** The section it is about; none for draft.* events, which every delta waits for. */
  section: string | undefined;
  saved: boolean;
}

/** A delta that must wait for an earlier kept event about its section (e.g. its start). */
interface HeldDelta {
  after: number;
  data: Record<string, unknown>;
}

/** One run of a draft in this process: its events so far, and those still being saved. */
interface Run {
  /** Who runs it: its events are saved only while the draft is still theirs. */
  owner: string | undefined;
  firstSeq: number;
  /** The last number given to a kept event, and the last one published. */
  seq: number;
  publishedSeq: number;
  /** Deltas published since the last kept event: the `k` of their ids. */
  delta: number;
  /** Every event of this run already published, deltas included: what a reconnect replays. */
  published: StreamEvent[];
  unpublished: Unpublished[];
  held: HeldDelta[];
  writing: boolean;
  error: unknown;
  drained: (() => void)[];
}

export interface RunEvents {
  /** Typed by the contract, so a run can only write what clients can read. */
  emit(...[type, data]: StreamEventPayload): void;
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
 * published only once it is saved, so a client never sees an event that a restart could lose and
 * renumber; kept events go out in order, saved in batches. A delta goes out at once unless a kept
 * event about its own section (or the draft) is still being saved: then it waits for that one
 * only, so one section's save never holds back another section's text. Ids are given as events
 * are published, so they only ever grow on the wire.
 */
export function createEventHub(store: EventStore) {
  const runs = new Map<string, Run>();
  const listeners = new Map<string, Set<Listener>>();
  /** Drafts another process runs, as heard on the bus: what they published since we heard. */
  const heard = new Map<string, StreamEvent[]>();
  let bus: EventBus | undefined;

  const fanOut = (draftId: string, event: StreamEvent) => {
    for (const listener of listeners.get(draftId) ?? []) listener(event);
  };
  const publish = (draftId: string, run: Run, event: StreamEvent) => {
    run.published.push(event);
    fanOut(draftId, event);
    bus?.publish(draftId, event);
  };

  /** An event of a draft another process runs: kept for replay until its run ends. */
  const hear = (draftId: string, event: StreamEvent) => {
    if (runs.has(draftId)) return;
    // A new run (a resume, a revision) starts afresh: what an earlier run left is in the table.
    const events = event.type === "draft.started" ? [] : (heard.get(draftId) ?? []);
    heard.delete(draftId); // re-inserted last: the map's first entry is the longest unheard
    events.push(event);
    if (isTerminal(event)) heard.delete(draftId);
    else heard.set(draftId, events);
    if (heard.size > HEARD_DRAFTS) heard.delete(heard.keys().next().value as string);
    fanOut(draftId, event);
  };

  const publishDelta = (draftId: string, run: Run, data: Record<string, unknown>) => {
    run.delta += 1;
    const id = formatId({ seq: run.publishedSeq, delta: run.delta });
    publish(draftId, run, { id, type: "section.delta", data });
  };

  /** Publishes the saved kept events at the front, each followed by the deltas it held back. */
  const release = (draftId: string, run: Run) => {
    while (run.unpublished[0]?.saved) {
      const next = run.unpublished.shift() as Unpublished;
      run.publishedSeq = next.seq;
      run.delta = 0;
      publish(draftId, run, {
        id: formatId({ seq: next.seq, delta: 0 }),
        type: next.type,
        data: next.data,
      });
      const ready = run.held.filter((held) => held.after <= next.seq);
      if (ready.length > 0) {
        run.held = run.held.filter((held) => held.after > next.seq);
        for (const held of ready) publishDelta(draftId, run, held.data);
      }
    }
    if (run.unpublished.length === 0 && !run.writing) {
      for (const done of run.drained.splice(0)) done();
    }
  };

  /** Saves every kept event not yet saved in one statement, then the next batch, and so on. */
  const write = (draftId: string, run: Run): void => {
    if (run.writing) return;
    const batch = run.unpublished.filter((e) => !e.saved);
    if (batch.length === 0) return release(draftId, run);
    if (run.error !== undefined) {
      // Saving already failed (the run ends with that error): the live stream still goes on.
      for (const event of batch) event.saved = true;
      return release(draftId, run);
    }
    run.writing = true;
    store
      .append(
        draftId,
        batch.map(({ seq, type, data }) => ({ seq, type, data })),
        run.owner,
      )
      .catch((error: unknown) => {
        run.error ??= error;
      })
      .finally(() => {
        run.writing = false;
        for (const event of batch) event.saved = true;
        release(draftId, run);
        write(draftId, run);
      });
  };

  /** The kept event a delta of `section` must follow, if one is still unpublished. */
  const blockerOf = (run: Run, section: unknown): Unpublished | undefined =>
    run.unpublished.findLast((e) => e.section === undefined || e.section === section);

  return {
    /** Starts a run's events, numbered after those the draft already has. */
    async open(draftId: string, owner?: string): Promise<RunEvents> {
      const last = await store.lastSeq(draftId);
      const run: Run = {
        owner,
        firstSeq: last + 1,
        seq: last,
        publishedSeq: last,
        delta: 0,
        published: [],
        unpublished: [],
        held: [],
        writing: false,
        error: undefined,
        drained: [],
      };
      runs.set(draftId, run);
      return {
        // Stored and replayed as plain JSON: the hub reads no more of it than `section`.
        emit(type: StreamEventType, data: Record<string, unknown>) {
          if (!isKept(type)) {
            // A section's held deltas share its blocker, so its text stays in order.
            const blocker = blockerOf(run, data.section);
            if (blocker) run.held.push({ after: blocker.seq, data });
            else publishDelta(draftId, run, data);
            return;
          }
          run.seq += 1;
          const section = typeof data.section === "string" ? data.section : undefined;
          run.unpublished.push({ seq: run.seq, type, data, section, saved: false });
          write(draftId, run);
        },
        async close() {
          await new Promise<void>((resolve) => {
            run.drained.push(resolve);
            write(draftId, run);
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

    /**
     * Whether the draft's events reach this process as they happen: it runs the draft, or hears
     * the process that does on the bus.
     */
    isLive(draftId: string): boolean {
      return runs.has(draftId) || heard.has(draftId);
    },

    /**
     * Shares this process's events with the other processes of the database, and passes theirs
     * to this process's followers. A gap in hearing (a dropped connection) forgets what was
     * heard: followers then read the kept events from the table.
     */
    connect(eventBus: EventBus): void {
      bus = eventBus;
      eventBus.onEvent(hear);
      eventBus.onGap(() => heard.clear());
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
      if (!run) return coalesceDeltas(withHeard(events, heard.get(draftId) ?? [], after));
      events.push(...run.published.filter((event) => isAfter(event, after)));
      return coalesceDeltas(events);
    }
  }
}

/** Drafts whose heard events are kept at most: a run whose process died never sends its end. */
const HEARD_DRAFTS = 1000;

/**
 * The table's events with what was heard of another process's run after `after`: a kept event
 * is saved before it is sent, so the table has every kept one heard, and the heard deltas go in
 * their place by id.
 */
function withHeard(saved: StreamEvent[], heard: StreamEvent[], after: StreamPosition) {
  const savedIds = new Set(saved.map((event) => event.id));
  const extra = heard.filter((event) => isAfter(event, after) && !savedIds.has(event.id));
  return [...saved, ...extra].sort(byPosition);
}

function byPosition(a: StreamEvent, b: StreamEvent): number {
  const [x, y] = [parseId(a.id) ?? START, parseId(b.id) ?? START];
  return x.seq - y.seq || x.delta - y.delta;
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
