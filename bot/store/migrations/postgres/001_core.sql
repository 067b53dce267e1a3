-- Core tables (PostgreSQL twin of sqlite/001_core.sql). Every row is scoped by (platform, team).
-- Times are BIGINT milliseconds (UTC epoch). Text compares bytewise (COLLATE "C"), as in SQLite,
-- so orderings and rank tie-breaks by user id are the same on both backends.
-- Running totals and streaks are kept by PostgresStore.record_answer in the answer's own
-- statement (data-modifying CTEs), not by triggers: see bot/store/postgres.py.

CREATE TABLE settings (
    platform TEXT COLLATE "C" NOT NULL,
    team     TEXT COLLATE "C" NOT NULL,
    channel  TEXT COLLATE "C" NOT NULL,   -- '' for a team-wide setting
    key      TEXT COLLATE "C" NOT NULL,
    value    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (platform, team, channel, key)
);

CREATE TABLE rounds (
    id          TEXT COLLATE "C" PRIMARY KEY,
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    channel     TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,   -- quiz | daily
    question_id TEXT COLLATE "C" NOT NULL,
    topic       TEXT COLLATE "C" NOT NULL,
    started_by  TEXT COLLATE "C" NOT NULL,
    opened_ms   BIGINT NOT NULL,
    closes_ms   BIGINT NOT NULL,
    closed_ms   BIGINT,
    message_ref TEXT COLLATE "C"
);
CREATE UNIQUE INDEX rounds_one_open ON rounds (platform, team, channel, kind) WHERE closed_ms IS NULL;
CREATE INDEX rounds_due ON rounds (closes_ms) WHERE closed_ms IS NULL;

CREATE TABLE sessions (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    platform            TEXT COLLATE "C" NOT NULL,
    team                TEXT COLLATE "C" NOT NULL,
    channel             TEXT COLLATE "C" NOT NULL,
    user_id             TEXT COLLATE "C" NOT NULL,
    display_name        TEXT COLLATE "C" NOT NULL,
    topic               TEXT COLLATE "C",
    difficulty          INTEGER,
    question_ids        JSONB NOT NULL,             -- list of question ids
    position            INTEGER NOT NULL DEFAULT 0,
    status              TEXT COLLATE "C" NOT NULL,  -- active | finished | ended
    visibility          TEXT COLLATE "C" NOT NULL,
    started_ms          BIGINT NOT NULL,
    question_started_ms BIGINT NOT NULL,
    finished_ms         BIGINT
);
CREATE UNIQUE INDEX sessions_one_active ON sessions (platform, team, user_id) WHERE status = 'active';

-- One row per (user, context, question): a repeated delivery of the same answer is ignored.
CREATE TABLE answers (
    platform       TEXT COLLATE "C" NOT NULL,
    team           TEXT COLLATE "C" NOT NULL,
    user_id        TEXT COLLATE "C" NOT NULL,
    context        TEXT COLLATE "C" NOT NULL,   -- round or session id
    question_id    TEXT COLLATE "C" NOT NULL,
    source         TEXT COLLATE "C" NOT NULL,   -- quiz | daily | interview
    channel        TEXT COLLATE "C" NOT NULL,
    topic          TEXT COLLATE "C" NOT NULL,
    display_name   TEXT COLLATE "C" NOT NULL,
    answer         TEXT COLLATE "C" NOT NULL,
    score          DOUBLE PRECISION NOT NULL,
    verdict        TEXT COLLATE "C" NOT NULL,
    correct        BOOLEAN NOT NULL,
    first_correct  BOOLEAN NOT NULL,
    points         INTEGER NOT NULL,
    ranked         BOOLEAN NOT NULL,            -- counts towards leaderboards
    elapsed_ms     BIGINT NOT NULL,
    answered_ms    BIGINT NOT NULL,
    day            TEXT COLLATE "C" NOT NULL,   -- local date in the team's timezone, YYYY-MM-DD
    week           TEXT COLLATE "C" NOT NULL,   -- ISO week, YYYY-Www
    month          TEXT COLLATE "C" NOT NULL,   -- YYYY-MM
    feedback       TEXT COLLATE "C" NOT NULL,
    right_points   JSONB NOT NULL,
    missing_points JSONB NOT NULL,
    PRIMARY KEY (platform, team, user_id, context, question_id)
);
CREATE INDEX answers_context ON answers (platform, team, context, answered_ms);
-- At most one first right answer per (context, question), across every connection and process.
CREATE UNIQUE INDEX answers_one_first ON answers (platform, team, context, question_id)
    WHERE first_correct;

-- Running totals per scope and period, kept in the answer's transaction.
CREATE TABLE totals (
    platform     TEXT COLLATE "C" NOT NULL,
    team         TEXT COLLATE "C" NOT NULL,
    scope        TEXT COLLATE "C" NOT NULL,     -- team | channel:<id> | topic:<name>
    period       TEXT COLLATE "C" NOT NULL,     -- all | day:<date> | week:<iso week> | month:<yyyy-mm>
    user_id      TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    points       INTEGER NOT NULL,
    answers      INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    reached_ms   BIGINT NOT NULL,               -- when the points last went up: earlier wins a tie
    PRIMARY KEY (platform, team, scope, period, user_id)
);
CREATE INDEX totals_rank ON totals (platform, team, scope, period, points DESC, reached_ms, user_id);

CREATE TABLE streaks (
    platform     TEXT COLLATE "C" NOT NULL,
    team         TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL,
    display_name TEXT COLLATE "C" NOT NULL,
    current      INTEGER NOT NULL,
    best         INTEGER NOT NULL,
    last_day     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (platform, team, user_id)
);

CREATE TABLE seen (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    scope       TEXT COLLATE "C" NOT NULL,      -- channel:<id> | user:<id>
    question_id TEXT COLLATE "C" NOT NULL,
    seen_ms     BIGINT NOT NULL,
    PRIMARY KEY (platform, team, scope, question_id)
);

CREATE TABLE team_packs (
    platform TEXT COLLATE "C" NOT NULL,
    team     TEXT COLLATE "C" NOT NULL,
    pack_id  TEXT COLLATE "C" NOT NULL,
    source   TEXT COLLATE "C" NOT NULL,         -- the pack's YAML, validated before it is stored
    added_by TEXT COLLATE "C" NOT NULL,
    added_ms BIGINT NOT NULL,
    PRIMARY KEY (platform, team, pack_id)
);
