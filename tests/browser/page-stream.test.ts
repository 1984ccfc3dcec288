// The page's stream reader, run in Node against a scripted response: no browser needed.
import { afterEach, describe, expect, it, vi } from "vitest";
import { followDraft, type StreamEvent } from "../../web/src/stream.js";

const sse = (id: number, type: string, data: object) =>
  `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;

/** A response whose body arrives in these chunks, each read on its own (a pull each). */
function chunked(chunks: string[]): Response {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

describe("the page's event stream", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("reads a draft's history to its end when a response is cut between two runs", async () => {
    vi.stubGlobal("sessionStorage", { getItem: () => null });
    // The first run ended at a gate; the second drafted on. The cut falls between them.
    const firstRun = sse(1, "draft.started", { id: "d" }) + sse(2, "review.requested", {});
    const secondRun = sse(3, "draft.started", { id: "d" }) + sse(4, "draft.completed", {});
    const fetched = vi.fn(() => Promise.resolve(chunked([firstRun, secondRun])));
    vi.stubGlobal("fetch", fetched);

    const seen: StreamEvent[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      followDraft("d", {
        onEvent: (event) => seen.push(event),
        onConnection: (state) => {
          if (state === "ended") resolve();
        },
        onError: reject,
      });
    });
    await ended;
    expect(seen.map((e) => e.type)).toEqual([
      "draft.started",
      "review.requested",
      "draft.started",
      "draft.completed",
    ]);
    expect(fetched).toHaveBeenCalledTimes(1);
  });
});
