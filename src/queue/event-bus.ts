import { randomUUID } from "node:crypto";
import pg from "pg";
import type { BusEvent, EventBus } from "../events/bus.js";
import type { StreamEvent } from "../events/stream-event.js";
import { channelOf, listenTo } from "./listen.js";
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
 * and passes it to its clients. Notifications of one session arrive in the order sent, so one
 * connection sends them all, one batch at a time.
 */
export async function openEventBus(url: string, schema: string): Promise<EventBus> {
  const channel = channelOf("events", schema);
  const node = randomUUID();
  let sender = await connectSender(url);
  const listeners: ((draftId: string, event: StreamEvent) => void)[] = [];
  const gaps: (() => void)[] = [];
  const pending: BusEvent[] = [];
  let sending = false;
  let closed = false;

  const send = async (message: Message) => {
    await sender.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(message)]);
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
      // stream's poll). The next event goes out on a new connection.
      pending.length = 0;
      void sender.end().catch(() => undefined);
      sender = await connectSender(url).catch(() => sender);
    } finally {
      sending = false;
    }
  };

  const parts: ChunkParts = new Map();
  const deliver = (text: string | undefined) => {
    const message = parseMessage(text);
    if (!message || message.n === node) return;
    const events = message.c ? [joinChunks(parts, message.n, message.c)] : (message.e ?? []);
    for (const item of events) {
      if (!item) continue;
      for (const listener of listeners) listener(item[0], item[1]);
    }
  };

  const receiver = await listenTo(url, channel, deliver, () => {
    for (const gap of gaps) gap();
  });

  return {
    publish(draftId, event) {
      if (closed) return;
      pending.push([draftId, event]);
      void flush();
    },
    onEvent: (listener) => void listeners.push(listener),
    onGap: (listener) => void gaps.push(listener),
    async close() {
      closed = true;
      await Promise.allSettled([sender.end(), receiver.close()]);
    },
  };
}

async function connectSender(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined); // a send on a dead connection fails, and says so there
  await client.connect();
  return client;
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
