import type { BusEvent } from "../../events/bus.js";

/** A piece of one event too big for a notification: its sender's pieces arrive in order. */
export interface Chunk {
  /** The piece's number, from 0, and how many there are. */
  i: number;
  of: number;
  text: string;
}

/** Pieces received so far, by sender. */
export type ChunkParts = Map<string, string[]>;

/**
 * UTF-16 units a piece holds: JSON writes a unit as at most 6 bytes (`\u0000`), so a piece stays
 * under the 8000-byte limit of a notification whatever the text.
 */
const PIECE_UNITS = 1000;

/** An event, as its JSON, in pieces. */
export function chunkItem(json: string): Chunk[] {
  const of = Math.ceil(json.length / PIECE_UNITS);
  return Array.from({ length: of }, (_, i) => ({
    i,
    of,
    text: json.slice(i * PIECE_UNITS, (i + 1) * PIECE_UNITS),
  }));
}

/** Adds a piece; the whole event once its last piece is in, else undefined. */
export function joinChunks(parts: ChunkParts, sender: string, chunk: Chunk): BusEvent | undefined {
  const have = chunk.i === 0 ? [] : (parts.get(sender) ?? []);
  have.push(chunk.text);
  if (have.length < chunk.of) {
    parts.set(sender, have);
    return undefined;
  }
  parts.delete(sender);
  try {
    return JSON.parse(have.join("")) as BusEvent;
  } catch {
    return undefined; // pieces lost to a dropped connection: the event is read from the table
  }
}
