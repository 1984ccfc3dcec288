-- Up Migration
-- Requests per client and route in the current window, shared by every API node of a cluster:
-- the per-address rate limit holds across the cluster, not per process.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  hits integer NOT NULL,
  window_ends timestamptz NOT NULL
);

-- Down Migration
DROP TABLE rate_limits;
