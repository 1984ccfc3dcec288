import pg from "pg";

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 500;

type OnPayload = (payload: string | undefined) => void;

export interface Listener {
  /** Hears `channel` from now on (and again after a reconnect). */
  listen(channel: string, onPayload: OnPayload): Promise<void>;
  /**
   * Sends each payload on `channel`, in order, in one round trip on the listening connection: it
   * is never busy, where a pooled one may have to be waited for. Rejects while it reconnects.
   */
  notify(channel: string, payloads: string[]): Promise<void>;
  /** The connection dropped: whatever was sent meanwhile was not heard. */
  onGap(handler: () => void): void;
  close(): Promise<void>;
}

/**
 * One connection per process that hears every channel it is asked to (the events, the workers'
 * commands), and listens again when that connection drops. The events are sent on it too.
 */
export async function openListener(url: string): Promise<Listener> {
  const channels = new Map<string, OnPayload>();
  const gaps: (() => void)[] = [];
  let closed = false;
  let client = await connect();
  let connected = true;

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({ connectionString: url });
    // A failed connect rejects here and is tried again: only a listening connection reports its loss.
    next.on("error", () => undefined);
    await next.connect();
    for (const channel of channels.keys()) await next.query(`LISTEN "${channel}"`);
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      connected = false;
      void next.end().catch(() => undefined);
      again();
    };
    next.on("error", lose);
    next.on("end", lose);
    next.on("notification", (n) => channels.get(n.channel)?.(n.payload));
    return next;
  }
  function again(): void {
    if (closed) return;
    for (const gap of gaps) gap();
    setTimeout(() => {
      if (closed) return;
      connect().then(
        (next) => {
          if (closed) return void next.end();
          client = next;
          connected = true;
        },
        () => again(),
      );
    }, RECONNECT_MS).unref();
  }

  return {
    async listen(channel, onPayload) {
      channels.set(channel, onPayload);
      await client.query(`LISTEN "${channel}"`);
    },
    async notify(channel, payloads) {
      if (!connected) throw new Error("the listening connection is reconnecting");
      // unnest yields the payloads in order, and the notifications go out in that order.
      await client.query("SELECT pg_notify($1, m) FROM unnest($2::text[]) AS m", [
        channel,
        payloads,
      ]);
    },
    onGap: (handler) => void gaps.push(handler),
    async close() {
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * A channel of this deployment: named after its schema, so deployments sharing a database (and
 * tests) do not hear each other.
 */
export function channelOf(kind: string, schema: string): string {
  return `plandraft_${kind}_${schema}`.slice(0, 63);
}
