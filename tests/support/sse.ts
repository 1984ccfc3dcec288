// SSE clients for the API tests: the `eventsource` package (what a browser does) and a raw
// fetch reader that stops where a test says, to reconnect from there.
import { EventSource } from "eventsource";
import { createParser } from "eventsource-parser";
import { STREAM_EVENT_TYPES } from "../../src/events/stream-event.js";

export interface Received {
  id: string;
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read event payloads freely
  data: any;
}

/** A run's last event: it ended the draft, or stopped it at the review gate. */
const isTerminal = (event: Received) =>
  event.type === "draft.completed" ||
  event.type === "draft.failed" ||
  event.type === "review.requested";

/**
 * Follows a stream with a real EventSource until a run's last event, then closes it (as the API
 * asks clients to). Reconnects on its own after a dropped connection, with Last-Event-ID.
 */
export function watchEvents(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): { events: Received[]; done: Promise<Received[]>; source: EventSource } {
  const events: Received[] = [];
  const source = new EventSource(url, {
    fetch: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
  });
  const done = new Promise<Received[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      source.close();
      reject(new Error(`no terminal event within ${timeoutMs} ms; got ${events.length} events`));
    }, timeoutMs);
    for (const type of STREAM_EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        const event = { id: message.lastEventId, type, data: JSON.parse(message.data) as unknown };
        events.push(event);
        if (isTerminal(event)) {
          clearTimeout(timer);
          source.close();
          resolve(events);
        }
      });
    }
  });
  return { events, done, source };
}

/** Posts a feature doc to a server (JSON) and follows its draft's events to the last one. */
export async function draftEvents(
  base: string,
  feature: string,
): Promise<{ id: string; events: Received[] }> {
  const posted = await fetch(`${base}/v1/drafts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ feature }),
  });
  const { id } = (await posted.json()) as { id: string };
  return { id, events: await watchEvents(`${base}/v1/drafts/${id}/events`).done };
}

/** Reads a stream with fetch until `stop` says so (or it ends), then drops the connection. */
export async function readEvents(
  url: string,
  options: {
    headers?: Record<string, string>;
    method?: string;
    body?: string;
    stop?: (event: Received, all: Received[]) => boolean;
    onComment?: (comment: string) => void;
  } = {},
): Promise<{ status: number; events: Received[]; headers: Headers }> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: options.method ?? "GET",
    headers: { accept: "text/event-stream", ...options.headers },
    ...(options.body ? { body: options.body } : {}),
    signal: controller.signal,
  });
  const events: Received[] = [];
  let stopped = false;
  const parser = createParser({
    onEvent(message) {
      if (stopped) return;
      const event = {
        id: message.id ?? "",
        type: message.event ?? "message",
        data: JSON.parse(message.data) as unknown,
      };
      events.push(event);
      if (options.stop?.(event, events) || isTerminal(event)) stopped = true;
    },
    onComment: (comment) => options.onComment?.(comment),
  });
  if (response.body && response.status === 200) {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (stopped) break;
      }
    } finally {
      controller.abort();
    }
  }
  return { status: response.status, events, headers: response.headers };
}

/**
 * Each section's text as a watcher builds it: `section.started` empties it, deltas append, and
 * `section.completed` is compared by the caller.
 */
export function sectionTexts(events: Received[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const event of events) {
    const section = event.data?.section as string | undefined;
    if (!section) continue;
    if (event.type === "section.started") texts.set(section, "");
    if (event.type === "section.delta")
      texts.set(section, `${texts.get(section) ?? ""}${String(event.data.text)}`);
  }
  return texts;
}

/** Event ids in order: `S` or `S.k`, compared as numbers. */
export function idKey(id: string): [number, number] {
  const [seq, delta] = id.split(".");
  return [Number(seq), Number(delta ?? 0)];
}

export function idsIncrease(events: Received[]): boolean {
  return events.every((event, i) => {
    if (i === 0) return true;
    const [a, b] = idKey(events[i - 1]?.id ?? "0");
    const [c, d] = idKey(event.id);
    return c > a || (c === a && d > b);
  });
}
