-- Item analytics: the answers to one question in a team are read together (counts, share
-- right, median time, picked choices), and each team decides per question whether it is
-- in rotation: rested (flagged by the analytics, waiting for an admin), kept or retired.

CREATE INDEX answers_item ON answers (platform, team, question_id, correct, elapsed_ms);

CREATE TABLE question_status (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    question_id TEXT NOT NULL,
    status      TEXT NOT NULL,       -- rested | kept | retired
    reason      TEXT NOT NULL,       -- why it was rested (the flags), or who decided
    by_user     TEXT NOT NULL,       -- '' when the analytics rested it
    answers     INTEGER NOT NULL,    -- how many answers the decision saw
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (platform, team, question_id)
);
