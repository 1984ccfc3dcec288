// The event bus between processes, on one Postgres: two buses with a listening connection each,
// as two processes of a cluster have.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventBus } from "../../src/events/bus.js";
import type { StreamEvent } from "../../src/events/stream-event.js";
import { openEventBus } from "../../src/drafting/queue/event-bus.js";
import { openListener, type Listener } from "../../src/drafting/queue/listen.js";
import { testDatabaseUrl } from "../support/store.js";

const url = testDatabaseUrl();

const delta = (n: number, text = `word ${n} `): StreamEvent => ({
  id: `1.${n}`,
  type: "section.delta",
  data: { section: "summary", text },
});

describe.skipIf(!url)("the event bus between processes", () => {
  const schema = `t_bus_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let listeners: Listener[] = [];
  let sender: EventBus;
  let receiver: EventBus;
  const heard: [string, StreamEvent][] = [];
  const heardBySender: StreamEvent[] = [];

  beforeAll(async () => {
    listeners = [await openListener(url!), await openListener(url!)];
    sender = await openEventBus(listeners[0]!, schema);
    receiver = await openEventBus(listeners[1]!, schema);
    sender.onEvent((_, event) => heardBySender.push(event));
    receiver.onEvent((draft, event) => heard.push([draft, event]));
  });
  afterAll(async () => {
    await Promise.all([sender.close(), receiver.close()]);
    await Promise.all(listeners.map((listener) => listener.close()));
  });

  const until = async (done: () => boolean) => {
    while (!done()) await new Promise((resolve) => setImmediate(resolve));
  };

  it("delivers a burst in order, big events in pieces and identical ones twice", async () => {
    const big = delta(0, "é ".repeat(9_000)); // far over one notification's 8000 bytes
    const sent: StreamEvent[] = [];
    for (let n = 1; n <= 2_000; n += 1) {
      const event = n % 500 === 0 ? { ...big, id: `1.${n}` } : delta(n);
      sent.push(event);
      sender.publish(n % 2 === 0 ? "draft-a" : "draft-b", event);
    }
    // The same big event twice: Postgres folds identical payloads of one transaction into one.
    sender.publish("draft-a", big);
    sender.publish("draft-a", big);
    sent.push(big, big);

    await until(() => heard.length >= sent.length);
    expect(heard.map(([, event]) => event)).toEqual(sent);
    expect(heard.slice(0, 4).map(([draft]) => draft)).toEqual([
      "draft-b",
      "draft-a",
      "draft-b",
      "draft-a",
    ]);
    expect(heardBySender).toEqual([]);
  });

  it("lets a process that only runs drafts send without listening", async () => {
    const own = await openListener(url!);
    const worker = await openEventBus(own, schema, { hear: false });
    const heardByWorker: StreamEvent[] = [];
    worker.onEvent((_, event) => heardByWorker.push(event));
    try {
      const before = heard.length;
      worker.publish("draft-w", delta(5_001));
      await until(() => heard.length > before);
      sender.publish("draft-a", delta(5_002));
      await until(() => heard.length > before + 1);
      expect(heard.slice(before).map(([draft, event]) => [draft, event.id])).toEqual([
        ["draft-w", "1.5001"],
        ["draft-a", "1.5002"],
      ]);
      expect(heardByWorker).toEqual([]);
    } finally {
      await worker.close();
      await own.close();
    }
  });
});
