import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { BusEvent, EventBus } from "../../events/bus.js";
import type { StreamEvent } from "../../events/stream-event.js";
import { channelOf, type Listener } from "./listen.js";
import { chunkItem, joinChunks, type Chunk, type ChunkParts } from "./notify-chunks.js";

/**
 * A Postgres NOTIFY carries at most 8000 bytes: events are sent in messages under this size, and
 * an event bigger than it alone goes in consecutive pieces.
 */
const MESSAGE_BYTES = 7000;

/** Messages sent in one round trip at most: enough for a burst, small enough to stay prompt. */
const MESSAGES_PER_SEND = 64;

/**
 * The least time between the starts of two sends. Each send is a round trip and a write that
 * costs the sender a system call: under load, sending as soon as the last send returned went
 * out thousands of times a second with an event or two each (a tenth of a busy worker's CPU).
 * Spaced, a send carries what a few milliseconds gathered, for that much more delay.
 */
const SEND_SPACING_MS = 5;

interface Message {
  /** The process that sent it: a process hears its own notifications and skips them. */
  n: string;
  /** Its number among the sender's messages. */
  s: number;
  e?: BusEvent[];
  c?: Chunk;
}

/**
 * Draft events between the processes of one database, over LISTEN/NOTIFY: the process running a
 * draft publishes each event as it goes out to its own clients, and every API process hears it
 * and passes it to its clients.
 *
 * Events wait while a send is on its way (and until SEND_SPACING_MS after the last one started),
 * then all go in the next one: under load a round trip carries hundreds of events in a few
 * messages, sent together in one statement on the listening connection (which no pool
 * contention can hold up), so they are heard in the order sent. Each event is written as JSON
 * once. A process that only runs drafts (a worker) sends and does not listen.
 */
export async function openEventBus(
  listener: Listener,
  schema: string,
  { hear = true }: { hear?: boolean } = {},
): Promise<EventBus> {
  const channel = channelOf("events", schema);
  const node = randomUUID();
  const ownPrefix = `{"n":${JSON.stringify(node)}`;
  const listeners: ((draftId: string, event: StreamEvent) => void)[] = [];
  /** Pending events, each as its JSON. */
  const pending: string[] = [];
  let sending = false;
  let closed = false;
  let sent = 0;
  let lastSend = -Infinity;
  // Numbered: Postgres delivers identical payloads sent in one transaction only once.
  const start = (kind: "e" | "c") => `${ownPrefix},"s":${(sent += 1)},"${kind}":`;

  const flush = async () => {
    if (sending) return;
    sending = true;
    try {
      while (pending.length > 0 && !closed) {
        const wait = lastSend + SEND_SPACING_MS - performance.now();
        if (wait > 0) await delay(wait);
        lastSend = performance.now();
        await listener.notify(channel, takeMessages(pending, start));
      }
    } catch {
      // Lost on the way (the connection dropped): followers elsewhere take the kept events from
      // the table (the SSE stream's poll).
      pending.length = 0;
    } finally {
      sending = false;
    }
  };

  const parts: ChunkParts = new Map();
  // A process that only sends (a worker has no clients) does not listen: Postgres would deliver
  // it every message of the channel, its own included, to read and skip.
  if (hear)
    await listener.listen(channel, (text) => {
      if (!text || text.startsWith(ownPrefix)) return;
      const message = parseMessage(text);
      if (!message) return;
      const events = message.c ? [joinChunks(parts, message.n, message.c)] : (message.e ?? []);
      for (const item of events) {
        if (!item) continue;
        for (const hear of listeners) hear(item[0], item[1]);
      }
    });

  return {
    publish(draftId, event) {
      if (closed) return;
      pending.push(JSON.stringify([draftId, event]));
      void flush();
    },
    onEvent: (hear) => void listeners.push(hear),
    onGap: (handler) => listener.onGap(handler),
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

/**
 * The messages for the events at the front of `pending` (taken from it): as many events per
 * message as fit, an event too big for one alone in pieces, at most MESSAGES_PER_SEND messages.
 */
function takeMessages(pending: string[], start: (kind: "e" | "c") => string): string[] {
  const messages: string[] = [];
  const room = MESSAGE_BYTES - start("e").length - 16;
  let batch: string[] = [];
  let bytes = 0;
  const close = () => {
    if (batch.length > 0) messages.push(`${start("e")}[${batch.join(",")}]}`);
    batch = [];
    bytes = 0;
  };
  let taken = 0;
  for (; taken < pending.length && messages.length < MESSAGES_PER_SEND; taken += 1) {
    const item = pending[taken] as string;
    const size = Buffer.byteLength(item) + 1;
    if (size > room) {
      close();
      for (const c of chunkItem(item)) messages.push(`${start("c")}${JSON.stringify(c)}}`);
    } else {
      if (bytes + size > room) close();
      batch.push(item);
      bytes += size;
    }
  }
  pending.splice(0, taken);
  close();
  return messages;
}

function parseMessage(text: string): Message | undefined {
  try {
    const message = JSON.parse(text) as Message;
    return typeof message.n === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
