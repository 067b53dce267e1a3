-- Charts (bot/charts): a person's answers read by day (the /stats calendar, Store.active_days)
-- and their interviews summed per session and topic (the report's trend,
-- Store.interview_topic_scores), each from an index that holds every column it reads, not
-- from thousands of rows of a heavy player fetched one by one (`source` is in the second
-- only so that SQLite sees it covers the query).

CREATE INDEX answers_user_day ON answers (platform, team, user_id, day);
CREATE INDEX answers_user_interviews ON answers (platform, team, user_id, context, topic, score, answered_ms, source)
    WHERE source = 'interview';
