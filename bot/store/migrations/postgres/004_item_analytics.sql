-- Item analytics (PostgreSQL twin of sqlite/004_item_analytics.sql): the answers to one
-- question in a team are read together, and each team decides per question whether it is in
-- rotation: rested (flagged by the analytics, waiting for an admin), kept or retired.

CREATE INDEX answers_item ON answers (platform, team, question_id, correct, elapsed_ms);

CREATE TABLE question_status (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    question_id TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,   -- rested | kept | retired
    reason      TEXT COLLATE "C" NOT NULL,   -- why it was rested (the flags), or who decided
    by_user     TEXT COLLATE "C" NOT NULL,   -- '' when the analytics rested it
    answers     INTEGER NOT NULL,            -- how many answers the decision saw
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (platform, team, question_id)
);
