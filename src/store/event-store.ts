import type { Database } from "./database.js";

/** An event as kept: its number within the draft, its name and its payload. */
export interface StoredEvent {
  seq: number;
  type: string;
  data: unknown;
}

/** The draft_events table: the persistent part of each draft's event stream. */
export function createEventStore(db: Database) {
  const { pool } = db;
  return {
    /**
     * Saves several events in one statement: a busy server writes a batch per round trip. With
     * `owner`, not once another process holds the draft: a run whose draft was taken over (it
     * stalled past its lease) writes nothing more to the draft's stream, so the new run's events
     * are not refused as duplicates of its numbers. (A run's last event is saved after it let go
     * of the draft.)
     */
    async append(draftId: string, events: StoredEvent[], owner?: string): Promise<void> {
      await pool.query(
        `INSERT INTO draft_events (draft_id, seq, type, data)
         SELECT $1, e.seq, e.type, e.data FROM unnest($2::int[], $3::text[], $4::jsonb[]) AS e(seq, type, data)
         WHERE $5::text IS NULL
            OR EXISTS (SELECT 1 FROM drafts d WHERE d.id = $1 AND (d.owner = $5 OR d.owner IS NULL))`,
        [
          draftId,
          events.map((e) => e.seq),
          events.map((e) => e.type),
          events.map((e) => JSON.stringify(e.data)),
          owner ?? null,
        ],
      );
    },
    /** Events numbered above `after` and below `before` (when given), in order. */
    async between(draftId: string, after: number, before?: number): Promise<StoredEvent[]> {
      const { rows } = await pool.query(
        `SELECT seq, type, data FROM draft_events
         WHERE draft_id = $1 AND seq > $2 AND ($3::int IS NULL OR seq < $3) ORDER BY seq`,
        [draftId, after, before ?? null],
      );
      return rows as StoredEvent[];
    },
    /** Every event without its markdown: enough to tell where each section stands. */
    async outline(draftId: string): Promise<StoredEvent[]> {
      const { rows } = await pool.query(
        `SELECT seq, type, data - 'markdown' AS data FROM draft_events WHERE draft_id = $1 ORDER BY seq`,
        [draftId],
      );
      return rows as StoredEvent[];
    },
    async lastSeq(draftId: string): Promise<number> {
      const { rows } = await pool.query(
        "SELECT COALESCE(max(seq), 0)::int AS seq FROM draft_events WHERE draft_id = $1",
        [draftId],
      );
      return (rows[0] as { seq: number }).seq;
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
