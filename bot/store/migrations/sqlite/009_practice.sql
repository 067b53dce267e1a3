-- Practice that remembers (issue #15 B): ability estimates per person and topic, the answers
-- that moved them (each once), review items scheduled by FSRS, and daily review reminders.

CREATE TABLE abilities (
    platform   TEXT NOT NULL,
    team       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    topic      TEXT NOT NULL,
    rating     REAL NOT NULL,        -- Rasch/Elo logit (bot.services.abilities)
    answers    INTEGER NOT NULL,     -- graded answers it rests on (K shrinks with them)
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (platform, team, user_id, topic)
);

-- One row per answer that updated an estimate: a redelivered update finds it and does nothing.
CREATE TABLE ability_events (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    event       TEXT NOT NULL,       -- question id and answer time
    PRIMARY KEY (platform, team, user_id, event)
);

-- A question a person missed (wrong or partly right), as an FSRS card.
CREATE TABLE review_items (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    question_id TEXT NOT NULL,
    topic       TEXT NOT NULL,
    source      TEXT NOT NULL,       -- quiz | daily | interview
    card        TEXT NOT NULL,       -- fsrs.Card.to_json()
    due_ms      INTEGER NOT NULL,
    reviews     INTEGER NOT NULL DEFAULT 0,
    last_score  REAL NOT NULL,
    asked_ms    INTEGER,             -- when /review last showed it
    created_ms  INTEGER NOT NULL,
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (platform, team, user_id, question_id)
);
CREATE INDEX review_items_due ON review_items (platform, team, user_id, due_ms);

-- A person's daily review reminder, sent by direct message at their local time.
CREATE TABLE review_reminders (
    platform    TEXT NOT NULL,
    team        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    remind_time TEXT NOT NULL,       -- HH:MM, local
    timezone    TEXT NOT NULL,       -- IANA name
    channel     TEXT NOT NULL,       -- where the DM goes (the person's id, or their DM channel)
    updated_ms  INTEGER NOT NULL,
    PRIMARY KEY (platform, team, user_id)
);

-- (person, local date): whoever inserts the row sends; a claim never marked sent may be taken
-- over after a lease (a crash between claim and send), as daily_claims.
CREATE TABLE review_reminder_claims (
    platform   TEXT NOT NULL,
    team       TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    day        TEXT NOT NULL,
    claimed_ms INTEGER NOT NULL,
    sent       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, team, user_id, day)
);
