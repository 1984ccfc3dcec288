import { createParser } from "eventsource-parser";
import type { StreamEventBody } from "../../src/events/contract.js";
import { authHeaders } from "./api.js";

/** An event as the server's contract describes it, with its id for Last-Event-ID. */
export type StreamEvent = StreamEventBody & { id: string };

export interface Following {
  stop(): void;
}

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Follows a draft's events with fetch (so the token can go in a header, which EventSource
 * cannot send). After a dropped connection it reconnects with Last-Event-ID: nothing is lost
 * or doubled. It stops after the run's last event, or when the server has nothing more (204).
 */
export function followDraft(
  draftId: string,
  handlers: {
    onEvent: (event: StreamEvent) => void;
    onConnection: (state: "live" | "reconnecting" | "ended") => void;
    onError: (error: Error) => void;
  },
  after?: string,
): Following {
  const controller = new AbortController();
  let lastId = after;
  let attempt = 0;

  const connect = async (): Promise<void> => {
    const response = await fetch(`/v1/drafts/${draftId}/events`, {
      headers: {
        accept: "text/event-stream",
        ...authHeaders(),
        ...(lastId ? { "last-event-id": lastId } : {}),
      },
      signal: controller.signal,
    });
    if (response.status === 204) return handlers.onConnection("ended");
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      throw Object.assign(new Error(body?.message ?? `The server answered ${response.status}.`), {
        fatal: response.status < 500,
      });
    }
    handlers.onConnection("live");
    attempt = 0;
    // Whether the last event so far ends a run. The server ends the response after the last
    // event it has; a draft's history can hold several runs (a gate, a revision), so an
    // earlier run's end is not the stream's: what counts is the event the response ends on.
    let ended = false;
    const parser = createParser({
      onEvent(message) {
        if (!message.event) return;
        lastId = message.id ?? lastId;
        // Taken as the contract says, unchecked: the page does not carry zod, and the server
        // that serves the page writes only what the contract allows (tests hold it to that).
        const data: unknown = JSON.parse(message.data);
        const event = { id: message.id ?? "", type: message.event, data } as StreamEvent;
        handlers.onEvent(event);
        ended =
          event.type === "draft.completed" ||
          event.type === "draft.failed" ||
          event.type === "review.requested";
      },
    });
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
    if (ended) return handlers.onConnection("ended");
    throw new Error("the stream dropped");
  };

  const run = async (): Promise<void> => {
    for (;;) {
      try {
        return await connect();
      } catch (error) {
        if (controller.signal.aborted) return;
        if ((error as { fatal?: boolean }).fatal) return handlers.onError(error as Error);
        handlers.onConnection("reconnecting");
        const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)] ?? 8000;
        attempt += 1;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
  void run();
  return { stop: () => controller.abort() };
}
