import { parse } from "jsonriver";

export interface PartialArgs {
  /** The next piece of the arguments' JSON text, as the model streams it. */
  push(text: string): void;
  /** The reply is over: nothing more is shown, even a partial already scheduled. */
  end(): void;
}

/**
 * Follows a tool call's arguments as their JSON streams in, and shows the value parsed so far at
 * most once per turn of the event loop (chunks that arrive together are shown together).
 *
 * jsonriver reads each piece once and grows the value in place, so a chunk costs its own length,
 * not the length of everything before it: re-parsing the whole text per chunk made a long
 * section's stream cost grow with the square of its size.
 */
export function followPartialArgs(show: (args: unknown) => void): PartialArgs {
  const pieces: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let latest: unknown;
  let scheduled = false;

  async function* text(): AsyncGenerator<string> {
    for (;;) {
      while (pieces.length > 0) yield pieces.shift() as string;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  const showLatest = () => {
    scheduled = false;
    if (!ended && latest !== undefined && latest !== null) show(latest);
  };

  void (async () => {
    try {
      for await (const value of parse(text())) {
        latest = value;
        if (!scheduled) {
          scheduled = true;
          setImmediate(showLatest);
        }
      }
    } catch {
      // Arguments that are not JSON only stop the preview here: the whole reply is parsed again
      // when it ends, and that parse reports the problem and asks the model for a repair.
      ended = true;
    }
  })();

  const poke = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  return {
    push(piece) {
      if (ended) return;
      pieces.push(piece);
      poke();
    },
    end() {
      ended = true;
      poke();
    },
  };
}
