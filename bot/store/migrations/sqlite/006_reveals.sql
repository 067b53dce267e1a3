-- A closed round owes its reveal until one is posted (or given up on: the channel is gone).
-- A process claims the reveal before posting; a post that failed leaves the claim to lapse,
-- and the ticker tries again (bot.services.rounds). Rounds closed before this migration had
-- their reveal delivered (or dropped) then: they owe nothing.

ALTER TABLE rounds ADD COLUMN revealed_ms INTEGER;
ALTER TABLE rounds ADD COLUMN reveal_claimed_ms INTEGER;
UPDATE rounds SET revealed_ms = closed_ms WHERE closed_ms IS NOT NULL;
CREATE INDEX rounds_owed ON rounds (closed_ms) WHERE closed_ms IS NOT NULL AND revealed_ms IS NULL;
