-- Up Migration
-- A run writes its draft's checkpoints only while its process holds the draft. The checkpointer
-- names the process in each transaction it begins (plandraft.owner, src/store/checkpointer.ts);
-- a write for a draft another process has taken over is refused here, at once, rather than at
-- the stalled run's next heartbeat. A session that names no owner (LangGraph Studio, a person at
-- psql) is not fenced.
--
-- No row lock on the draft: a takeover never waits behind a stalled process's open transaction.
-- A write checked just before a takeover commits can still land after it; it holds a step the
-- old run finished, as good as the one the new run would write, and the new run's later
-- checkpoints come after it.
CREATE FUNCTION plandraft_fence_checkpoint() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  writer text := current_setting('plandraft.owner', true);
  holder text;
BEGIN
  -- Unset in this session, or set by an earlier transaction (it then reads as empty).
  IF writer IS NULL OR writer = '' THEN
    RETURN NEW;
  END IF;
  SELECT owner INTO holder FROM drafts WHERE id = NEW.thread_id::uuid;
  IF holder IS DISTINCT FROM writer THEN
    RAISE EXCEPTION 'draft % is held by %, not by %', NEW.thread_id, coalesce(holder, 'no process'), writer
      USING ERRCODE = 'PD409';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER fence BEFORE INSERT OR UPDATE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION plandraft_fence_checkpoint();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE ON checkpoint_blobs
  FOR EACH ROW EXECUTE FUNCTION plandraft_fence_checkpoint();
CREATE TRIGGER fence BEFORE INSERT OR UPDATE ON checkpoint_writes
  FOR EACH ROW EXECUTE FUNCTION plandraft_fence_checkpoint();

-- Down Migration
DROP TRIGGER fence ON checkpoint_writes;
DROP TRIGGER fence ON checkpoint_blobs;
DROP TRIGGER fence ON checkpoints;
DROP FUNCTION plandraft_fence_checkpoint();
