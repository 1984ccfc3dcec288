-- Up Migration
-- Every event a draft's runs sent, except text deltas, in order. A client that reconnects (also
-- after a restart, or long after the draft finished) gets exactly what it missed from here.
-- Deltas are not kept: a section's completed event carries its whole text.
CREATE TABLE draft_events (
  draft_id uuid NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq > 0),
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (draft_id, seq)
);

-- A server runs a few drafts at once; the others wait their turn as 'queued'.
ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
ALTER TABLE drafts ADD CONSTRAINT drafts_status_check
  CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'));

-- Down Migration
ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
ALTER TABLE drafts ADD CONSTRAINT drafts_status_check
  CHECK (status IN ('running', 'completed', 'failed', 'cancelled'));
DROP TABLE draft_events;
