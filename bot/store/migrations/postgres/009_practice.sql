-- Practice that remembers (issue #15 B): ability estimates per person and topic, the answers
-- that moved them (each once), review items scheduled by FSRS, and daily review reminders.

CREATE TABLE abilities (
    platform   TEXT COLLATE "C" NOT NULL,
    team       TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    topic      TEXT COLLATE "C" NOT NULL,
    rating     DOUBLE PRECISION NOT NULL,        -- Rasch/Elo logit (bot.services.abilities)
    answers    INTEGER NOT NULL,     -- graded answers it rests on (K shrinks with them)
    updated_ms BIGINT NOT NULL,
    PRIMARY KEY (platform, team, user_id, topic)
);

-- One row per answer that updated an estimate: a redelivered update finds it and does nothing.
CREATE TABLE ability_events (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    event       TEXT COLLATE "C" NOT NULL,       -- question id and answer time
    PRIMARY KEY (platform, team, user_id, event)
);

-- A question a person missed (wrong or partly right), as an FSRS card.
CREATE TABLE review_items (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    question_id TEXT COLLATE "C" NOT NULL,
    topic       TEXT COLLATE "C" NOT NULL,
    source      TEXT COLLATE "C" NOT NULL,       -- quiz | daily | interview
    card        TEXT COLLATE "C" NOT NULL,       -- fsrs.Card.to_json()
    due_ms      BIGINT NOT NULL,
    reviews     INTEGER NOT NULL DEFAULT 0,
    last_score  DOUBLE PRECISION NOT NULL,
    asked_ms    BIGINT,             -- when /review last showed it
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (platform, team, user_id, question_id)
);
CREATE INDEX review_items_due ON review_items (platform, team, user_id, due_ms);

-- A person's daily review reminder, sent by direct message at their local time.
CREATE TABLE review_reminders (
    platform    TEXT COLLATE "C" NOT NULL,
    team        TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    remind_time TEXT COLLATE "C" NOT NULL,       -- HH:MM, local
    timezone    TEXT COLLATE "C" NOT NULL,       -- IANA name
    channel     TEXT COLLATE "C" NOT NULL,       -- where the DM goes (the person's id, or their DM channel)
    updated_ms  BIGINT NOT NULL,
    PRIMARY KEY (platform, team, user_id)
);

-- (person, local date): whoever inserts the row sends; a claim never marked sent may be taken
-- over after a lease (a crash between claim and send), as daily_claims.
CREATE TABLE review_reminder_claims (
    platform   TEXT COLLATE "C" NOT NULL,
    team       TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    day        TEXT COLLATE "C" NOT NULL,
    claimed_ms BIGINT NOT NULL,
    sent       BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (platform, team, user_id, day)
);
