-- Daily questions: one schedule per channel, and claims that make each post happen once.

CREATE TABLE daily_schedules (
    platform     TEXT NOT NULL,
    team         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    post_time    TEXT NOT NULL,      -- HH:MM, local
    timezone     TEXT NOT NULL,      -- IANA name
    weekdays     TEXT NOT NULL,      -- mon,tue,... (cron day_of_week)
    topic        TEXT,
    difficulty   INTEGER,
    open_minutes INTEGER,            -- NULL: until the next post, at most 24 h
    recap_day    TEXT,               -- NULL: no weekly recap
    recap_time   TEXT,
    status       TEXT NOT NULL,      -- active | paused | off
    reason       TEXT NOT NULL DEFAULT '',
    updated_ms   INTEGER NOT NULL,
    PRIMARY KEY (platform, team, channel)
);

-- (channel, kind, local date or week): whoever inserts the row posts. A claim that was never
-- marked posted may be taken over after a lease, so a crash between claim and post is healed.
CREATE TABLE daily_claims (
    platform   TEXT NOT NULL,
    team       TEXT NOT NULL,
    channel    TEXT NOT NULL,
    kind       TEXT NOT NULL,        -- post | recap
    day        TEXT NOT NULL,        -- local date (post) or ISO week (recap)
    claimed_ms INTEGER NOT NULL,
    posted     INTEGER NOT NULL DEFAULT 0,
    round_id   TEXT,
    PRIMARY KEY (platform, team, channel, kind, day)
);

CREATE INDEX rounds_channel_kind ON rounds (platform, team, channel, kind, opened_ms);
