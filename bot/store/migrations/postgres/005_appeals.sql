-- Appeals of graded answers and flags on questions: the admins' queue. An accepted appeal
-- re-scores its answer in the same transaction (see PostgresStore.resolve_appeal).

CREATE TABLE appeals (
    id           BIGSERIAL PRIMARY KEY,
    platform     TEXT COLLATE "C" NOT NULL,
    team         TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL,      -- appeal | flag
    user_id      TEXT COLLATE "C" NOT NULL,
    display_name TEXT NOT NULL,
    channel      TEXT COLLATE "C" NOT NULL,
    question_id  TEXT COLLATE "C" NOT NULL,
    context      TEXT COLLATE "C" NOT NULL,      -- '' for a flag
    reason       TEXT NOT NULL,
    status       TEXT COLLATE "C" NOT NULL,      -- open | accepted | rejected
    created_ms   BIGINT NOT NULL,
    resolved_ms  BIGINT,
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX appeals_once ON appeals (platform, team, kind, user_id, context, question_id);
CREATE INDEX appeals_queue ON appeals (platform, team, status, id);
CREATE INDEX answers_question ON answers (platform, team, question_id);
CREATE INDEX answers_user_latest ON answers (platform, team, user_id, answered_ms);
