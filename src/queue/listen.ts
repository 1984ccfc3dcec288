import pg from "pg";

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 500;

export interface Listening {
  close(): Promise<void>;
}

/**
 * Hears a Postgres channel on a connection of its own, and listens again when that connection
 * drops; `onGap` says so, since whatever was sent meanwhile was not heard.
 */
export async function listenTo(
  url: string,
  channel: string,
  onPayload: (payload: string | undefined) => void,
  onGap: () => void = () => undefined,
): Promise<Listening> {
  let closed = false;
  let client: pg.Client;
  const again = () => {
    if (closed) return;
    onGap();
    setTimeout(() => {
      if (closed) return;
      connect(url, channel, onPayload, again).then(
        (next) => (closed ? void next.end() : (client = next)),
        () => again(),
      );
    }, RECONNECT_MS).unref();
  };
  client = await connect(url, channel, onPayload, again);
  return {
    async close() {
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}

async function connect(
  url: string,
  channel: string,
  onPayload: (payload: string | undefined) => void,
  onLost: () => void,
): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  // A failed connect rejects here, and the caller tries again: only a connection that was
  // listening reports its loss.
  client.on("error", () => undefined);
  await client.connect();
  await client.query(`LISTEN "${channel}"`);
  let lost = false;
  const lose = () => {
    if (lost) return;
    lost = true;
    void client.end().catch(() => undefined);
    onLost();
  };
  client.on("error", lose);
  client.on("end", lose);
  client.on("notification", (n) => onPayload(n.payload));
  return client;
}

/** A channel of this deployment: named after its schema, so deployments sharing a database (and tests) do not hear each other. */
export function channelOf(kind: string, schema: string): string {
  return `plandraft_${kind}_${schema}`.slice(0, 63);
}
