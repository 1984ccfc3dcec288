-- Up Migration
-- What the schema was last brought up to: the newest migration and the checkpointer's version.
-- Each command reads this one row instead of running the migration tool when nothing is due.
CREATE TABLE plandraft_schema (
  stamp text NOT NULL
);

-- Down Migration
DROP TABLE plandraft_schema;
