import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { followPartialArgs } from "../../src/drafters/llm/partial-args.js";

/** What a watcher saw, copied at each show: the parser grows one value in place. */
function watch() {
  const seen: unknown[] = [];
  const args = followPartialArgs((value) => seen.push(structuredClone(value)));
  return { args, seen };
}

describe("a tool call's arguments while they stream", () => {
  it("shows the value parsed so far once per turn, growing to the whole value", async () => {
    const { args, seen } = watch();
    const json = JSON.stringify({ summary: "Two words", items: ["a", "b"], done: true });
    for (let i = 0; i < json.length; i += 5) {
      args.push(json.slice(i, i + 5));
      await nextTurn();
      await nextTurn();
    }
    expect(seen.at(-1)).toEqual(JSON.parse(json));
    expect(seen.length).toBeGreaterThan(4);
    // Text only ever grows: each value shown is a step towards the next.
    expect(seen).toContainEqual({ summary: "Two" });
  });

  it("shows chunks that arrive in the same turn together, once", async () => {
    const { args, seen } = watch();
    args.push('{"a": "one');
    args.push(" two");
    args.push(' three"');
    await nextTurn();
    await nextTurn();
    expect(seen).toEqual([{ a: "one two three" }]);
  });

  it("stops showing at text that is not JSON, and after the reply ends", async () => {
    const broken = watch();
    broken.args.push('{"a": "x"');
    await nextTurn();
    await nextTurn();
    broken.args.push("}}} not json");
    broken.args.push(', "b": "y"}');
    await nextTurn();
    await nextTurn();
    expect(broken.seen).toEqual([{ a: "x" }]);

    const ended = watch();
    ended.args.push('{"a": "x"');
    ended.args.end();
    await nextTurn();
    await nextTurn();
    expect(ended.seen).toEqual([]);
  });
});
