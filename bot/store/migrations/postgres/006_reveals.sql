-- PostgreSQL twin of sqlite/006_reveals.sql: a closed round owes its reveal until one is
-- posted (or given up on); a process claims it first, and a failed post's claim lapses.

ALTER TABLE rounds ADD COLUMN revealed_ms BIGINT;
ALTER TABLE rounds ADD COLUMN reveal_claimed_ms BIGINT;
UPDATE rounds SET revealed_ms = closed_ms WHERE closed_ms IS NOT NULL;
CREATE INDEX rounds_owed ON rounds (closed_ms) WHERE closed_ms IS NOT NULL AND revealed_ms IS NULL;
