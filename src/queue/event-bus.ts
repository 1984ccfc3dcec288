import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { BusEvent, EventBus } from "../events/bus.js";
import type { StreamEvent } from "../events/stream-event.js";
import { channelOf, type Listener } from "./listen.js";
import { chunkItem, joinChunks, type Chunk, type ChunkParts } from "./notify-chunks.js";

/**
 * A Postgres NOTIFY carries at most 8000 bytes: events are sent in batches under this size, and
 * an event bigger than it alone goes in consecutive pieces.
 */
const BATCH_BYTES = 7000;

interface Message {
  /** The process that sent it: a process hears its own notifications and skips them. */
  n: string;
  e?: BusEvent[];
  c?: Chunk;
}

/**
 * Draft events between the processes of one database, over LISTEN/NOTIFY: the process running a
 * draft publishes each event as it goes out to its own clients, and every API process hears it
 * and passes it to its clients. Each notification is sent once the one before it has committed,
 * so they are heard in the order sent, whichever pooled connection sends them.
 */
export async function openEventBus(
  pool: pg.Pool,
  listener: Listener,
  schema: string,
): Promise<EventBus> {
  const channel = channelOf("events", schema);
  const node = randomUUID();
  const listeners: ((draftId: string, event: StreamEvent) => void)[] = [];
  const pending: BusEvent[] = [];
  let sending = false;
  let closed = false;

  const send = async (message: Message) => {
    await pool.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(message)]);
  };
  const flush = async () => {
    if (sending) return;
    sending = true;
    try {
      while (pending.length > 0 && !closed) {
        const batch = takeBatch(pending);
        if (batch.length === 1 && sizeOf(batch) > BATCH_BYTES) {
          for (const c of chunkItem(batch[0] as BusEvent)) await send({ n: node, c });
        } else await send({ n: node, e: batch });
      }
    } catch {
      // Lost on the way: followers elsewhere take the kept events from the table (the SSE
      // stream's poll).
      pending.length = 0;
    } finally {
      sending = false;
    }
  };

  const parts: ChunkParts = new Map();
  await listener.listen(channel, (text) => {
    const message = parseMessage(text);
    if (!message || message.n === node) return;
    const events = message.c ? [joinChunks(parts, message.n, message.c)] : (message.e ?? []);
    for (const item of events) {
      if (!item) continue;
      for (const hear of listeners) hear(item[0], item[1]);
    }
  });

  return {
    publish(draftId, event) {
      if (closed) return;
      pending.push([draftId, event]);
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

/** As many pending events from the front as fit one notification; always at least one. */
function takeBatch(pending: BusEvent[]): BusEvent[] {
  const batch: BusEvent[] = [pending.shift() as BusEvent];
  let bytes = sizeOf(batch);
  while (pending.length > 0) {
    const next = sizeOf([pending[0] as BusEvent]);
    if (bytes + next > BATCH_BYTES) break;
    batch.push(pending.shift() as BusEvent);
    bytes += next;
  }
  return batch;
}

function sizeOf(events: BusEvent[]): number {
  return Buffer.byteLength(JSON.stringify(events)) + 64;
}

function parseMessage(text: string | undefined): Message | undefined {
  try {
    const message = JSON.parse(text ?? "") as Message;
    return typeof message.n === "string" ? message : undefined;
  } catch {
    return undefined;
  }
}
