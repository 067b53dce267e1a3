-- Core tables. Every row is scoped by (platform, team). Times are integer milliseconds (UTC epoch).

CREATE TABLE settings (
    platform TEXT NOT NULL,
    team     TEXT NOT NULL,
    channel  TEXT NOT NULL,          -- '' for a team-wide setting
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (platform, team, channel, key)
);

CREATE TABLE rounds (
    id          TEXT PRIMARY KEY,
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    kind        TEXT NOT NULL,       -- quiz | daily
    question_id TEXT NOT NULL,
    topic       TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    opened_ms   INTEGER NOT NULL,
    closes_ms   INTEGER NOT NULL,
    closed_ms   INTEGER,
    message_ref TEXT
);
CREATE UNIQUE INDEX rounds_one_open ON rounds (platform, team, channel, kind) WHERE closed_ms IS NULL;
CREATE INDEX rounds_due ON rounds (closes_ms) WHERE closed_ms IS NULL;

CREATE TABLE sessions (
    id                  TEXT PRIMARY KEY,
    platform            TEXT NOT NULL,
    team                TEXT NOT NULL,
    channel             TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    topic               TEXT,
    difficulty          INTEGER,
    question_ids        TEXT NOT NULL,   -- JSON list
    position            INTEGER NOT NULL DEFAULT 0,
    status              TEXT NOT NULL,   -- active | finished | ended
    visibility          TEXT NOT NULL,
    started_ms          INTEGER NOT NULL,
    question_started_ms INTEGER NOT NULL,
    finished_ms         INTEGER
);
CREATE UNIQUE INDEX sessions_one_active ON sessions (platform, team, user_id) WHERE status = 'active';

-- One row per (user, context, question): a repeated delivery of the same answer is ignored.
CREATE TABLE answers (
    platform      TEXT NOT NULL,
    team          TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    context       TEXT NOT NULL,     -- round or session id
    question_id   TEXT NOT NULL,
    source        TEXT NOT NULL,     -- quiz | daily | interview
    channel       TEXT NOT NULL,
    topic         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    answer        TEXT NOT NULL,
    score         REAL NOT NULL,
    verdict       TEXT NOT NULL,
    correct       INTEGER NOT NULL,
    first_correct INTEGER NOT NULL,
    points        INTEGER NOT NULL,
    ranked        INTEGER NOT NULL,  -- counts towards leaderboards
    elapsed_ms    INTEGER NOT NULL,
    answered_ms   INTEGER NOT NULL,
    day           TEXT NOT NULL,     -- local date in the team's timezone, YYYY-MM-DD
    week          TEXT NOT NULL,     -- ISO week, YYYY-Www
    month         TEXT NOT NULL,     -- YYYY-MM
    feedback      TEXT NOT NULL,
    right_points  TEXT NOT NULL,     -- JSON list
    missing_points TEXT NOT NULL,    -- JSON list
    PRIMARY KEY (platform, team, user_id, context, question_id)
);
CREATE INDEX answers_context ON answers (platform, team, context, answered_ms);
CREATE INDEX answers_right ON answers (platform, team, context, question_id) WHERE correct = 1;

-- Running totals per scope and period, kept by the trigger below in the answer's transaction.
CREATE TABLE totals (
    platform     TEXT NOT NULL,
    team         TEXT NOT NULL,
    scope        TEXT NOT NULL,      -- team | channel:<id> | topic:<name>
    period       TEXT NOT NULL,      -- all | day:<date> | week:<iso week> | month:<yyyy-mm>
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    points       INTEGER NOT NULL,
    answers      INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    reached_ms   INTEGER NOT NULL,   -- when the points last went up: earlier wins a tie
    PRIMARY KEY (platform, team, scope, period, user_id)
);
CREATE INDEX totals_rank ON totals (platform, team, scope, period, points DESC, reached_ms, user_id);

CREATE TABLE streaks (
    platform TEXT NOT NULL,
    team     TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    current  INTEGER NOT NULL,
    best     INTEGER NOT NULL,
    last_day TEXT NOT NULL,
    PRIMARY KEY (platform, team, user_id)
);

CREATE TRIGGER answers_keep_totals AFTER INSERT ON answers WHEN NEW.ranked = 1
BEGIN
    INSERT INTO totals (platform, team, scope, period, user_id, display_name,
                        points, answers, correct, reached_ms)
    SELECT NEW.platform, NEW.team, s.scope, p.period, NEW.user_id, NEW.display_name,
           NEW.points, 1, NEW.correct, NEW.answered_ms
    FROM (SELECT 'team' AS scope
          UNION ALL SELECT 'channel:' || NEW.channel
          UNION ALL SELECT 'topic:' || NEW.topic) AS s,
         (SELECT 'all' AS period
          UNION ALL SELECT 'day:' || NEW.day
          UNION ALL SELECT 'week:' || NEW.week
          UNION ALL SELECT 'month:' || NEW.month) AS p
    WHERE true
    ON CONFLICT (platform, team, scope, period, user_id) DO UPDATE SET
        points = points + excluded.points,
        answers = answers + 1,
        correct = correct + excluded.correct,
        display_name = excluded.display_name,
        reached_ms = CASE WHEN excluded.points > 0 THEN excluded.reached_ms ELSE reached_ms END;
END;

CREATE TRIGGER answers_keep_streaks AFTER INSERT ON answers WHEN NEW.correct = 1
BEGIN
    INSERT INTO streaks (platform, team, user_id, display_name, current, best, last_day)
    VALUES (NEW.platform, NEW.team, NEW.user_id, NEW.display_name, 1, 1, NEW.day)
    ON CONFLICT (platform, team, user_id) DO UPDATE SET
        current = CASE
            WHEN excluded.last_day <= last_day THEN current
            WHEN last_day = date(excluded.last_day, '-1 day') THEN current + 1
            ELSE 1 END,
        best = max(best, CASE
            WHEN excluded.last_day <= last_day THEN current
            WHEN last_day = date(excluded.last_day, '-1 day') THEN current + 1
            ELSE 1 END),
        last_day = max(last_day, excluded.last_day),
        display_name = excluded.display_name;
END;

CREATE TABLE seen (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    scope       TEXT NOT NULL,       -- channel:<id> | user:<id>
    question_id TEXT NOT NULL,
    seen_ms     INTEGER NOT NULL,
    PRIMARY KEY (platform, team, scope, question_id)
);

CREATE TABLE team_packs (
    platform TEXT NOT NULL,
    team     TEXT NOT NULL,
    pack_id  TEXT NOT NULL,
    source   TEXT NOT NULL,          -- the pack's YAML, validated before it is stored
    added_by TEXT NOT NULL,
    added_ms INTEGER NOT NULL,
    PRIMARY KEY (platform, team, pack_id)
);
