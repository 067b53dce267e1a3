"""PostgreSQL store on asyncpg: a pool, numbered migrations, totals kept with each answer.

Same behaviour as the SQLite store, made safe for several processes on one database:

- Running totals and streaks follow each answer by trigger (migration 007), the same mechanism
  as SQLite's, so both backends keep the rule the same way and in the same transaction.
- `first_correct`: a partial unique index allows one first right answer per (context,
  question). The INSERT claims it when no committed one is visible; of two racing connections
  the loser waits for the winner's commit, fails on the index and is retried as not first.
- Round-closed guard: the answer locks its round row FOR SHARE, so `close_round` (an UPDATE)
  waits for answers in flight and answers after it see the round closed; the reveal that
  follows a close sees every accepted answer.
- `claim_daily` is one INSERT .. ON CONFLICT DO UPDATE .. WHERE lease expired and not posted.
- A lost connection (a restart of the server, a dropped TCP connection) is retried on a fresh
  connection a few times; then the caller gets StoreBusy, a clear message. Every write is one
  statement or one transaction, and all of them are idempotent by key, so a retry of a write
  whose commit did land changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from bot.domain.practice import ReviewItem, ReviewReminder
from bot.domain.records import (
    Advance,
    AnswerRow,
    Appeal,
    BoardMove,
    InterviewTopicScore,
    ItemStats,
    PickCount,
    QuestionStatus,
    Recorded,
    Rescore,
    Round,
    Schedule,
    Session,
    Streak,
    TeamPack,
    TeamTrack,
    TopicStats,
    TotalRow,
)
from bot.store.errors import LoadError, NotEmpty, RoundOpen, SessionActive, StoreBusy
from bot.store.migrations import load_migrations
from bot.store.protocol import ALL_TEAMS, MAX_PICKS, MIN_PLAYER_ANSWERS, Batch
from bot.store.rows import (
    ANSWER_COLS,
    APPEAL_COLS,
    DELETE,
    DERIVED,
    HIDDEN,
    PERSONAL,
    PURGE_BATCH,
    RANK_ORDER,
    REMINDER_COLS,
    REVIEW_COLS,
    ROUND_COLS,
    SCHEDULE_COLS,
    SESSION_COLS,
    STREAK_COLS,
    TABLES,
    answer_of,
    appeal_of,
    interview_topic_score,
    person_rules,
    reminder_of,
    review_item_of,
    round_of,
    round_row,
    schedule_of,
    session_changes,
    session_of,
    streak_of,
    streak_row,
    total_keys,
)

_RETRIES = 5
# /forget-me deletes answers and the totals their triggers keep: answers
# being written meanwhile wait for the commit (reads do not), so no total outlives its
# answers and no answer is left without its total.
_HOLD_ANSWERS = "LOCK TABLE answers IN SHARE ROW EXCLUSIVE MODE"

_PG_TYPES = {
    "score": "float8",
    "correct": "bool",
    "ranked": "bool",
    "points": "int4",
    "elapsed_ms": "int8",
    "answered_ms": "int8",
    "right_points": "jsonb",
    "missing_points": "jsonb",
}
_INSERT_COLS = [c for c in ANSWER_COLS if c != "first_correct"]
_N = len(_INSERT_COLS)
_P = {c: f"${i + 1}" for i, c in enumerate(_INSERT_COLS)}
# $N+1: the round id ('' for an interview); $N+2: may this answer claim first_correct.
_INSERT_ANSWER = f"""
WITH rnd AS MATERIALIZED (
    SELECT closed_ms FROM rounds WHERE platform = {_P["platform"]}::text
    AND team = {_P["team"]}::text AND id = ${_N + 1}::text FOR SHARE
), ins AS (
    INSERT INTO answers ({", ".join(_INSERT_COLS)}, first_correct)
    SELECT {", ".join(f"{_P[c]}::{_PG_TYPES.get(c, 'text')}" for c in _INSERT_COLS)},
           {_P["correct"]}::bool AND ${_N + 2}::bool AND NOT EXISTS (
               SELECT 1 FROM answers WHERE platform = {_P["platform"]}::text
               AND team = {_P["team"]}::text AND context = {_P["context"]}::text
               AND question_id = {_P["question_id"]}::text AND first_correct)
    WHERE NOT EXISTS (SELECT 1 FROM rnd WHERE closed_ms IS NOT NULL)
    ON CONFLICT (platform, team, user_id, context, question_id) DO NOTHING
    RETURNING first_correct
)
SELECT first_correct FROM ins
"""
_ADVANCE = (
    "UPDATE sessions SET position = position + 1, question_started_ms = $1, "
    "status = CASE WHEN $2::bool THEN 'finished' ELSE status END, "
    "finished_ms = CASE WHEN $2::bool THEN $1 ELSE finished_ms END "
    "WHERE platform = $3 AND team = $4 AND id = $5 AND position = $6"
)


log = logging.getLogger(__name__)
_LOST = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    ConnectionError,
    OSError,
    asyncio.TimeoutError,
    asyncpg.CannotConnectNowError,
    asyncpg.InternalClientError,
)
_CONNECTION_RETRIES = 3
_RETRY_DELAY = 0.05  # seconds, doubled each time


async def _retrying(op: Callable[[], Awaitable[Any]]) -> Any:
    """Run `op`, again on a fresh connection when the connection was lost; StoreBusy after."""
    for attempt in range(_CONNECTION_RETRIES):
        try:
            return await op()
        except _LOST as e:
            log.warning(
                "database connection lost (%s); attempt %d of %d",
                type(e).__name__,
                attempt + 1,
                _CONNECTION_RETRIES,
            )
            if attempt + 1 == _CONNECTION_RETRIES:
                raise StoreBusy(type(e).__name__) from e
            await asyncio.sleep(_RETRY_DELAY * 2**attempt)
    raise AssertionError("unreachable")


class _ResilientPool:
    """The pool's query methods, each retried when its connection is lost."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def execute(self, *args: Any) -> Any:
        return await _retrying(lambda: self._pool.execute(*args))

    async def executemany(self, *args: Any) -> Any:
        return await _retrying(lambda: self._pool.executemany(*args))

    async def fetch(self, *args: Any) -> Any:
        return await _retrying(lambda: self._pool.fetch(*args))

    async def fetchrow(self, *args: Any) -> Any:
        return await _retrying(lambda: self._pool.fetchrow(*args))

    async def fetchval(self, *args: Any) -> Any:
        return await _retrying(lambda: self._pool.fetchval(*args))

    def acquire(self) -> Any:
        return self._pool.acquire()

    def __getattr__(self, name: str) -> Any:  # release, close, ...: the pool's own
        return getattr(self._pool, name)


