-- Up Migration
-- A cancel asked for on any API process. The worker running the draft hears of it at once (a
-- notification) and, should it have missed that, at its next heartbeat, which reads this.
ALTER TABLE drafts ADD COLUMN cancel_requested_at timestamptz;

-- Down Migration
ALTER TABLE drafts DROP COLUMN cancel_requested_at;
