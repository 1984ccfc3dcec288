/**
 * The events of a draft's stream, as every client sees them (SSE `event:` names and `data:`).
 * Ids are `S` for an event kept in the database (S counts them within the draft) and `S.k` for
 * the k-th text delta after event S: deltas are only held in memory while a run lasts.
 */
import type { StreamEventType } from "./contract.js";

export { STREAM_EVENT_TYPES, type StreamEventType } from "./contract.js";

export interface StreamEvent {
  id: string;
  type: StreamEventType;
  data: Record<string, unknown>;
}

/** Where a client is in a stream: after event `seq` and, within it, after its `delta`-th delta. */
export interface StreamPosition {
  seq: number;
  delta: number;
}

export const START: StreamPosition = { seq: 0, delta: 0 };

const ID = /^(\d{1,9})(?:\.(\d{1,9}))?$/;

export function formatId(position: StreamPosition): string {
  return position.delta > 0 ? `${position.seq}.${position.delta}` : `${position.seq}`;
}

/** A Last-Event-ID as sent back by a client; undefined when it is not one of ours. */
export function parseId(id: string): StreamPosition | undefined {
  const match = ID.exec(id.trim());
  if (!match) return undefined;
  return { seq: Number(match[1]), delta: match[2] ? Number(match[2]) : 0 };
}

export function isAfter(event: StreamEvent, position: StreamPosition): boolean {
  const own = parseId(event.id) ?? START;
  return own.seq > position.seq || (own.seq === position.seq && own.delta > position.delta);
}

/** A run's last event: it ended the draft, or stopped it at the review gate to wait for a person. */
export function isTerminal(event: StreamEvent): boolean {
  return (
    event.type === "draft.completed" ||
    event.type === "draft.failed" ||
    event.type === "review.requested"
  );
}

/** Deltas are the only events not kept: a completed section carries its whole text. */
export function isKept(type: StreamEventType): boolean {
  return type !== "section.delta";
}