class PostgresStore:
    """The store for several processes on one PostgreSQL database."""

    def __init__(
        self,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        server_settings: dict[str, str] | None = None,
    ) -> None:
        self.dsn = dsn
        self._min_size = min_size
        self._max_size = max_size
        self._server_settings = server_settings
        self._pool: asyncpg.Pool | None = None

    @classmethod
    def from_url(cls, url: str) -> PostgresStore:
        """`postgresql://user:pw@host:port/db?search_path=x`: extra query parameters are
        server settings (asyncpg's rule)."""
        return cls(url)

    @property
    def pool(self) -> _ResilientPool:
        if self._pool is None:
            raise RuntimeError("store is not connected")
        return _ResilientPool(self._pool)

    async def connect(self) -> None:
        if self._pool is not None:
            return
        self._pool = await asyncpg.create_pool(
            self.dsn,
            min_size=self._min_size,
            max_size=self._max_size,
            init=_init_connection,
            server_settings=self._server_settings,
        )
        try:
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.pool.acquire() as con, con.transaction():
            yield con

    async def _migrate(self) -> None:
        """Apply pending migrations in one transaction, under an advisory lock per schema, so
        processes starting together apply each exactly once."""
        async with self._tx() as con:
            await con.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended("
                "'interview-bot:migrate:' || COALESCE(current_schema(), ''), 0))"
            )
            await con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            # applied by number, not "above the highest": a migration numbered below one
            # already applied (branches merged out of order) still runs, once
            applied = {int(r[0]) for r in await con.fetch("SELECT version FROM schema_version")}
            for version, name, sql in load_migrations("postgres"):
                if version in applied:
                    continue
                await con.execute(sql)
                await con.execute(
                    "INSERT INTO schema_version (version, name) VALUES ($1, $2)", version, name
                )

    async def schema_version(self) -> int:
        return int(await self.pool.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))

    # --- settings -----------------------------------------------------------------------

    async def get_settings(self, platform: str, team: str, channel: str) -> dict[str, str]:
        """Team-wide settings overlaid with the channel's own."""
        rows = await self.pool.fetch(
            "SELECT key, value FROM settings WHERE platform = $1 AND team = $2 "
            "AND channel IN ('', $3) ORDER BY channel",
            platform,
            team,
            channel,
        )
        return {r["key"]: r["value"] for r in rows}

    async def set_setting(
        self, platform: str, team: str, channel: str, key: str, value: str | None
    ) -> None:
        if value is None:
            await self.pool.execute(
                "DELETE FROM settings WHERE platform = $1 AND team = $2 AND channel = $3 "
                "AND key = $4",
                platform,
                team,
                channel,
                key,
            )
        else:
            await self.pool.execute(
                "INSERT INTO settings (platform, team, channel, key, value) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, team, channel, key) "
                "DO UPDATE SET value = excluded.value",
                platform,
                team,
                channel,
                key,
                value,
            )

    # --- rounds -------------------------------------------------------------------------

    async def open_round(self, rnd: Round) -> None:
        try:
            await self.pool.execute(
                f"INSERT INTO rounds ({', '.join(ROUND_COLS)}) VALUES ({_marks(len(ROUND_COLS))})",
                *(getattr(rnd, c) for c in ROUND_COLS),
            )
        except asyncpg.UniqueViolationError:
            raise RoundOpen(rnd.channel) from None

    async def get_round(self, platform: str, team: str, round_id: str) -> Round | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM rounds WHERE platform = $1 AND team = $2 AND id = $3",
            platform,
            team,
            round_id,
        )
        return round_row(r) if r else None

    async def open_round_in(
        self, platform: str, team: str, channel: str, kind: str
    ) -> Round | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM rounds WHERE platform = $1 AND team = $2 AND channel = $3 "
            "AND kind = $4 AND closed_ms IS NULL",
            platform,
            team,
            channel,
            kind,
        )
        return round_row(r) if r else None

    async def close_round(self, platform: str, team: str, round_id: str, closed_ms: int) -> bool:
        """Close once: True only for the caller that closed it (so it reveals once)."""
        got = await self.pool.fetchval(
            "UPDATE rounds SET closed_ms = $1 WHERE platform = $2 AND team = $3 AND id = $4 "
            "AND closed_ms IS NULL RETURNING true",
            closed_ms,
            platform,
            team,
            round_id,
        )
        return bool(got)

    async def set_round_message(self, platform: str, team: str, round_id: str, ref: str) -> None:
        await self.pool.execute(
            "UPDATE rounds SET message_ref = $1 WHERE platform = $2 AND team = $3 AND id = $4",
            ref,
            platform,
            team,
            round_id,
        )

    async def due_rounds(self, now_ms: int) -> list[Round]:
        rows = await self.pool.fetch(
            "SELECT * FROM rounds WHERE closed_ms IS NULL AND closes_ms <= $1 ORDER BY closes_ms",
            now_ms,
        )
        return [round_row(r) for r in rows]

    async def due_rounds_in(
        self, platform: str, team: str, channel: str, now_ms: int
    ) -> list[Round]:
        rows = await self.pool.fetch(
            "SELECT * FROM rounds WHERE platform = $1 AND team = $2 AND channel = $3 "
            "AND closed_ms IS NULL AND closes_ms <= $4 ORDER BY closes_ms",
            platform,
            team,
            channel,
            now_ms,
        )
        return [round_row(r) for r in rows]

    async def claim_reveal(
        self, platform: str, team: str, round_id: str, now_ms: int, lease_ms: int
    ) -> bool:
        got = await self.pool.fetchval(
            "UPDATE rounds SET reveal_claimed_ms = $1 WHERE platform = $2 AND team = $3 "
            "AND id = $4 AND closed_ms IS NOT NULL AND revealed_ms IS NULL "
            "AND (reveal_claimed_ms IS NULL OR reveal_claimed_ms <= $5) RETURNING true",
            now_ms,
            platform,
            team,
            round_id,
            now_ms - lease_ms,
        )
        return bool(got)

    async def mark_revealed(self, platform: str, team: str, round_id: str, now_ms: int) -> None:
        await self.pool.execute(
            "UPDATE rounds SET revealed_ms = $1 WHERE platform = $2 AND team = $3 AND id = $4",
            now_ms,
            platform,
            team,
            round_id,
        )

    async def owed_reveals(self, now_ms: int, lease_ms: int, since_ms: int) -> list[Round]:
        rows = await self.pool.fetch(
            "SELECT * FROM rounds WHERE closed_ms IS NOT NULL AND revealed_ms IS NULL "
            "AND closed_ms >= $1 AND (reveal_claimed_ms IS NULL OR reveal_claimed_ms <= $2) "
            "ORDER BY closed_ms",
            since_ms,
            now_ms - lease_ms,
        )
        return [round_row(r) for r in rows]

    # --- answers ------------------------------------------------------------------------

    async def record_answer(self, row: AnswerRow, advance: Advance | None = None) -> Recorded:
        """Insert once per (user, context, question), with its totals and streak, atomically.

        Exactly one right answer per (context, question) is first, across processes: see the
        module docstring. A deadlock or a lost first_correct race is retried.
        """
        values = [_answer_value(row, c) for c in _INSERT_COLS]
        return await _retrying(lambda: self._record(row, values, advance))  # type: ignore[no-any-return]

    async def _record(self, row: AnswerRow, values: list[Any], advance: Advance | None) -> Recorded:
        may_first = True
        deadlocks = 0
        while True:
            try:
                async with self._tx() as con:
                    got = await con.fetchrow(
                        _INSERT_ANSWER, *values, round_of(row.context), may_first
                    )
                    if got is not None and advance is not None:
                        await con.execute(
                            _ADVANCE,
                            advance.started_ms,
                            advance.finish,
                            row.platform,
                            row.team,
                            advance.session_id,
                            advance.from_position,
                        )
                return Recorded(got is not None, bool(got["first_correct"]) if got else False)
            except asyncpg.UniqueViolationError as e:
                if e.constraint_name != "answers_one_first" or not may_first:
                    raise
                may_first = False  # another connection's right answer was first
            except asyncpg.DeadlockDetectedError:
                deadlocks += 1
                if deadlocks >= _RETRIES:
                    raise

    async def context_answers(self, platform: str, team: str, context: str) -> list[AnswerRow]:
        rows = await self.pool.fetch(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 AND context = $3 "
            "ORDER BY answered_ms, user_id",
            platform,
            team,
            context,
        )
        return [answer_of(r) for r in rows]

    async def get_answer(
        self, platform: str, team: str, user_id: str, context: str, question_id: str
    ) -> AnswerRow | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND context = $4 AND question_id = $5",
            platform,
            team,
            user_id,
            context,
            question_id,
        )
        return answer_of(r) if r else None

    # --- rotation -----------------------------------------------------------------------

    async def seen(self, platform: str, team: str, scope: str) -> dict[str, int]:
        rows = await self.pool.fetch(
            "SELECT question_id, seen_ms FROM seen WHERE platform = $1 AND team = $2 "
            "AND scope = $3",
            platform,
            team,
            scope,
        )
        return {r[0]: int(r[1]) for r in rows}

    async def mark_seen(
        self, platform: str, team: str, scope: str, question_ids: list[str], ms: int
    ) -> None:
        ids = list(dict.fromkeys(question_ids))  # ON CONFLICT may touch a row only once
        if not ids:
            return
        await self.pool.execute(
            "INSERT INTO seen (platform, team, scope, question_id, seen_ms) "
            "SELECT $1, $2, $3, q, $5 FROM unnest($4::text[]) AS q "
            "ON CONFLICT (platform, team, scope, question_id) "
            "DO UPDATE SET seen_ms = excluded.seen_ms",
            platform,
            team,
            scope,
            ids,
            ms,
        )

    # --- sessions -----------------------------------------------------------------------

    async def create_session(self, s: Session) -> None:
        vals = [
            list(s.question_ids) if c == "question_ids" else getattr(s, c) for c in SESSION_COLS
        ]
        try:
            await self.pool.execute(
                f"INSERT INTO sessions ({', '.join(SESSION_COLS)}) "
                f"VALUES ({_marks(len(SESSION_COLS))})",
                *vals,
            )
        except asyncpg.UniqueViolationError:
            raise SessionActive(s.user_id) from None

    async def get_session(self, platform: str, team: str, session_id: str) -> Session | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM sessions WHERE platform = $1 AND team = $2 AND id = $3",
            platform,
            team,
            session_id,
        )
        return session_of(r) if r else None

    async def active_session(self, platform: str, team: str, user_id: str) -> Session | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM sessions WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND status = 'active'",
            platform,
            team,
            user_id,
        )
        return session_of(r) if r else None

    async def update_session(
        self,
        platform: str,
        team: str,
        session_id: str,
        *,
        position: int | None = None,
        status: str | None = None,
        question_started_ms: int | None = None,
        finished_ms: int | None = None,
    ) -> None:
        changes = session_changes(
            position=position,
            status=status,
            question_started_ms=question_started_ms,
            finished_ms=finished_ms,
        )
        if not changes:
            return
        sets = ", ".join(f"{c} = ${i + 1}" for i, (c, _) in enumerate(changes))
        n = len(changes)
        await self.pool.execute(
            f"UPDATE sessions SET {sets} "
            f"WHERE platform = ${n + 1} AND team = ${n + 2} AND id = ${n + 3}",
            *(v for _, v in changes),
            platform,
            team,
            session_id,
        )

    # --- interviews: follow-ups, hints, tracks and past reports (issue 15) ----------------

    async def save_interview_state(
        self, platform: str, team: str, session_id: str, user_id: str, data: str, ms: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO interview_state "
            "(platform, team, session_id, user_id, data, updated_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, team, session_id) "
            "DO UPDATE SET data = excluded.data, updated_ms = excluded.updated_ms",
            platform,
            team,
            session_id,
            user_id,
            data,
            ms,
        )

    async def interview_state(self, platform: str, team: str, session_id: str) -> str | None:
        v = await self.pool.fetchval(
            "SELECT data FROM interview_state "
            "WHERE platform = $1 AND team = $2 AND session_id = $3",
            platform,
            team,
            session_id,
        )
        return None if v is None else str(v)

    async def set_session_questions(
        self, platform: str, team: str, session_id: str, question_ids: tuple[str, ...]
    ) -> None:
        await self.pool.execute(
            "UPDATE sessions SET question_ids = $1 WHERE platform = $2 AND team = $3 AND id = $4",
            list(question_ids),
            platform,
            team,
            session_id,
        )

    async def user_sessions(
        self, platform: str, team: str, user_id: str, limit: int
    ) -> list[Session]:
        rows = await self.pool.fetch(
            "SELECT * FROM sessions WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "ORDER BY started_ms DESC, id DESC LIMIT $4",
            platform,
            team,
            user_id,
            limit,
        )
        return [session_of(r) for r in rows]

    async def active_sessions_of_user(self, platform: str, user_id: str) -> list[Session]:
        rows = await self.pool.fetch(
            "SELECT * FROM sessions WHERE platform = $1 AND user_id = $2 AND status = 'active' "
            "ORDER BY question_started_ms DESC, id DESC LIMIT 20",
            platform,
            user_id,
        )
        return [session_of(r) for r in rows]

    # --- leaderboards -------------------------------------------------------------------

    async def top(
        self, platform: str, team: str, scope: str, period: str, limit: int
    ) -> list[TotalRow]:
        rows = await self.pool.fetch(
            "SELECT user_id, display_name, points, answers, correct FROM totals "
            "WHERE platform = $1 AND team = $2 AND scope = $3 AND period = $4 "
            f"ORDER BY {RANK_ORDER} LIMIT $5",
            platform,
            team,
            scope,
            period,
            limit,
        )
        return [TotalRow(r[0], r[1], r[2], r[3], r[4], rank=i + 1) for i, r in enumerate(rows)]

    async def rank_of(
        self, platform: str, team: str, scope: str, period: str, user_id: str
    ) -> TotalRow | None:
        r = await self.pool.fetchrow(
            "SELECT me.user_id, me.display_name, me.points, me.answers, me.correct, "
            "(SELECT COUNT(*) FROM totals o WHERE o.platform = me.platform AND o.team = me.team "
            " AND o.scope = me.scope AND o.period = me.period AND (o.points > me.points OR "
            " (o.points = me.points AND (o.reached_ms < me.reached_ms OR "
            " (o.reached_ms = me.reached_ms AND o.user_id < me.user_id))))) AS ahead "
            "FROM totals me WHERE me.platform = $1 AND me.team = $2 AND me.scope = $3 "
            "AND me.period = $4 AND me.user_id = $5",
            platform,
            team,
            scope,
            period,
            user_id,
        )
        if r is None:
            return None
        return TotalRow(r[0], r[1], r[2], r[3], r[4], rank=int(r[5]) + 1)

    async def board_size(self, platform: str, team: str, scope: str, period: str) -> int:
        return int(
            await self.pool.fetchval(
                "SELECT COUNT(*) FROM totals WHERE platform = $1 AND team = $2 AND scope = $3 "
                "AND period = $4",
                platform,
                team,
                scope,
                period,
            )
        )

    async def streak(self, platform: str, team: str, user_id: str) -> Streak | None:
        r = await self.pool.fetchrow(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform = $1 AND team = $2 AND user_id = $3",
            platform,
            team,
            user_id,
        )
        return streak_row(r) if r else None

    async def streaks(self, platform: str, team: str, user_ids: list[str]) -> dict[str, Streak]:
        rows = await self.pool.fetch(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform = $1 AND team = $2 "
            "AND user_id = ANY($3::text[])",
            platform,
            team,
            sorted(set(user_ids)),
        )
        return {s.user_id: s for s in map(streak_row, rows)}

    async def top_streaks(
        self, platform: str, team: str, since_day: str, limit: int
    ) -> list[Streak]:
        """Streaks still alive (last right answer on or after `since_day`), longest first."""
        rows = await self.pool.fetch(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform = $1 AND team = $2 "
            "AND last_day >= $3 ORDER BY current DESC, best DESC, user_id LIMIT $4",
            platform,
            team,
            since_day,
            limit,
        )
        return [streak_row(r) for r in rows]

    async def topic_stats(self, platform: str, team: str, user_id: str) -> list[TopicStats]:
        rows = await self.pool.fetch(
            "SELECT topic, COUNT(*), SUM(correct::int), SUM(score) FROM answers "
            "WHERE platform = $1 AND team = $2 AND user_id = $3 GROUP BY topic ORDER BY topic",
            platform,
            team,
            user_id,
        )
        return [TopicStats(r[0], int(r[1]), int(r[2]), float(r[3])) for r in rows]

    # --- daily questions ----------------------------------------------------------------

    async def upsert_schedule(self, s: Schedule) -> None:
        sets = ", ".join(f"{c} = excluded.{c}" for c in SCHEDULE_COLS[3:])
        await self.pool.execute(
            f"INSERT INTO daily_schedules ({', '.join(SCHEDULE_COLS)}) "
            f"VALUES ({_marks(len(SCHEDULE_COLS))}) "
            f"ON CONFLICT (platform, team, channel) DO UPDATE SET {sets}",
            *(getattr(s, c) for c in SCHEDULE_COLS),
        )

    async def get_schedule(self, platform: str, team: str, channel: str) -> Schedule | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM daily_schedules WHERE platform = $1 AND team = $2 AND channel = $3",
            platform,
            team,
            channel,
        )
        return schedule_of(r) if r else None

    async def set_schedule_status(
        self, platform: str, team: str, channel: str, status: str, reason: str, ms: int
    ) -> None:
        await self.pool.execute(
            "UPDATE daily_schedules SET status = $1, reason = $2, updated_ms = $3 "
            "WHERE platform = $4 AND team = $5 AND channel = $6",
            status,
            reason,
            ms,
            platform,
            team,
            channel,
        )

    async def active_schedules(self) -> list[Schedule]:
        """Every active schedule of every team: what the scheduler rebuilds its jobs from."""
        rows = await self.pool.fetch(
            "SELECT * FROM daily_schedules WHERE status = 'active' ORDER BY platform, team, channel"
        )
        return [schedule_of(r) for r in rows]

    async def team_schedules(self, platform: str, team: str) -> list[Schedule]:
        rows = await self.pool.fetch(
            "SELECT * FROM daily_schedules WHERE platform = $1 AND team = $2 "
            "AND status = 'active' ORDER BY channel",
            platform,
            team,
        )
        return [schedule_of(r) for r in rows]

    async def claim_daily(
        self,
        platform: str,
        team: str,
        channel: str,
        kind: str,
        day: str,
        now_ms: int,
        lease_ms: int,
    ) -> bool:
        """One atomic statement: True for exactly one caller per (channel, kind, day).

        A racing claimer waits on the row lock, then re-reads the row and sees a fresh lease.
        """
        got = await self.pool.fetchval(
            "INSERT INTO daily_claims (platform, team, channel, kind, day, claimed_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, team, channel, kind, day) "
            "DO UPDATE SET claimed_ms = excluded.claimed_ms "
            "WHERE NOT daily_claims.posted AND daily_claims.claimed_ms < $7 RETURNING true",
            platform,
            team,
            channel,
            kind,
            day,
            now_ms,
            now_ms - lease_ms,
        )
        return bool(got)

    async def mark_daily_posted(
        self, platform: str, team: str, channel: str, kind: str, day: str, round_id: str
    ) -> None:
        await self.pool.execute(
            "UPDATE daily_claims SET posted = true, round_id = $1 WHERE platform = $2 "
            "AND team = $3 AND channel = $4 AND kind = $5 AND day = $6",
            round_id,
            platform,
            team,
            channel,
            kind,
            day,
        )

    async def rounds_between(
        self, platform: str, team: str, channel: str, kind: str, from_ms: int, to_ms: int
    ) -> list[Round]:
        rows = await self.pool.fetch(
            "SELECT * FROM rounds WHERE platform = $1 AND team = $2 AND channel = $3 "
            "AND kind = $4 AND opened_ms >= $5 AND opened_ms < $6 ORDER BY opened_ms",
            platform,
            team,
            channel,
            kind,
            from_ms,
            to_ms,
        )
        return [round_row(r) for r in rows]

    # --- team packs ---------------------------------------------------------------------

    async def add_team_pack(self, platform: str, team: str, pack: TeamPack) -> None:
        await self.pool.execute(
            "INSERT INTO team_packs (platform, team, pack_id, source, added_by, added_ms, "
            "parsed) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (platform, team, pack_id) "
            "DO UPDATE SET source = excluded.source, added_by = excluded.added_by, "
            "added_ms = excluded.added_ms, parsed = excluded.parsed",
            platform,
            team,
            pack.pack_id,
            pack.source,
            pack.added_by,
            pack.added_ms,
            pack.parsed,
        )

    async def team_packs(self, platform: str, team: str) -> list[TeamPack]:
        rows = await self.pool.fetch(
            "SELECT pack_id, source, added_by, added_ms, parsed FROM team_packs "
            "WHERE platform = $1 AND team = $2 ORDER BY pack_id",
            platform,
            team,
        )
        return [TeamPack(*r) for r in rows]

    async def remove_team_pack(self, platform: str, team: str, pack_id: str) -> bool:
        got = await self.pool.fetchval(
            "DELETE FROM team_packs WHERE platform = $1 AND team = $2 AND pack_id = $3 "
            "RETURNING true",
            platform,
            team,
            pack_id,
        )
        return bool(got)

    # --- item analytics -----------------------------------------------------------------

    async def item_stats(
        self, platform: str | None, team: str | None, *, pooled: bool = False
    ) -> list[ItemStats]:
        where, args = _item_scope(platform, team, pooled)
        key = "question_id" if pooled else "platform, team, question_id"
        sel = f"'{ALL_TEAMS}', '{ALL_TEAMS}', question_id" if pooled else key
        m = MIN_PLAYER_ANSWERS
        rows = await self.pool.fetch(
            f"""
            WITH a AS (SELECT platform, team, user_id, question_id, correct::int AS x,
                              elapsed_ms FROM answers {where}),
            u AS (SELECT platform, team, user_id, COUNT(*) AS n, SUM(x) AS c FROM a
                  GROUP BY platform, team, user_id HAVING COUNT(*) >= {m}),
            g AS (SELECT platform, team, user_id, n, c,
                         ROW_NUMBER() OVER (PARTITION BY platform, team
                                            ORDER BY c::float8 / n DESC, user_id) AS pos,
                         COUNT(*) OVER (PARTITION BY platform, team) AS cnt FROM u),
            j AS (SELECT a.platform, a.team, a.question_id, a.x, a.elapsed_ms,
                         (g.c - a.x)::float8 / (g.n - 1) AS y,
                         CASE WHEN g.pos * 100 <= g.cnt * 27 THEN 1 ELSE 0 END AS up,
                         CASE WHEN (g.cnt - g.pos + 1) * 100 <= g.cnt * 27 THEN 1 ELSE 0
                         END AS lo
                  FROM a LEFT JOIN g ON g.platform = a.platform AND g.team = a.team
                                    AND g.user_id = a.user_id)
            SELECT {sel}, COUNT(*), SUM(x),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY elapsed_ms),
                   COUNT(y), SUM(CASE WHEN y IS NULL THEN 0 ELSE x END),
                   COALESCE(SUM(y), 0), COALESCE(SUM(y * y), 0), COALESCE(SUM(x * y), 0),
                   SUM(up), SUM(up * x), SUM(lo), SUM(lo * x)
            FROM j GROUP BY {key} ORDER BY {key}""",
            *args,
        )
        return [
            ItemStats(
                r[0],
                r[1],
                r[2],
                int(r[3]),
                int(r[4]),
                None if r[5] is None else float(r[5]),
                int(r[6]),
                float(r[7]),
                float(r[8]),
                float(r[9]),
                float(r[10]),
                int(r[11]),
                int(r[12]),
                int(r[13]),
                int(r[14]),
            )
            for r in rows
        ]

    async def pick_counts(
        self,
        platform: str | None,
        team: str | None,
        question_ids: list[str],
        *,
        pooled: bool = False,
    ) -> list[PickCount]:
        where, args = _item_scope(platform, team, pooled)
        key = "question_id" if pooled else "platform, team, question_id"
        sel = f"'{ALL_TEAMS}', '{ALL_TEAMS}', question_id" if pooled else key
        rows = await self.pool.fetch(
            f"SELECT * FROM (SELECT {sel}, picked, n, r, ROW_NUMBER() OVER ("
            f"PARTITION BY {key} ORDER BY n DESC, picked) AS k FROM ("
            f"SELECT {key}, lower(btrim(substr(answer, 1, 200))) AS picked, "
            f"COUNT(*) AS n, SUM(correct::int) AS r FROM answers {where} "
            f"AND question_id = ANY(${len(args) + 1}::text[]) "
            f"GROUP BY {key}, picked) AS g) AS t WHERE k <= {MAX_PICKS} "
            f"ORDER BY {key}, picked",
            *args,
            sorted(set(question_ids)),
        )
        return [PickCount(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]

    async def question_statuses(self, platform: str, team: str) -> dict[str, QuestionStatus]:
        rows = await self.pool.fetch(
            "SELECT question_id, status, reason, by_user, answers, updated_ms "
            "FROM question_status WHERE platform = $1 AND team = $2",
            platform,
            team,
        )
        return {r[0]: QuestionStatus(*r) for r in rows}

    async def set_question_status(self, platform: str, team: str, s: QuestionStatus) -> None:
        await self.pool.execute(
            "INSERT INTO question_status (platform, team, question_id, status, reason, "
            "by_user, answers, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (platform, team, question_id) DO UPDATE SET "
            "status = excluded.status, reason = excluded.reason, by_user = excluded.by_user, "
            "answers = excluded.answers, updated_ms = excluded.updated_ms",
            platform,
            team,
            s.question_id,
            s.status,
            s.reason,
            s.by_user,
            s.answers,
            s.updated_ms,
        )

    async def rest_questions(
        self, platform: str, team: str, rests: list[QuestionStatus]
    ) -> list[str]:
        """Rest each question that has no decision yet (an admin's keep or retire stands);
        the ids rested now. One statement."""
        if not rests:
            return []
        rows = await self.pool.fetch(
            "INSERT INTO question_status (platform, team, question_id, status, reason, "
            "by_user, answers, updated_ms) "
            "SELECT $1, $2, q, 'rested', r, '', n, $6 FROM unnest($3::text[], $4::text[], "
            "$5::int[]) AS t (q, r, n) ON CONFLICT DO NOTHING RETURNING question_id",
            platform,
            team,
            [s.question_id for s in rests],
            [s.reason for s in rests],
            [s.answers for s in rests],
            max(s.updated_ms for s in rests),
        )
        return [r[0] for r in rows]

    async def out_of_rotation(self, platform: str, team: str) -> set[str]:
        rows = await self.pool.fetch(
            "SELECT question_id FROM question_status WHERE platform = $1 AND team = $2 "
            "AND status IN ('rested', 'retired')",
            platform,
            team,
        )
        return {r[0] for r in rows}

    # --- appeals, flags and re-grading --------------------------------------------------

    async def latest_answer(
        self, platform: str, team: str, user_id: str, question_id: str | None = None
    ) -> AnswerRow | None:
        """The user's latest graded answer (skipped and late ones are not graded)."""
        r = await self.pool.fetchrow(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND verdict NOT IN ('skipped', 'late') "
            "AND ($4::text IS NULL OR question_id = $4::text) "
            "ORDER BY answered_ms DESC, context DESC LIMIT 1",
            platform,
            team,
            user_id,
            question_id,
        )
        return answer_of(r) if r else None

    async def question_answers(self, platform: str, team: str, question_id: str) -> list[AnswerRow]:
        rows = await self.pool.fetch(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 AND question_id = $3 "
            "ORDER BY answered_ms, user_id, context",
            platform,
            team,
            question_id,
        )
        return [answer_of(r) for r in rows]

    # --- exports (issue #17: /export answers) ---------------------------------------------

    async def team_answers(self, platform: str, team: str, limit: int) -> list[AnswerRow]:
        rows = await self.pool.fetch(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 "
            "ORDER BY answered_ms, user_id, context, question_id LIMIT $3",
            platform,
            team,
            limit,
        )
        return [answer_of(r) for r in rows]

    async def add_appeal(self, a: Appeal) -> int | None:
        cols = [c for c in APPEAL_COLS if c != "id"]
        got = await self.pool.fetchval(
            f"INSERT INTO appeals ({', '.join(cols)}) VALUES ({_marks(len(cols))}) "
            "ON CONFLICT DO NOTHING RETURNING id",
            *(getattr(a, c) for c in cols),
        )
        return int(got) if got is not None else None

    async def get_appeal(self, platform: str, team: str, appeal_id: int) -> Appeal | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM appeals WHERE platform = $1 AND team = $2 AND id = $3",
            platform,
            team,
            appeal_id,
        )
        return appeal_of(r) if r else None

    async def appeals(
        self, platform: str, team: str, status: str = "open", limit: int = 50
    ) -> list[Appeal]:
        rows = await self.pool.fetch(
            "SELECT * FROM appeals WHERE platform = $1 AND team = $2 AND status = $3 "
            "ORDER BY id LIMIT $4",
            platform,
            team,
            status,
            limit,
        )
        return [appeal_of(r) for r in rows]

    async def appeal_counts(self, platform: str, team: str) -> dict[str, int]:
        rows = await self.pool.fetch(
            "SELECT question_id, count(*) AS n FROM appeals WHERE platform = $1 AND team = $2 "
            "AND status <> 'rejected' GROUP BY question_id",
            platform,
            team,
        )
        return {r["question_id"]: int(r["n"]) for r in rows}

    async def resolve_appeal(
        self,
        platform: str,
        team: str,
        appeal_id: int,
        status: str,
        by: str,
        resolution: str,
        ms: int,
        rescore: Rescore | None = None,
    ) -> bool:
        async def op() -> bool:
            async with self._tx() as con:
                # the row lock makes a second accept wait, then find it closed
                done = await con.fetchval(
                    "UPDATE appeals SET status = $1, resolved_by = $2, resolution = $3, "
                    "resolved_ms = $4 WHERE platform = $5 AND team = $6 AND id = $7 "
                    "AND status = 'open' RETURNING true",
                    status,
                    by,
                    resolution,
                    ms,
                    platform,
                    team,
                    appeal_id,
                )
                if not done:
                    return False
                if rescore is not None:
                    await self._rescore(con, platform, team, rescore)
            return True

        return await self._deadlock_retrying(op)  # type: ignore[no-any-return]

    async def rescore_answers(self, platform: str, team: str, changes: list[Rescore]) -> int:
        # one order for every writer: the rows of one user, then the next
        ordered = sorted(changes, key=lambda c: (c.user_id, c.context, c.question_id))

        async def op() -> int:
            changed = 0
            async with self._tx() as con:
                for c in ordered:
                    changed += await self._rescore(con, platform, team, c)
            return changed

        return await self._deadlock_retrying(op)  # type: ignore[no-any-return]

    async def _deadlock_retrying(self, op: Callable[[], Awaitable[Any]]) -> Any:
        for attempt in range(_RETRIES):
            try:
                return await _retrying(op)
            except asyncpg.DeadlockDetectedError:
                if attempt + 1 == _RETRIES:
                    raise
        raise AssertionError("unreachable")

    async def _rescore(self, con: asyncpg.Connection, platform: str, team: str, c: Rescore) -> bool:
        """Update one answer (locked first); its totals move by the difference, its user's
        streak is counted again from the right-answer days. Inside the caller's transaction."""
        r = await con.fetchrow(
            "SELECT * FROM answers WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND context = $4 AND question_id = $5 FOR UPDATE",
            platform,
            team,
            c.user_id,
            c.context,
            c.question_id,
        )
        if r is None:
            return False
        old = answer_of(r)
        if (old.score, old.verdict, old.correct, old.points) == (
            c.score,
            c.verdict,
            c.correct,
            c.points,
        ):
            return False
        await con.execute(
            "UPDATE answers SET score = $1, verdict = $2, correct = $3, points = $4, "
            "feedback = $5 WHERE platform = $6 AND team = $7 AND user_id = $8 "
            "AND context = $9 AND question_id = $10",
            c.score,
            c.verdict,
            c.correct,
            c.points,
            c.feedback,
            platform,
            team,
            c.user_id,
            c.context,
            c.question_id,
        )
        dp, dc = c.points - old.points, int(c.correct) - int(old.correct)
        if old.ranked and (dp or dc):
            await con.executemany(
                "UPDATE totals SET points = points + $1, correct = correct + $2, "
                "reached_ms = CASE WHEN $1 > 0 THEN GREATEST(reached_ms, $3) "
                "ELSE reached_ms END "
                "WHERE platform = $4 AND team = $5 AND scope = $6 AND period = $7 "
                "AND user_id = $8",
                [
                    (dp, dc, old.answered_ms, platform, team, scope, period, c.user_id)
                    for scope, period in sorted(total_keys(old))
                ],
            )
        if dc:
            days = [
                d[0]
                for d in await con.fetch(
                    "SELECT DISTINCT day FROM answers WHERE platform = $1 AND team = $2 "
                    "AND user_id = $3 AND correct ORDER BY day",
                    platform,
                    team,
                    c.user_id,
                )
            ]
            got = streak_of(days)
            if got is None:
                await con.execute(
                    "DELETE FROM streaks WHERE platform = $1 AND team = $2 AND user_id = $3",
                    platform,
                    team,
                    c.user_id,
                )
            else:
                await con.execute(
                    "INSERT INTO streaks (platform, team, user_id, display_name, current, best, "
                    "last_day) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                    "ON CONFLICT (platform, team, user_id) DO UPDATE SET "
                    "current = excluded.current, best = excluded.best, "
                    "last_day = excluded.last_day",
                    platform,
                    team,
                    c.user_id,
                    old.display_name,
                    *got,
                )
        return True

    # --- your data, your choice; removed teams; Slack installations (issue 17) -----------

    async def forget_person(self, platform: str, team: str, user_id: str) -> dict[str, int]:
        async def op() -> dict[str, int]:
            touched: dict[str, int] = {}
            async with self._tx() as con:
                await con.execute(_HOLD_ANSWERS)
                for table, column, action, value in person_rules(user_id):
                    sql = (
                        f"DELETE FROM {_table(table)}"
                        if action == DELETE
                        else f"UPDATE {_table(table)} SET {column} = ''"
                    )
                    status = await con.execute(
                        f"{sql} WHERE platform = $1 AND team = $2 AND {column} = $3",
                        platform,
                        team,
                        value,
                    )
                    touched[table] = touched.get(table, 0) + _status_count(status)
            return touched

        return await self._deadlock_retrying(op)  # type: ignore[no-any-return]

    async def person_rows(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, list[dict[str, Any]]]:
        by_table: dict[str, list[tuple[str, str]]] = {}
        for table, column, action, value in person_rules(user_id):
            if action == DELETE:  # their own rows; shared ones (BLANK) are everyone's
                by_table.setdefault(table, []).append((column, value))

        async def op() -> dict[str, list[dict[str, Any]]]:
            out: dict[str, list[dict[str, Any]]] = {}
            async with (
                self.pool.acquire() as con,
                con.transaction(isolation="repeatable_read", readonly=True),
            ):
                for table, conds in by_table.items():
                    where = " OR ".join(f"{c} = ${i + 3}" for i, (c, _) in enumerate(conds))
                    rows = await con.fetch(
                        f"SELECT * FROM {_table(table)} WHERE platform = $1 AND team = $2 "
                        f"AND ({where})",
                        platform,
                        team,
                        *(v for _, v in conds),
                    )
                    hidden = HIDDEN.get(table, ())
                    out[table] = [{k: v for k, v in r.items() if k not in hidden} for r in rows]
            return out

        return await _retrying(op)  # type: ignore[no-any-return]

    async def mark_team_removed(
        self, platform: str, team: str, removed_ms: int, purge_ms: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO team_removals (platform, team, removed_ms, purge_ms) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (platform, team) DO UPDATE SET "
            "purge_ms = LEAST(team_removals.purge_ms, excluded.purge_ms)",
            platform,
            team,
            removed_ms,
            purge_ms,
        )

    async def cancel_team_removal(self, platform: str, team: str) -> bool:
        got = await self.pool.fetchval(
            "DELETE FROM team_removals WHERE platform = $1 AND team = $2 RETURNING true",
            platform,
            team,
        )
        return bool(got)

    async def due_team_purges(self, now_ms: int) -> list[tuple[str, str]]:
        rows = await self.pool.fetch(
            "SELECT platform, team FROM team_removals WHERE purge_ms <= $1 ORDER BY purge_ms",
            now_ms,
        )
        return [(r["platform"], r["team"]) for r in rows]

    async def purge_team(self, platform: str, team: str, now_ms: int) -> dict[str, int] | None:
        due = (
            "EXISTS (SELECT 1 FROM team_removals WHERE platform = $1 AND team = $2 "
            "AND purge_ms <= $3)"
        )
        if not await self.pool.fetchval(f"SELECT {due}", platform, team, now_ms):
            return None
        deleted: dict[str, int] = {}
        for table in PERSONAL:
            if table == "team_removals":
                continue
            deleted[table] = 0
            while True:  # in batches: each its own short statement
                status = await self.pool.execute(
                    f"DELETE FROM {_table(table)} WHERE ctid IN (SELECT ctid FROM "
                    f"{_table(table)} WHERE platform = $1 AND team = $2 LIMIT $4) AND {due}",
                    platform,
                    team,
                    now_ms,
                    PURGE_BATCH,
                )
                n = _status_count(status)
                deleted[table] += n
                if n < PURGE_BATCH:
                    break
        done = await self.pool.fetchval(
            "DELETE FROM team_removals WHERE platform = $1 AND team = $2 AND purge_ms <= $3 "
            "RETURNING true",
            platform,
            team,
            now_ms,
        )
        return deleted if done else None

    async def save_installation(
        self, platform: str, team: str, enterprise_id: str, installer: str, secret: str, ms: int
    ) -> None:
        await self.pool.execute(
            "INSERT INTO installations (platform, team, enterprise_id, installer, installed_ms, "
            "secret) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, team) DO UPDATE "
            "SET enterprise_id = excluded.enterprise_id, installer = excluded.installer, "
            "installed_ms = excluded.installed_ms, secret = excluded.secret",
            platform,
            team,
            enterprise_id,
            installer,
            ms,
            secret,
        )

    async def installation(self, platform: str, team: str) -> str | None:
        got = await self.pool.fetchval(
            "SELECT secret FROM installations WHERE platform = $1 AND team = $2", platform, team
        )
        return None if got is None else str(got)

    async def delete_installation(self, platform: str, team: str) -> bool:
        got = await self.pool.fetchval(
            "DELETE FROM installations WHERE platform = $1 AND team = $2 RETURNING true",
            platform,
            team,
        )
        return bool(got)

    async def add_oauth_state(self, state: str, expires_ms: int) -> None:
        async def op() -> None:
            async with self._tx() as con:
                await con.execute(
                    "DELETE FROM oauth_states WHERE expires_ms < $1", expires_ms - 86_400_000
                )
                await con.execute(
                    "INSERT INTO oauth_states (state, expires_ms) VALUES ($1, $2) "
                    "ON CONFLICT (state) DO NOTHING",
                    state,
                    expires_ms,
                )

        await _retrying(op)

    async def consume_oauth_state(self, state: str, now_ms: int) -> bool:
        got = await self.pool.fetchval(
            "DELETE FROM oauth_states WHERE state = $1 AND expires_ms >= $2 RETURNING true",
            state,
            now_ms,
        )
        return bool(got)

    # --- whole-database copy ------------------------------------------------------------

    async def dump(self, batch: int = 1000) -> AsyncGenerator[Batch, None]:
        """One REPEATABLE READ transaction: a consistent view of every table."""
        async with (
            self.pool.acquire() as con,
            con.transaction(isolation="repeatable_read", readonly=True),
        ):
            for table in TABLES:
                yielded = False
                cur = await con.cursor(f"SELECT * FROM {_table(table)}")
                while rows := await cur.fetch(batch):
                    yielded = True
                    yield table, [dict(r.items()) for r in rows]
                if not yielded:
                    yield table, []

    async def load(self, batches: AsyncIterable[Batch], *, replace: bool = False) -> dict[str, int]:
        counts: dict[str, int] = {}
        types: dict[str, dict[str, str]] = {}
        async with self._tx() as con:
            filled = [
                t
                for t in TABLES
                if await con.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_table(t)})")
            ]
            if filled and not replace:
                raise NotEmpty(f"the target already has data ({', '.join(filled)})")
            if filled:
                await con.execute(f"TRUNCATE {', '.join(map(_table, filled))}")
            async for table, rows in batches:
                if table not in types:
                    types[table] = {
                        r[0]: r[1]
                        for r in await con.fetch(
                            "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = $1 "
                            "ORDER BY ordinal_position",
                            _table(table),
                        )
                    }
                    counts[table] = 0
                    if table in DERIVED:  # what the triggers derived while answers loaded
                        await con.execute(f"DELETE FROM {_table(table)}")
                if not rows:
                    continue
                kinds = types[table]
                if set(rows[0]) != set(kinds):
                    raise LoadError(f"table {table}: the columns differ")
                names = list(kinds)
                await con.copy_records_to_table(
                    table,
                    columns=names,
                    records=[tuple(_to_postgres(kinds[c], r[c]) for c in names) for r in rows],
                )
                counts[table] += len(rows)
            for table, n in counts.items():
                got = await con.fetchval(f"SELECT COUNT(*) FROM {_table(table)}")
                if got != n:
                    raise LoadError(f"table {table}: {n} rows loaded but {got} there")
            # ids were loaded as they were: new appeals number on from the highest
            await con.execute(
                "SELECT setval(pg_get_serial_sequence('appeals', 'id'), "
                "COALESCE(MAX(id), 0) + 1, false) FROM appeals"
            )
        return counts

    # --- ability estimates (issue #15: practice that remembers) -------------------------

    async def abilities(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, tuple[float, int]]:
        rows = await self.pool.fetch(
            "SELECT topic, rating, answers FROM abilities WHERE platform = $1 AND team = $2 "
            "AND user_id = $3 ORDER BY topic",
            platform,
            team,
            user_id,
        )
        return {r[0]: (float(r[1]), int(r[2])) for r in rows}

    async def apply_ability(
        self,
        platform: str,
        team: str,
        user_id: str,
        topic: str,
        event: str,
        at_ms: int,
        step: Callable[[float | None, int], float],
    ) -> bool:
        async def op() -> bool:
            async with self._tx() as con:
                new = await con.fetchval(
                    "INSERT INTO ability_events (platform, team, user_id, event) "
                    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING true",
                    platform,
                    team,
                    user_id,
                    event,
                )
                if not new:
                    return False
                # a row to lock, even before the first answer (answers 0: no rating yet), so
                # two first answers in a topic at once both count
                await con.execute(
                    "INSERT INTO abilities (platform, team, user_id, topic, rating, answers, "
                    "updated_ms) VALUES ($1, $2, $3, $4, 0, 0, $5) ON CONFLICT DO NOTHING",
                    platform,
                    team,
                    user_id,
                    topic,
                    at_ms,
                )
                row = await con.fetchrow(
                    "SELECT rating, answers FROM abilities WHERE platform = $1 AND team = $2 "
                    "AND user_id = $3 AND topic = $4 FOR UPDATE",
                    platform,
                    team,
                    user_id,
                    topic,
                )
                answers = int(row[1])
                rating = float(row[0]) if answers else None
                await con.execute(
                    "UPDATE abilities SET rating = $5, answers = $6, updated_ms = $7 "
                    "WHERE platform = $1 AND team = $2 AND user_id = $3 AND topic = $4",
                    platform,
                    team,
                    user_id,
                    topic,
                    step(rating, answers),
                    answers + 1,
                    at_ms,
                )
                return True

        return await self._deadlock_retrying(op)  # type: ignore[no-any-return]

    # --- review items and reminders (issue #15: practice that remembers) ----------------

    async def add_review_item(self, item: ReviewItem) -> bool:
        got = await self.pool.fetchval(
            f"INSERT INTO review_items ({', '.join(REVIEW_COLS)}) "
            f"VALUES ({_marks(len(REVIEW_COLS))}) ON CONFLICT DO NOTHING RETURNING true",
            *(getattr(item, c) for c in REVIEW_COLS),
        )
        return bool(got)

    async def review_items(
        self, platform: str, team: str, user_id: str, due_by_ms: int | None = None
    ) -> list[ReviewItem]:
        rows = await self.pool.fetch(
            "SELECT * FROM review_items WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND ($4::bigint IS NULL OR due_ms <= $4) ORDER BY due_ms, question_id",
            platform,
            team,
            user_id,
            due_by_ms,
        )
        return [review_item_of(r) for r in rows]

    async def asked_review(self, platform: str, team: str, user_id: str) -> ReviewItem | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM review_items WHERE platform = $1 AND team = $2 AND user_id = $3 "
            "AND asked_ms IS NOT NULL ORDER BY asked_ms DESC, question_id LIMIT 1",
            platform,
            team,
            user_id,
        )
        return review_item_of(r) if r else None

    async def mark_review_asked(
        self, platform: str, team: str, user_id: str, question_id: str, ms: int
    ) -> None:
        await self.pool.execute(
            "UPDATE review_items SET asked_ms = $1 WHERE platform = $2 AND team = $3 "
            "AND user_id = $4 AND question_id = $5",
            ms,
            platform,
            team,
            user_id,
            question_id,
        )

    async def reschedule_review(
        self,
        platform: str,
        team: str,
        user_id: str,
        question_id: str,
        *,
        was_due_ms: int,
        card: str,
        due_ms: int,
        score: float,
        ms: int,
    ) -> bool:
        got = await self.pool.fetchval(
            "UPDATE review_items SET card = $1, due_ms = $2, last_score = $3, "
            "reviews = reviews + 1, asked_ms = NULL, updated_ms = $4 WHERE platform = $5 "
            "AND team = $6 AND user_id = $7 AND question_id = $8 AND due_ms = $9 RETURNING true",
            card,
            due_ms,
            score,
            ms,
            platform,
            team,
            user_id,
            question_id,
            was_due_ms,
        )
        return bool(got)

    async def set_review_reminder(
        self, platform: str, team: str, user_id: str, reminder: ReviewReminder | None
    ) -> None:
        if reminder is None:
            await self.pool.execute(
                "DELETE FROM review_reminders WHERE platform = $1 AND team = $2 AND user_id = $3",
                platform,
                team,
                user_id,
            )
            return
        await self.pool.execute(
            f"INSERT INTO review_reminders ({', '.join(REMINDER_COLS)}) "
            f"VALUES ({_marks(len(REMINDER_COLS))}) ON CONFLICT (platform, team, user_id) "
            "DO UPDATE SET remind_time = excluded.remind_time, timezone = excluded.timezone, "
            "channel = excluded.channel, updated_ms = excluded.updated_ms",
            *(getattr(reminder, c) for c in REMINDER_COLS),
        )

    async def review_reminder(
        self, platform: str, team: str, user_id: str
    ) -> ReviewReminder | None:
        r = await self.pool.fetchrow(
            "SELECT * FROM review_reminders WHERE platform = $1 AND team = $2 AND user_id = $3",
            platform,
            team,
            user_id,
        )
        return reminder_of(r) if r else None

    async def review_reminders(self) -> list[ReviewReminder]:
        rows = await self.pool.fetch(
            "SELECT * FROM review_reminders ORDER BY platform, team, user_id"
        )
        return [reminder_of(r) for r in rows]

    async def claim_review_reminder(
        self, platform: str, team: str, user_id: str, day: str, now_ms: int, lease_ms: int
    ) -> bool:
        got = await self.pool.fetchval(
            "INSERT INTO review_reminder_claims (platform, team, user_id, day, claimed_ms) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, team, user_id, day) "
            "DO UPDATE SET claimed_ms = excluded.claimed_ms WHERE NOT "
            "review_reminder_claims.sent AND review_reminder_claims.claimed_ms < $6 RETURNING true",
            platform,
            team,
            user_id,
            day,
            now_ms,
            now_ms - lease_ms,
        )
        return bool(got)

    async def mark_review_reminder_sent(
        self, platform: str, team: str, user_id: str, day: str
    ) -> None:
        await self.pool.execute(
            "UPDATE review_reminder_claims SET sent = true WHERE platform = $1 AND team = $2 "
            "AND user_id = $3 AND day = $4",
            platform,
            team,
            user_id,
            day,
        )

    # --- charts (bot/charts) --------------------------------------------------------------

    async def active_days(
        self, platform: str, team: str, user_id: str, since_day: str
    ) -> dict[str, int]:
        rows = await self.pool.fetch(
            "SELECT day, COUNT(*) FROM answers WHERE platform = $1 AND team = $2 "
            "AND user_id = $3 AND day >= $4 GROUP BY day",
            platform,
            team,
            user_id,
            since_day,
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def interview_topic_scores(
        self, platform: str, team: str, user_id: str, before_ms: int
    ) -> list[InterviewTopicScore]:
        rows = await self.pool.fetch(
            "SELECT context, topic, SUM(score), COUNT(*), MIN(answered_ms) FROM answers "
            "WHERE platform = $1 AND team = $2 AND user_id = $3 AND source = 'interview' "
            "GROUP BY context, topic HAVING MIN(answered_ms) < $4 "
            "ORDER BY MIN(answered_ms), context, topic",
            platform,
            team,
            user_id,
            before_ms,
        )
        return [interview_topic_score(r) for r in rows]

    async def movers(
        self, platform: str, team: str, scope: str, period: str, before: str, limit: int
    ) -> list[BoardMove]:
        rows = await self.pool.fetch(
            "SELECT t.user_id, t.display_name, t.points, COALESCE(b.points, 0) AS before_pts "
            "FROM totals t LEFT JOIN totals b ON b.platform = t.platform AND b.team = t.team "
            "AND b.scope = t.scope AND b.period = $5 AND b.user_id = t.user_id "
            "WHERE t.platform = $1 AND t.team = $2 AND t.scope = $3 AND t.period = $4 "
            "AND t.points > COALESCE(b.points, 0) "
            "ORDER BY t.points - COALESCE(b.points, 0) DESC, t.user_id LIMIT $6",
            platform,
            team,
            scope,
            period,
            before,
            limit,
        )
        return [BoardMove(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    # --- a team's own interview tracks (issue #15: teams add their own tracks) ---------

    async def add_team_track(self, platform: str, team: str, track: TeamTrack) -> None:
        await self.pool.execute(
            "INSERT INTO team_tracks (platform, team, track_id, source, added_by, added_ms) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, team, track_id) "
            "DO UPDATE SET source = excluded.source, added_by = excluded.added_by, "
            "added_ms = excluded.added_ms",
            platform,
            team,
            track.track_id,
            track.source,
            track.added_by,
            track.added_ms,
        )

    async def team_tracks(self, platform: str, team: str) -> list[TeamTrack]:
        rows = await self.pool.fetch(
            "SELECT track_id, source, added_by, added_ms FROM team_tracks "
            "WHERE platform = $1 AND team = $2 ORDER BY track_id",
            platform,
            team,
        )
        return [TeamTrack(*r) for r in rows]

    async def remove_team_track(self, platform: str, team: str, track_id: str) -> bool:
        got = await self.pool.fetchval(
            "DELETE FROM team_tracks WHERE platform = $1 AND team = $2 AND track_id = $3 "
            "RETURNING true",
            platform,
            team,
            track_id,
        )
        return bool(got)


def _status_count(status: str) -> int:
    """The row count of a command status ("DELETE 3", "UPDATE 0")."""
    tail = str(status).rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _table(name: str) -> str:
    """A table name for SQL: only one of our own (rows.TABLES)."""
    if name not in TABLES:
        raise LoadError(f"unknown table {name!r}")
    return name


def _to_postgres(kind: str, v: Any) -> Any:
    """A value from either backend's dump for a column of `kind` (SQLite keeps booleans as
    0/1 and lists as JSON text)."""
    if v is None:
        return None
    if kind == "boolean":
        return bool(v)
    if kind == "jsonb" and isinstance(v, str):
        return json.loads(v)
    return v


async def _init_connection(con: asyncpg.Connection) -> None:
    """JSON lists in JSONB columns come and go as Python lists (binary format, so COPY too)."""
    await con.set_type_codec(
        "jsonb", encoder=_jsonb_out, decoder=_jsonb_in, schema="pg_catalog", format="binary"
    )


def _item_scope(platform: str | None, team: str | None, pooled: bool) -> tuple[str, list[Any]]:
    """The WHERE of an analytics query (it always has one, so `AND ...` may follow)."""
    conds, args = ["true"], []
    if platform is not None:
        args.append(platform)
        conds.append(f"platform = ${len(args)}")
    if team is not None:
        args.append(team)
        conds.append(f"team = ${len(args)}")
    if pooled:
        conds.append("strpos(question_id, '/') = 0")  # team questions mean nothing elsewhere
    return "WHERE " + " AND ".join(conds), args


def _jsonb_out(value: Any) -> bytes:
    return b"\x01" + json.dumps(value).encode()  # jsonb's binary form: version 1, then text


def _jsonb_in(data: bytes) -> Any:
    return json.loads(data[1:])


def _marks(n: int) -> str:
    return ", ".join(f"${i + 1}" for i in range(n))


def _answer_value(row: AnswerRow, col: str) -> Any:
    v = getattr(row, col)
    return list(v) if col in ("right_points", "missing_points") else v
