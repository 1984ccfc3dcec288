import { createParser, type EventSourceMessage } from "eventsource-parser";
import { AppError } from "../../errors.js";
import {
  STREAM_EVENT_TYPES,
  type StreamEvent,
  type StreamEventType,
} from "../../events/stream-event.js";

const TYPES = new Set<string>(STREAM_EVENT_TYPES);

/**
 * The events of an SSE response, in order, as they arrive. Comments (heartbeats) and event
 * types this client does not know are skipped. A connection that breaks mid-stream throws
 * SERVER_UNREACHABLE, which a follower answers by reconnecting.
 */
export async function* readEvents(response: Response): AsyncGenerator<StreamEvent> {
  if (!response.body) return;
  const pending: StreamEvent[] = [];
  const parser = createParser({
    onEvent: (message) => {
      const event = streamEventOf(message);
      if (event) pending.push(event);
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
      yield* pending.splice(0);
    }
  } catch (error) {
    if (error instanceof AppError || (error as Error).name === "AbortError") throw error;
    throw new AppError("SERVER_UNREACHABLE", "the connection to the server broke", {
      cause: error,
    });
  }
}

function streamEventOf(message: EventSourceMessage): StreamEvent | undefined {
  if (!message.event || !TYPES.has(message.event) || message.id === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch (error) {
    throw new AppError(
      "SERVER_ERROR",
      `the server sent a ${message.event} event that is not JSON`,
      {
        cause: error,
      },
    );
  }
  if (!data || typeof data !== "object") {
    throw new AppError("SERVER_ERROR", `the server sent a ${message.event} event without data`);
  }
  return {
    id: message.id,
    type: message.event as StreamEventType,
    data: data as Record<string, unknown>,
  };
}
