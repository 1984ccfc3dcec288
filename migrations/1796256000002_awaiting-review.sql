-- Up Migration
-- A draft stopped at the review gate waits, held by no process, until a person answers.
ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
ALTER TABLE drafts ADD CONSTRAINT drafts_status_check
  CHECK (status IN ('queued', 'running', 'awaiting_review', 'completed', 'failed', 'cancelled'));
-- Asked for at submit, kept with the draft: the worker that starts a queued draft stops at the gate.
ALTER TABLE drafts ADD COLUMN review_first boolean NOT NULL DEFAULT false;

-- Down Migration
ALTER TABLE drafts DROP COLUMN review_first;
UPDATE drafts SET status = 'cancelled' WHERE status = 'awaiting_review';
ALTER TABLE drafts DROP CONSTRAINT drafts_status_check;
ALTER TABLE drafts ADD CONSTRAINT drafts_status_check
  CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'));
