import pg from "pg";

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 500;

type OnPayload = (payload: string | undefined) => void;

export interface Listener {
  /** Hears `channel` from now on (and again after a reconnect). */
  listen(channel: string, onPayload: OnPayload): Promise<void>;
  /** The connection dropped: whatever was sent meanwhile was not heard. */
  onGap(handler: () => void): void;
  close(): Promise<void>;
}

/**
 * One connection per process that hears every channel it is asked to (the events, the workers'
 * commands), and listens again when that connection drops. Notifying needs no connection of its
 * own: any pooled one will do.
 */
export async function openListener(url: string): Promise<Listener> {
  const channels = new Map<string, OnPayload>();
  const gaps: (() => void)[] = [];
  let closed = false;
  let client = await connect();

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
        (next) => (closed ? void next.end() : (client = next)),
        () => again(),
      );
    }, RECONNECT_MS).unref();
  }

  return {
    async listen(channel, onPayload) {
      channels.set(channel, onPayload);
      await client.query(`LISTEN "${channel}"`);
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
