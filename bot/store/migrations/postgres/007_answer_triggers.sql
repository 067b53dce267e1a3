-- Running totals and streaks follow each answer by trigger, as in SQLite's 001_core.sql: one
-- mechanism on both backends, so every way an answer is inserted keeps them (until now the
-- PostgreSQL store wrote them from the answer's INSERT statement in Python). The rule:
-- a ranked answer counts in 12 totals (team, its channel, its topic x all time, its day, week,
-- month); a right answer extends the user's streak when it lands on the day after the last.
-- `SET search_path FROM CURRENT`: the tables are the ones of the schema migrated here.

CREATE FUNCTION answers_keep_totals() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO totals (platform, team, scope, period, user_id, display_name,
                        points, answers, correct, reached_ms)
    SELECT NEW.platform, NEW.team, s.scope, p.period, NEW.user_id, NEW.display_name,
           NEW.points, 1, NEW.correct::int, NEW.answered_ms
    FROM (VALUES ('team'), ('channel:' || NEW.channel), ('topic:' || NEW.topic)) AS s (scope)
    CROSS JOIN (VALUES ('all'), ('day:' || NEW.day), ('week:' || NEW.week),
                       ('month:' || NEW.month)) AS p (period)
    ORDER BY 3, 4  -- rows locked in one order by every writer: no deadlocks between them
    ON CONFLICT (platform, team, scope, period, user_id) DO UPDATE SET
        points = totals.points + excluded.points,
        answers = totals.answers + 1,
        correct = totals.correct + excluded.correct,
        display_name = excluded.display_name,
        reached_ms = CASE WHEN excluded.points > 0 THEN excluded.reached_ms
                          ELSE totals.reached_ms END;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_keep_totals AFTER INSERT ON answers
    FOR EACH ROW WHEN (NEW.ranked) EXECUTE FUNCTION answers_keep_totals();

CREATE FUNCTION answers_keep_streaks() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO streaks (platform, team, user_id, display_name, current, best, last_day)
    VALUES (NEW.platform, NEW.team, NEW.user_id, NEW.display_name, 1, 1, NEW.day)
    ON CONFLICT (platform, team, user_id) DO UPDATE SET
        current = CASE
            WHEN excluded.last_day <= streaks.last_day THEN streaks.current
            WHEN streaks.last_day = to_char(excluded.last_day::date - 1, 'YYYY-MM-DD')
                THEN streaks.current + 1
            ELSE 1 END,
        best = GREATEST(streaks.best, CASE
            WHEN excluded.last_day <= streaks.last_day THEN streaks.current
            WHEN streaks.last_day = to_char(excluded.last_day::date - 1, 'YYYY-MM-DD')
                THEN streaks.current + 1
            ELSE 1 END),
        last_day = GREATEST(streaks.last_day, excluded.last_day),
        display_name = excluded.display_name;
    RETURN NULL;
END
$$;

CREATE TRIGGER answers_keep_streaks AFTER INSERT ON answers
    FOR EACH ROW WHEN (NEW.correct) EXECUTE FUNCTION answers_keep_streaks();
