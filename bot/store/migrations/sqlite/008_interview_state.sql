-- An interview's state beyond its position (issue 15): per question the answer given, its
-- grade, the hint taken and each follow-up (asked, pending or answered), plus the plan (track,
-- adaptive or pinned difficulty). One JSON document per session, written before a card that
-- depends on it is shown, so a restart (even kill -9 in the middle of a follow-up) resumes it.

CREATE TABLE interview_state (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,   -- whose interview: /forget-me deletes it with the rest
    data        TEXT NOT NULL,   -- JSON, see bot.services.interview_state
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (platform, team, session_id)
);
CREATE INDEX sessions_by_user ON sessions (platform, team, user_id, started_ms);
