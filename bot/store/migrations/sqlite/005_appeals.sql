-- Appeals of graded answers and flags on questions: the admins' queue. An accepted appeal
-- re-scores its answer in the same transaction (see SQLiteStore.resolve_appeal).

CREATE TABLE appeals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT NOT NULL,
    team         TEXT NOT NULL,
    kind         TEXT NOT NULL,      -- appeal | flag
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    channel      TEXT NOT NULL,      -- where it was filed (an appeal: where the answer was)
    question_id  TEXT NOT NULL,
    context      TEXT NOT NULL,      -- the appealed answer's round or session; '' for a flag
    reason       TEXT NOT NULL,
    status       TEXT NOT NULL,      -- open | accepted | rejected
    created_ms   INTEGER NOT NULL,
    resolved_ms  INTEGER,
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT ''
);
-- One appeal per answer, one flag per person and question.
CREATE UNIQUE INDEX appeals_once ON appeals (platform, team, kind, user_id, context, question_id);
CREATE INDEX appeals_queue ON appeals (platform, team, status, id);
CREATE INDEX answers_question ON answers (platform, team, question_id);
CREATE INDEX answers_user_latest ON answers (platform, team, user_id, answered_ms);
