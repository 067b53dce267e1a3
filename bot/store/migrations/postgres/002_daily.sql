-- Daily questions: one schedule per channel, and claims that make each post happen once.

CREATE TABLE daily_schedules (
    platform     TEXT COLLATE "C" NOT NULL,
    team         TEXT COLLATE "C" NOT NULL,
    channel      TEXT COLLATE "C" NOT NULL,
    post_time    TEXT COLLATE "C" NOT NULL,     -- HH:MM, local
    timezone     TEXT COLLATE "C" NOT NULL,     -- IANA name
    weekdays     TEXT COLLATE "C" NOT NULL,     -- mon,tue,... (cron day_of_week)
    topic        TEXT COLLATE "C",
    difficulty   INTEGER,
    open_minutes INTEGER,                       -- NULL: until the next post, at most 24 h
    recap_day    TEXT COLLATE "C",              -- NULL: no weekly recap
    recap_time   TEXT COLLATE "C",
    status       TEXT COLLATE "C" NOT NULL,     -- active | paused | off
    reason       TEXT COLLATE "C" NOT NULL DEFAULT '',
    updated_ms   BIGINT NOT NULL,
    PRIMARY KEY (platform, team, channel)
);

-- (channel, kind, local date or week): whoever inserts the row posts. A claim that was never
-- marked posted may be taken over after a lease, so a crash between claim and post is healed.
CREATE TABLE daily_claims (
    platform   TEXT COLLATE "C" NOT NULL,
    team       TEXT COLLATE "C" NOT NULL,
    channel    TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,       -- post | recap
    day        TEXT COLLATE "C" NOT NULL,       -- local date (post) or ISO week (recap)
    claimed_ms BIGINT NOT NULL,
    posted     BOOLEAN NOT NULL DEFAULT false,
    round_id   TEXT COLLATE "C",
    PRIMARY KEY (platform, team, channel, kind, day)
);

CREATE INDEX rounds_channel_kind ON rounds (platform, team, channel, kind, opened_ms);
