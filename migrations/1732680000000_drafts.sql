-- Up Migration
-- A draft is one LangGraph thread (its id is the thread id); its checkpoints live in the
-- checkpoint tables beside these. A draft keeps every plan it produced as a version.
CREATE TABLE drafts (
  id uuid PRIMARY KEY,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  model text NOT NULL,
  template text NOT NULL,
  feature_text text NOT NULL,
  feature_source text NOT NULL,
  -- The process drafting it now, and until when that claim holds without a heartbeat. A running
  -- draft whose lease has run out was interrupted (its process died) and can be resumed.
  owner text,
  lease_until timestamptz,
  error jsonb,
  usage jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drafts_created_at ON drafts (created_at DESC, id);

CREATE TABLE draft_versions (
  draft_id uuid NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version > 0),
  markdown text NOT NULL,
  sections jsonb NOT NULL,
  -- What produced this version: null for the first draft, else the revision asked for.
  revision jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (draft_id, version)
);

-- Down Migration
DROP TABLE draft_versions;
DROP TABLE drafts;
