-- PostgreSQL twin of sqlite/008_interview_state.sql: an interview's per-question state (answer,
-- grade, hint, follow-ups) and plan, one JSON document per session, so a restart resumes it.

CREATE TABLE interview_state (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    session_id  TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    data        TEXT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (platform, team, session_id)
);
CREATE INDEX sessions_by_user ON sessions (platform, team, user_id, started_ms);
