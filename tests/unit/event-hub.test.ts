import { describe, expect, it } from "vitest";
import { createEventHub } from "../../src/events/event-hub.js";
import type { StreamEvent } from "../../src/events/stream-event.js";
import type { EventStore, StoredEvent } from "../../src/store/event-store.js";

/** A draft with no sections: the hub reads nothing of it but its type. */
const STARTED = { id: "d", title: "Draft", sections: [], resumed: false, revision: null };

/** A store whose saves finish only when the test says so. */
function slowStore() {
  const rows: StoredEvent[] = [];
  const batches: number[][] = [];
  const pending: (() => void)[] = [];
  const store: EventStore = {
    append: (_draftId, events) =>
      new Promise<void>((resolve) => {
        batches.push(events.map((e) => e.seq));
        pending.push(() => {
          rows.push(...events);
          resolve();
        });
      }),
    between: (_draftId, after, before) =>
      Promise.resolve(
        rows.filter((r) => r.seq > after && (before === undefined || r.seq < before)),
      ),
    outline: () => Promise.resolve(rows),
    lastSeq: () => Promise.resolve(rows.at(-1)?.seq ?? 0),
  };
  /** Lets the oldest save finish, and the hub react to it. */
  const saveOne = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { store, rows, batches, saveOne };
}

const ids = (events: StreamEvent[]) => events.map((e) => `${e.id} ${e.type}`);

describe("the event hub", () => {
  it("publishes a kept event once saved, and holds back only the deltas of its own section", async () => {
    const { store, saveOne } = slowStore();
    const hub = createEventHub(store);
    const seen: StreamEvent[] = [];
    await hub.follow("d", { seq: 0, delta: 0 }, (e) => seen.push(e));
    const run = await hub.open("d");

    run.emit("draft.started", STARTED);
    run.emit("section.delta", { section: "a", text: "too early" }); // waits for the draft's start
    expect(seen).toEqual([]);
    await saveOne();
    run.emit("section.started", { section: "b" });
    await saveOne();
    run.emit("section.started", { section: "a" }); // its save is slow
    run.emit("section.delta", { section: "b", text: "B1" }); // not held back by a's save
    run.emit("section.delta", { section: "a", text: "A1" }); // held back until a has started
    expect(ids(seen)).toEqual([
      "1 draft.started",
      "1.1 section.delta",
      "2 section.started",
      "2.1 section.delta",
    ]);
    await saveOne();
    expect(ids(seen).slice(4)).toEqual(["3 section.started", "3.1 section.delta"]);
    expect(seen.at(-1)?.data.text).toBe("A1");
    const closed = run.close();
    await saveOne();
    await closed;
  });

  it("saves the kept events that pile up during a save in one batch", async () => {
    const { store, batches, rows, saveOne } = slowStore();
    const hub = createEventHub(store);
    const run = await hub.open("d");
    run.emit("draft.started", STARTED);
    for (const section of ["a", "b", "c"]) run.emit("section.started", { section });
    await saveOne();
    await saveOne();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    const closed = run.close();
    await closed;
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it("gives a client that comes back mid-run what it missed, a section's deltas joined", async () => {
    const { store, saveOne } = slowStore();
    const hub = createEventHub(store);
    const run = await hub.open("d");
    run.emit("draft.started", STARTED);
    await saveOne();
    run.emit("section.started", { section: "a" });
    await saveOne();
    for (const text of ["one ", "two ", "three"]) run.emit("section.delta", { section: "a", text });
    const late = await hub.follow("d", { seq: 2, delta: 1 }, () => undefined);
    expect(late.missed.map((e) => [e.id, e.data.text])).toEqual([["2.3", "two three"]]);
    const fresh = await hub.follow("d", { seq: 0, delta: 0 }, () => undefined);
    expect(ids(fresh.missed)).toEqual([
      "1 draft.started",
      "2 section.started",
      "2.3 section.delta",
    ]);
    late.stop();
    fresh.stop();
    await run.close();
  });
});
