import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { oneATurn } from "../../src/drafters/llm/one-a-turn.js";

/** Turns the event loop until `done` or `turns` run out. */
async function turnUntil(done: () => boolean, turns = 100): Promise<void> {
  for (let turn = 0; turn < turns && !done(); turn += 1) await nextTurn();
}

describe("work done ahead, one item a turn", () => {
  it("does every item in order, none before the call returns", async () => {
    const done: number[] = [];
    oneATurn([1, 2, 3], (item) => done.push(item));
    expect(done).toEqual([]);
    await turnUntil(() => done.length === 3);
    expect(done).toEqual([1, 2, 3]);
  });

  it("lets what waits on the event loop run between two items", async () => {
    const order: string[] = [];
    let waiting: Promise<void> | undefined;
    const busy = (item: string) => {
      // The first item starts something that waits (a request sent, its reply due at once).
      waiting ??= new Promise((resolve) => setTimeout(() => resolve(void order.push("reply")), 0));
      const until = Date.now() + 5;
      while (Date.now() < until);
      order.push(item);
    };
    oneATurn(["a", "b", "c"], busy);
    await turnUntil(() => order.length === 4);
    await waiting;
    expect(order).toEqual(["a", "reply", "b", "c"]);
  });

  it("stops at an item that throws, and throws nothing itself", async () => {
    const done: string[] = [];
    oneATurn(["a", "bad", "c"], (item) => {
      if (item === "bad") throw new Error("no schema");
      done.push(item);
    });
    await turnUntil(() => false, 10);
    expect(done).toEqual(["a"]);
  });
});
