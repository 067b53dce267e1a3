"""SQLite store on aiosqlite: one file, WAL, numbered migrations, running totals by trigger."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

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
from bot.store import sqlite_path
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

_BATCH = 200
_INSERT_ANSWER = (
    f"INSERT INTO answers ({', '.join(ANSWER_COLS)}) "
    f"SELECT {', '.join('?' for c in ANSWER_COLS if c != 'first_correct')}, "
    "CASE WHEN ? THEN NOT EXISTS (SELECT 1 FROM answers WHERE platform=? AND team=? "
    "AND context=? AND question_id=? AND correct=1) ELSE 0 END "
    "WHERE NOT EXISTS (SELECT 1 FROM rounds WHERE platform=? AND team=? AND id=? "
    "AND closed_ms IS NOT NULL) "
    "ON CONFLICT DO NOTHING RETURNING first_correct"
)


class SQLiteStore:
    """The default store. Writes go through one connection, serialised by a lock."""

    def __init__(self, path: str | Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = str(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._db: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None  # for the long analytics reads
        self._write = asyncio.Lock()
        self._pending: list[tuple[tuple[Any, ...], asyncio.Future[Recorded]]] = []
        self._flusher: asyncio.Future[None] | None = None
        # practice that remembers: ability updates and new review items, group-committed
        self._abilities = _Group(self, _apply_abilities)
        self._new_reviews = _Group(self, _insert_reviews)

    @classmethod
    def from_url(cls, url: str) -> SQLiteStore:
        return cls(sqlite_path(url) or "")

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store is not connected")
        return self._db

    async def connect(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        try:
            self._db.row_factory = sqlite3.Row
            # busy_timeout first: switching to WAL takes a lock another process may hold
            await self._db.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
            await self._wal()
            await self._db.execute("PRAGMA synchronous=NORMAL")
            await self._db.execute("PRAGMA foreign_keys=ON")
            await self._db.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache
            await self._migrate()
        except BaseException:
            await self.close()  # never leave the connection's thread running
            raise

    async def _wal(self) -> None:
        """Switch to WAL. With processes opening a new file together, SQLite can answer
        "database is locked" here without waiting out busy_timeout (seen under load in
        test_processes_starting_together_on_a_new_file_migrate_once): try a few times."""
        assert self._db is not None
        for attempt in range(8):
            try:
                await self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if not _busy(e) or attempt == 7:
                    raise
                await asyncio.sleep(0.02 * (attempt + 1))

    async def close(self) -> None:
        if self._flusher is not None and not self._flusher.done():
            await self._flusher
        await self._abilities.settle()
        await self._new_reviews.settle()
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """One writer at a time on this connection. SQLite itself waits (busy_timeout) for
        another process's lock; when that runs out the caller gets StoreBusy, a clear
        message, and nothing was written (each write is one statement or transaction)."""
        async with self._write:
            try:
                yield
            except sqlite3.OperationalError as e:
                if _busy(e):
                    raise StoreBusy(str(e)) from e
                raise

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction; rolled back on any error."""
        async with self._writing():
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if self.db.in_transaction:
                    await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def _migrate(self) -> None:
        """Apply pending migrations in one transaction that first takes the write lock, so
        processes starting together on a new file apply each migration once."""
        pending = load_migrations("sqlite")
        async with self._tx() as db:
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL)"
            )
            # applied by number, not "above the highest": a migration numbered below one
            # already applied (branches merged out of order) still runs, once
            applied = {
                int(r[0]) for r in await db.execute_fetchall("SELECT version FROM schema_version")
            }
            for version, name, sql in pending:
                if version in applied:
                    continue
                for statement in _statements(sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)", (version, name)
                )

    async def schema_version(self) -> int:
        async with self.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _one(self, sql: str, args: Iterable[Any] = ()) -> sqlite3.Row | None:
        rows = await self.db.execute_fetchall(sql, tuple(args))
        return next(iter(rows), None)

    async def _all(self, sql: str, args: Iterable[Any] = ()) -> list[sqlite3.Row]:
        return list(await self.db.execute_fetchall(sql, tuple(args)))

    # --- settings -----------------------------------------------------------------------

    async def get_settings(self, platform: str, team: str, channel: str) -> dict[str, str]:
        """Team-wide settings overlaid with the channel's own."""
        rows = await self._all(
            "SELECT channel, key, value FROM settings WHERE platform=? AND team=? "
            "AND channel IN ('', ?) ORDER BY channel",
            (platform, team, channel),
        )
        return {r["key"]: r["value"] for r in rows}

    async def set_setting(
        self, platform: str, team: str, channel: str, key: str, value: str | None
    ) -> None:
        async with self._writing():
            if value is None:
                await self.db.execute(
                    "DELETE FROM settings WHERE platform=? AND team=? AND channel=? AND key=?",
                    (platform, team, channel, key),
                )
            else:
                await self.db.execute(
                    "INSERT INTO settings (platform, team, channel, key, value) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, team, channel, key) "
                    "DO UPDATE SET value = excluded.value",
                    (platform, team, channel, key, value),
                )

    # --- rounds -------------------------------------------------------------------------

    async def open_round(self, rnd: Round) -> None:
        cols = ", ".join(ROUND_COLS)
        marks = ", ".join("?" for _ in ROUND_COLS)
        try:
            async with self._writing():
                await self.db.execute(
                    f"INSERT INTO rounds ({cols}) VALUES ({marks})",
                    tuple(getattr(rnd, c) for c in ROUND_COLS),
                )
        except sqlite3.IntegrityError:
            raise RoundOpen(rnd.channel) from None

    async def get_round(self, platform: str, team: str, round_id: str) -> Round | None:
        r = await self._one(
            "SELECT * FROM rounds WHERE platform=? AND team=? AND id=?", (platform, team, round_id)
        )
        return round_row(r) if r else None

    async def open_round_in(
        self, platform: str, team: str, channel: str, kind: str
    ) -> Round | None:
        r = await self._one(
            "SELECT * FROM rounds WHERE platform=? AND team=? AND channel=? AND kind=? "
            "AND closed_ms IS NULL",
            (platform, team, channel, kind),
        )
        return round_row(r) if r else None

    async def close_round(self, platform: str, team: str, round_id: str, closed_ms: int) -> bool:
        """Close once: True only for the caller that closed it (so it reveals once)."""
        async with self._writing():
            cur = await self.db.execute(
                "UPDATE rounds SET closed_ms=? WHERE platform=? AND team=? AND id=? "
                "AND closed_ms IS NULL",
                (closed_ms, platform, team, round_id),
            )
            return cur.rowcount == 1

    async def set_round_message(self, platform: str, team: str, round_id: str, ref: str) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE rounds SET message_ref=? WHERE platform=? AND team=? AND id=?",
                (ref, platform, team, round_id),
            )

    async def due_rounds(self, now_ms: int) -> list[Round]:
        rows = await self._all(
            "SELECT * FROM rounds WHERE closed_ms IS NULL AND closes_ms <= ? ORDER BY closes_ms",
            (now_ms,),
        )
        return [round_row(r) for r in rows]

    async def due_rounds_in(
        self, platform: str, team: str, channel: str, now_ms: int
    ) -> list[Round]:
        rows = await self._all(
            "SELECT * FROM rounds WHERE platform=? AND team=? AND channel=? "
            "AND closed_ms IS NULL AND closes_ms <= ? ORDER BY closes_ms",
            (platform, team, channel, now_ms),
        )
        return [round_row(r) for r in rows]

    async def claim_reveal(
        self, platform: str, team: str, round_id: str, now_ms: int, lease_ms: int
    ) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "UPDATE rounds SET reveal_claimed_ms=? WHERE platform=? AND team=? AND id=? "
                "AND closed_ms IS NOT NULL AND revealed_ms IS NULL "
                "AND (reveal_claimed_ms IS NULL OR reveal_claimed_ms <= ?)",
                (now_ms, platform, team, round_id, now_ms - lease_ms),
            )
            return cur.rowcount == 1

    async def mark_revealed(self, platform: str, team: str, round_id: str, now_ms: int) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE rounds SET revealed_ms=? WHERE platform=? AND team=? AND id=?",
                (now_ms, platform, team, round_id),
            )

    async def owed_reveals(self, now_ms: int, lease_ms: int, since_ms: int) -> list[Round]:
        rows = await self._all(
            "SELECT * FROM rounds WHERE closed_ms IS NOT NULL AND revealed_ms IS NULL "
            "AND closed_ms >= ? AND (reveal_claimed_ms IS NULL OR reveal_claimed_ms <= ?) "
            "ORDER BY closed_ms",
            (since_ms, now_ms - lease_ms),
        )
        return [round_row(r) for r in rows]

    # --- answers ------------------------------------------------------------------------

    async def record_answer(self, row: AnswerRow, advance: Advance | None = None) -> Recorded:
        """Insert once per (user, context, question); totals and streaks follow by trigger.

        `first_correct` is decided inside the INSERT, so of many concurrent right answers
        exactly one is first. Answers arriving together share one transaction (group
        commit); each caller returns only after that transaction is committed.
        """
        args = (
            *_answer_values(row),
            int(row.correct),
            row.platform,
            row.team,
            row.context,
            row.question_id,
            row.platform,
            row.team,
            round_of(row.context),
        )
        if advance is None:
            fut: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
            self._pending.append((args, fut))
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.ensure_future(self._flush())
            return await fut
        async with self._tx() as db:
            got = await self._insert_answer(db, args)
            if got.inserted:
                await db.execute(
                    "UPDATE sessions SET position = position + 1, question_started_ms = ?, "
                    "status = CASE WHEN ? THEN 'finished' ELSE status END, "
                    "finished_ms = CASE WHEN ? THEN ? ELSE finished_ms END "
                    "WHERE platform=? AND team=? AND id=? AND position=?",
                    (
                        advance.started_ms,
                        int(advance.finish),
                        int(advance.finish),
                        advance.started_ms,
                        row.platform,
                        row.team,
                        advance.session_id,
                        advance.from_position,
                    ),
                )
        return got

    async def _insert_answer(self, db: aiosqlite.Connection, args: tuple[Any, ...]) -> Recorded:
        got = next(iter(await db.execute_fetchall(_INSERT_ANSWER, args)), None)
        return Recorded(got is not None, bool(got[0]) if got else False)

    async def _flush(self) -> None:
        """Write the waiting answers in batches, one transaction and one thread hop each."""
        while self._pending:
            batch, self._pending = self._pending[:_BATCH], self._pending[_BATCH:]
            rows = [args for args, _ in batch]
            try:
                async with self._writing():
                    results = await self._in_thread(_insert_batch, rows)
            except Exception:
                # one bad answer must not sink the others: write them one by one
                for args, fut in batch:
                    try:
                        async with self._tx() as db:
                            got = await self._insert_answer(db, args)
                        fut.set_result(got)
                    except Exception as e:
                        fut.set_exception(e)
                continue
            for (_, fut), got in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(got)

    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        """Run `fn(sqlite3_connection, *args)` on the connection's own thread.

        aiosqlite does every call on one worker thread; a batch of statements in one hop
        saves a round trip through the event loop per statement (see bench/core.py).
        """
        db = self.db
        runner = getattr(db, "_execute", None)
        raw = getattr(db, "_conn", None)
        if runner is None or raw is None:  # pragma: no cover - a future aiosqlite
            raise RuntimeError("aiosqlite without _execute")
        return await runner(fn, raw, *args)

    async def context_answers(self, platform: str, team: str, context: str) -> list[AnswerRow]:
        rows = await self._all(
            "SELECT * FROM answers WHERE platform=? AND team=? AND context=? "
            "ORDER BY answered_ms, user_id",
            (platform, team, context),
        )
        return [answer_of(r) for r in rows]

    async def get_answer(
        self, platform: str, team: str, user_id: str, context: str, question_id: str
    ) -> AnswerRow | None:
        r = await self._one(
            "SELECT * FROM answers WHERE platform=? AND team=? AND user_id=? AND context=? "
            "AND question_id=?",
            (platform, team, user_id, context, question_id),
        )
        return answer_of(r) if r else None

    # --- rotation -----------------------------------------------------------------------

    async def seen(self, platform: str, team: str, scope: str) -> dict[str, int]:
        rows = await self._all(
            "SELECT question_id, seen_ms FROM seen WHERE platform=? AND team=? AND scope=?",
            (platform, team, scope),
        )
        return {r[0]: int(r[1]) for r in rows}

    async def mark_seen(
        self, platform: str, team: str, scope: str, question_ids: list[str], ms: int
    ) -> None:
        async with self._writing():
            await self.db.executemany(
                "INSERT INTO seen (platform, team, scope, question_id, seen_ms) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, team, scope, question_id) "
                "DO UPDATE SET seen_ms = excluded.seen_ms",
                [(platform, team, scope, q, ms) for q in question_ids],
            )

    # --- sessions -----------------------------------------------------------------------

    async def create_session(self, s: Session) -> None:
        cols = ", ".join(SESSION_COLS)
        marks = ", ".join("?" for _ in SESSION_COLS)
        vals = [
            json.dumps(list(v)) if c == "question_ids" else v
            for c in SESSION_COLS
            for v in [getattr(s, c)]
        ]
        try:
            async with self._writing():
                await self.db.execute(f"INSERT INTO sessions ({cols}) VALUES ({marks})", vals)
        except sqlite3.IntegrityError:
            raise SessionActive(s.user_id) from None

    async def get_session(self, platform: str, team: str, session_id: str) -> Session | None:
        r = await self._one(
            "SELECT * FROM sessions WHERE platform=? AND team=? AND id=?",
            (platform, team, session_id),
        )
        return session_of(r) if r else None

    async def active_session(self, platform: str, team: str, user_id: str) -> Session | None:
        r = await self._one(
            "SELECT * FROM sessions WHERE platform=? AND team=? AND user_id=? AND status='active'",
            (platform, team, user_id),
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
        sets = ", ".join(f"{c} = ?" for c, _ in changes)
        async with self._writing():
            await self.db.execute(
                f"UPDATE sessions SET {sets} WHERE platform=? AND team=? AND id=?",
                (*(v for _, v in changes), platform, team, session_id),
            )

    # --- interviews: follow-ups, hints, tracks and past reports (issue 15) ----------------

    async def save_interview_state(
        self, platform: str, team: str, session_id: str, user_id: str, data: str, ms: int
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO interview_state "
                "(platform, team, session_id, user_id, data, updated_ms) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team, session_id) "
                "DO UPDATE SET data = excluded.data, updated_ms = excluded.updated_ms",
                (platform, team, session_id, user_id, data, ms),
            )

    async def interview_state(self, platform: str, team: str, session_id: str) -> str | None:
        r = await self._one(
            "SELECT data FROM interview_state WHERE platform=? AND team=? AND session_id=?",
            (platform, team, session_id),
        )
        return str(r[0]) if r else None

    async def set_session_questions(
        self, platform: str, team: str, session_id: str, question_ids: tuple[str, ...]
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE sessions SET question_ids = ? WHERE platform=? AND team=? AND id=?",
                (json.dumps(list(question_ids)), platform, team, session_id),
            )

    async def user_sessions(
        self, platform: str, team: str, user_id: str, limit: int
    ) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE platform=? AND team=? AND user_id=? "
            "ORDER BY started_ms DESC, id DESC LIMIT ?",
            (platform, team, user_id, limit),
        )
        return [session_of(r) for r in rows]

    async def active_sessions_of_user(self, platform: str, user_id: str) -> list[Session]:
        rows = await self._all(
            "SELECT * FROM sessions WHERE platform=? AND user_id=? AND status='active' "
            "ORDER BY question_started_ms DESC, id DESC LIMIT 20",
            (platform, user_id),
        )
        return [session_of(r) for r in rows]

    # --- leaderboards -------------------------------------------------------------------

    async def top(
        self, platform: str, team: str, scope: str, period: str, limit: int
    ) -> list[TotalRow]:
        rows = await self._all(
            "SELECT user_id, display_name, points, answers, correct FROM totals "
            f"WHERE platform=? AND team=? AND scope=? AND period=? ORDER BY {RANK_ORDER} "
            "LIMIT ?",
            (platform, team, scope, period, limit),
        )
        return [TotalRow(r[0], r[1], r[2], r[3], r[4], rank=i + 1) for i, r in enumerate(rows)]

    async def rank_of(
        self, platform: str, team: str, scope: str, period: str, user_id: str
    ) -> TotalRow | None:
        me = await self._one(
            "SELECT user_id, display_name, points, answers, correct, reached_ms FROM totals "
            "WHERE platform=? AND team=? AND scope=? AND period=? AND user_id=?",
            (platform, team, scope, period, user_id),
        )
        if me is None:
            return None
        # two index range counts (an OR of the tie-breaks would scan the whole board)
        ahead = await self._one(
            "SELECT (SELECT COUNT(*) FROM totals WHERE platform=?1 AND team=?2 AND scope=?3 "
            "AND period=?4 AND points > ?5) + (SELECT COUNT(*) FROM totals WHERE platform=?1 "
            "AND team=?2 AND scope=?3 AND period=?4 AND points = ?5 AND (reached_ms < ?6 OR "
            "(reached_ms = ?6 AND user_id < ?7)))",
            (platform, team, scope, period, me[2], me[5], user_id),
        )
        return TotalRow(me[0], me[1], me[2], me[3], me[4], rank=int(ahead[0]) + 1 if ahead else 1)

    async def board_size(self, platform: str, team: str, scope: str, period: str) -> int:
        r = await self._one(
            "SELECT COUNT(*) FROM totals WHERE platform=? AND team=? AND scope=? AND period=?",
            (platform, team, scope, period),
        )
        return int(r[0]) if r else 0

    async def streak(self, platform: str, team: str, user_id: str) -> Streak | None:
        r = await self._one(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform=? AND team=? AND user_id=?",
            (platform, team, user_id),
        )
        return streak_row(r) if r else None

    async def streaks(self, platform: str, team: str, user_ids: list[str]) -> dict[str, Streak]:
        rows = await self._all(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform=? AND team=? "
            "AND user_id IN (SELECT value FROM json_each(?))",
            (platform, team, json.dumps(sorted(set(user_ids)))),
        )
        return {s.user_id: s for s in map(streak_row, rows)}

    async def top_streaks(
        self, platform: str, team: str, since_day: str, limit: int
    ) -> list[Streak]:
        """Streaks still alive (last right answer on or after `since_day`), longest first."""
        rows = await self._all(
            f"SELECT {STREAK_COLS} FROM streaks WHERE platform=? AND team=? AND last_day >= ? "
            "ORDER BY current DESC, best DESC, user_id LIMIT ?",
            (platform, team, since_day, limit),
        )
        return [streak_row(r) for r in rows]

    async def topic_stats(self, platform: str, team: str, user_id: str) -> list[TopicStats]:
        rows = await self._all(
            "SELECT topic, COUNT(*), SUM(correct), SUM(score) FROM answers "
            "WHERE platform=? AND team=? AND user_id=? GROUP BY topic ORDER BY topic",
            (platform, team, user_id),
        )
        return [TopicStats(r[0], int(r[1]), int(r[2]), float(r[3])) for r in rows]

    # --- daily questions -------------------------------------------------------------------

    async def upsert_schedule(self, s: Schedule) -> None:
        cols = ", ".join(SCHEDULE_COLS)
        marks = ", ".join("?" for _ in SCHEDULE_COLS)
        sets = ", ".join(f"{c} = excluded.{c}" for c in SCHEDULE_COLS[3:])
        async with self._writing():
            await self.db.execute(
                f"INSERT INTO daily_schedules ({cols}) VALUES ({marks}) "
                f"ON CONFLICT (platform, team, channel) DO UPDATE SET {sets}",
                tuple(getattr(s, c) for c in SCHEDULE_COLS),
            )

    async def get_schedule(self, platform: str, team: str, channel: str) -> Schedule | None:
        r = await self._one(
            "SELECT * FROM daily_schedules WHERE platform=? AND team=? AND channel=?",
            (platform, team, channel),
        )
        return schedule_of(r) if r else None

    async def set_schedule_status(
        self, platform: str, team: str, channel: str, status: str, reason: str, ms: int
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE daily_schedules SET status=?, reason=?, updated_ms=? "
                "WHERE platform=? AND team=? AND channel=?",
                (status, reason, ms, platform, team, channel),
            )

    async def active_schedules(self) -> list[Schedule]:
        """Every active schedule of every team: what the scheduler rebuilds its jobs from."""
        rows = await self._all(
            "SELECT * FROM daily_schedules WHERE status='active' ORDER BY platform, team, channel"
        )
        return [schedule_of(r) for r in rows]

    async def team_schedules(self, platform: str, team: str) -> list[Schedule]:
        rows = await self._all(
            "SELECT * FROM daily_schedules WHERE platform=? AND team=? "
            "AND status='active' ORDER BY channel",
            (platform, team),
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
        """One atomic step: True for exactly one caller per (channel, kind, day)."""
        async with self._writing():
            cur = await self.db.execute(
                "INSERT INTO daily_claims (platform, team, channel, kind, day, claimed_ms) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team, channel, kind, day) "
                "DO UPDATE SET claimed_ms = excluded.claimed_ms "
                "WHERE daily_claims.posted = 0 AND daily_claims.claimed_ms < ?",
                (platform, team, channel, kind, day, now_ms, now_ms - lease_ms),
            )
            return cur.rowcount == 1

    async def mark_daily_posted(
        self, platform: str, team: str, channel: str, kind: str, day: str, round_id: str
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE daily_claims SET posted=1, round_id=? WHERE platform=? AND team=? "
                "AND channel=? AND kind=? AND day=?",
                (round_id, platform, team, channel, kind, day),
            )

    async def rounds_between(
        self, platform: str, team: str, channel: str, kind: str, from_ms: int, to_ms: int
    ) -> list[Round]:
        rows = await self._all(
            "SELECT * FROM rounds WHERE platform=? AND team=? AND channel=? AND kind=? "
            "AND opened_ms >= ? AND opened_ms < ? ORDER BY opened_ms",
            (platform, team, channel, kind, from_ms, to_ms),
        )
        return [round_row(r) for r in rows]

    # --- team packs ---------------------------------------------------------------------

    async def add_team_pack(self, platform: str, team: str, pack: TeamPack) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO team_packs (platform, team, pack_id, source, added_by, added_ms, "
                "parsed) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team, pack_id) "
                "DO UPDATE SET source = excluded.source, added_by = excluded.added_by, "
                "added_ms = excluded.added_ms, parsed = excluded.parsed",
                (
                    platform,
                    team,
                    pack.pack_id,
                    pack.source,
                    pack.added_by,
                    pack.added_ms,
                    pack.parsed,
                ),
            )

    async def team_packs(self, platform: str, team: str) -> list[TeamPack]:
        rows = await self._all(
            "SELECT pack_id, source, added_by, added_ms, parsed FROM team_packs "
            "WHERE platform=? AND team=? ORDER BY pack_id",
            (platform, team),
        )
        return [TeamPack(*r) for r in rows]

    async def remove_team_pack(self, platform: str, team: str, pack_id: str) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "DELETE FROM team_packs WHERE platform=? AND team=? AND pack_id=?",
                (platform, team, pack_id),
            )
            return cur.rowcount == 1

    # --- item analytics -----------------------------------------------------------------

    async def _analytics(self, sql: str, args: Iterable[Any]) -> list[sqlite3.Row]:
        """A long read on a connection (and thread) of its own: WAL lets it read while the
        main connection goes on writing answers, so a report never holds up a round."""
        if self.path == ":memory:":
            return await self._all(sql, args)
        if self._reader is None:
            reader = await aiosqlite.connect(self.path, isolation_level=None)
            try:
                reader.row_factory = sqlite3.Row
                await reader.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
                await reader.execute("PRAGMA query_only=ON")
            except BaseException:
                await reader.close()
                raise
            self._reader = reader
        return list(await self._reader.execute_fetchall(sql, tuple(args)))

    async def item_stats(
        self, platform: str | None, team: str | None, *, pooled: bool = False
    ) -> list[ItemStats]:
        where, args = _item_scope(platform, team, pooled)
        key = "question_id" if pooled else "platform, team, question_id"
        sel = f"'{ALL_TEAMS}', '{ALL_TEAMS}', question_id" if pooled else key
        m = MIN_PLAYER_ANSWERS
        rows = await self._analytics(
            f"""
            WITH a AS (SELECT platform, team, user_id, question_id, correct AS x,
                              COUNT(*) OVER w AS n, SUM(correct) OVER w AS c
                       FROM answers {where}
                       WINDOW w AS (PARTITION BY platform, team, user_id)),
            r AS (SELECT platform, team, question_id, x, n, c,
                         CASE WHEN n >= {m} THEN DENSE_RANK() OVER (
                             PARTITION BY platform, team, n >= {m}
                             ORDER BY c * 1.0 / n DESC, user_id) END AS pos
                  FROM a),
            j AS (SELECT platform, team, question_id, x, pos,
                         MAX(pos) OVER (PARTITION BY platform, team) AS cnt,
                         CASE WHEN n >= {m} THEN (c - x) * 1.0 / (n - 1) END AS y
                  FROM r),
            k AS (SELECT platform, team, question_id, x, y,
                         CASE WHEN pos * 100 <= cnt * 27 THEN 1 ELSE 0 END AS up,
                         CASE WHEN (cnt - pos + 1) * 100 <= cnt * 27 THEN 1 ELSE 0 END AS lo
                  FROM j)
            SELECT {sel}, COUNT(*), SUM(x), COUNT(y),
                   SUM(CASE WHEN y IS NULL THEN 0 ELSE x END), TOTAL(y), TOTAL(y * y),
                   TOTAL(x * y), SUM(up), SUM(up * x), SUM(lo), SUM(lo * x)
            FROM k GROUP BY {key} ORDER BY {key}""",
            args,
        )
        medians = {
            tuple(r[:3]): float(r[3])
            for r in await self._analytics(
                f"""
            SELECT {sel}, AVG(elapsed_ms) FROM (
                SELECT platform, team, question_id, elapsed_ms,
                       ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY elapsed_ms) AS rn,
                       COUNT(*) OVER (PARTITION BY {key}) AS c
                FROM answers {where})
            WHERE rn IN ((c + 1) / 2, (c + 2) / 2) GROUP BY {key}""",
                args,
            )
        }
        return [
            ItemStats(
                r[0],
                r[1],
                r[2],
                int(r[3]),
                int(r[4]),
                medians.get(tuple(r[:3])),
                int(r[5]),
                float(r[6]),
                float(r[7]),
                float(r[8]),
                float(r[9]),
                int(r[10]),
                int(r[11]),
                int(r[12]),
                int(r[13]),
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
        rows = await self._analytics(
            f"SELECT * FROM (SELECT {sel}, picked, n, r, ROW_NUMBER() OVER ("
            f"PARTITION BY {key} ORDER BY n DESC, picked) AS k FROM ("
            f"SELECT {key}, lower(trim(substr(answer, 1, 200))) AS picked, "
            f"COUNT(*) AS n, SUM(correct) AS r FROM answers {where} "
            "AND question_id IN (SELECT value FROM json_each(?)) "
            f"GROUP BY {key}, picked)) WHERE k <= {MAX_PICKS} ORDER BY {key}, picked",
            [*args, json.dumps(sorted(set(question_ids)))],
        )
        return [PickCount(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]

    async def question_statuses(self, platform: str, team: str) -> dict[str, QuestionStatus]:
        rows = await self._all(
            "SELECT question_id, status, reason, by_user, answers, updated_ms "
            "FROM question_status WHERE platform=? AND team=?",
            (platform, team),
        )
        return {r[0]: QuestionStatus(*r) for r in rows}

    async def set_question_status(self, platform: str, team: str, s: QuestionStatus) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO question_status (platform, team, question_id, status, reason, "
                "by_user, answers, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, team, question_id) DO UPDATE SET "
                "status = excluded.status, reason = excluded.reason, "
                "by_user = excluded.by_user, answers = excluded.answers, "
                "updated_ms = excluded.updated_ms",
                (
                    platform,
                    team,
                    s.question_id,
                    s.status,
                    s.reason,
                    s.by_user,
                    s.answers,
                    s.updated_ms,
                ),
            )

    async def rest_questions(
        self, platform: str, team: str, rests: list[QuestionStatus]
    ) -> list[str]:
        """Rest each question that has no decision yet (an admin's keep or retire stands);
        the ids rested now."""
        out: list[str] = []
        async with self._tx() as db:
            for s in rests:
                got = await db.execute_fetchall(
                    "INSERT INTO question_status (platform, team, question_id, status, reason, "
                    "by_user, answers, updated_ms) VALUES (?, ?, ?, 'rested', ?, '', ?, ?) "
                    "ON CONFLICT DO NOTHING RETURNING question_id",
                    (platform, team, s.question_id, s.reason, s.answers, s.updated_ms),
                )
                out.extend(r[0] for r in got)
        return out

    async def out_of_rotation(self, platform: str, team: str) -> set[str]:
        rows = await self._all(
            "SELECT question_id FROM question_status WHERE platform=? AND team=? "
            "AND status IN ('rested', 'retired')",
            (platform, team),
        )
        return {r[0] for r in rows}

    # --- appeals, flags and re-grading --------------------------------------------------

    async def latest_answer(
        self, platform: str, team: str, user_id: str, question_id: str | None = None
    ) -> AnswerRow | None:
        """The user's latest graded answer (skipped and late ones are not graded)."""
        r = await self._one(
            "SELECT * FROM answers WHERE platform=? AND team=? AND user_id=? "
            "AND verdict NOT IN ('skipped', 'late') AND (? IS NULL OR question_id=?) "
            "ORDER BY answered_ms DESC, context DESC LIMIT 1",
            (platform, team, user_id, question_id, question_id),
        )
        return answer_of(r) if r else None

    async def question_answers(self, platform: str, team: str, question_id: str) -> list[AnswerRow]:
        rows = await self._all(
            "SELECT * FROM answers WHERE platform=? AND team=? AND question_id=? "
            "ORDER BY answered_ms, user_id, context",
            (platform, team, question_id),
        )
        return [answer_of(r) for r in rows]

    # --- exports (issue #17: /export answers) ---------------------------------------------

    async def team_answers(self, platform: str, team: str, limit: int) -> list[AnswerRow]:
        rows = await self._all(
            "SELECT * FROM answers WHERE platform=? AND team=? "
            "ORDER BY answered_ms, user_id, context, question_id LIMIT ?",
            (platform, team, limit),
        )
        return [answer_of(r) for r in rows]

    async def add_appeal(self, a: Appeal) -> int | None:
        cols = [c for c in APPEAL_COLS if c != "id"]
        async with self._writing():
            rows = await self.db.execute_fetchall(
                f"INSERT INTO appeals ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)}) "
                "ON CONFLICT DO NOTHING RETURNING id",
                tuple(getattr(a, c) for c in cols),
            )
        got = next(iter(rows), None)
        return int(got[0]) if got else None

    async def get_appeal(self, platform: str, team: str, appeal_id: int) -> Appeal | None:
        r = await self._one(
            "SELECT * FROM appeals WHERE platform=? AND team=? AND id=?",
            (platform, team, appeal_id),
        )
        return appeal_of(r) if r else None

    async def appeals(
        self, platform: str, team: str, status: str = "open", limit: int = 50
    ) -> list[Appeal]:
        rows = await self._all(
            "SELECT * FROM appeals WHERE platform=? AND team=? AND status=? ORDER BY id LIMIT ?",
            (platform, team, status, limit),
        )
        return [appeal_of(r) for r in rows]

    async def appeal_counts(self, platform: str, team: str) -> dict[str, int]:
        rows = await self._all(
            "SELECT question_id, count(*) AS n FROM appeals WHERE platform=? AND team=? "
            "AND status <> 'rejected' GROUP BY question_id",
            (platform, team),
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
        async with self._tx() as db:
            cur = await db.execute(
                "UPDATE appeals SET status=?, resolved_by=?, resolution=?, resolved_ms=? "
                "WHERE platform=? AND team=? AND id=? AND status='open'",
                (status, by, resolution, ms, platform, team, appeal_id),
            )
            if cur.rowcount != 1:
                return False
            if rescore is not None:
                await self._rescore(db, platform, team, rescore)
        return True

    async def rescore_answers(self, platform: str, team: str, changes: list[Rescore]) -> int:
        changed = 0
        async with self._tx() as db:
            for c in changes:
                changed += await self._rescore(db, platform, team, c)
        return changed

    async def _rescore(
        self, db: aiosqlite.Connection, platform: str, team: str, c: Rescore
    ) -> bool:
        """Update one answer; its totals move by the difference, its user's streak is
        counted again from the right-answer days. Inside the caller's transaction."""
        rows = await db.execute_fetchall(
            "SELECT * FROM answers WHERE platform=? AND team=? AND user_id=? AND context=? "
            "AND question_id=?",
            (platform, team, c.user_id, c.context, c.question_id),
        )
        r = next(iter(rows), None)
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
        await db.execute(
            "UPDATE answers SET score=?, verdict=?, correct=?, points=?, feedback=? "
            "WHERE platform=? AND team=? AND user_id=? AND context=? AND question_id=?",
            (
                c.score,
                c.verdict,
                int(c.correct),
                c.points,
                c.feedback,
                platform,
                team,
                c.user_id,
                c.context,
                c.question_id,
            ),
        )
        dp, dc = c.points - old.points, int(c.correct) - int(old.correct)
        if old.ranked and (dp or dc):
            await db.executemany(
                "UPDATE totals SET points = points + ?, correct = correct + ?, "
                "reached_ms = CASE WHEN ? > 0 THEN max(reached_ms, ?) ELSE reached_ms END "
                "WHERE platform=? AND team=? AND scope=? AND period=? AND user_id=?",
                [
                    (dp, dc, dp, old.answered_ms, platform, team, scope, period, c.user_id)
                    for scope, period in total_keys(old)
                ],
            )
        if dc:
            days = [
                d[0]
                for d in await db.execute_fetchall(
                    "SELECT DISTINCT day FROM answers WHERE platform=? AND team=? AND user_id=? "
                    "AND correct=1 ORDER BY day",
                    (platform, team, c.user_id),
                )
            ]
            got = streak_of(days)
            if got is None:
                await db.execute(
                    "DELETE FROM streaks WHERE platform=? AND team=? AND user_id=?",
                    (platform, team, c.user_id),
                )
            else:
                await db.execute(
                    "INSERT INTO streaks (platform, team, user_id, display_name, current, best, "
                    "last_day) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team, user_id) "
                    "DO UPDATE SET current=excluded.current, best=excluded.best, "
                    "last_day=excluded.last_day",
                    (platform, team, c.user_id, old.display_name, *got),
                )
        return True

    # --- your data, your choice; removed teams; Slack installations (issue 17) -----------

    async def forget_person(self, platform: str, team: str, user_id: str) -> dict[str, int]:
        touched: dict[str, int] = {}
        async with self._tx() as db:
            for table, column, action, value in person_rules(user_id):
                sql = (
                    f"DELETE FROM {_table(table)}"
                    if action == DELETE
                    else f"UPDATE {_table(table)} SET {column} = ''"
                )
                cur = await db.execute(
                    f"{sql} WHERE platform=? AND team=? AND {column}=?", (platform, team, value)
                )
                touched[table] = touched.get(table, 0) + max(cur.rowcount, 0)
        return touched

    async def person_rows(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        by_table: dict[str, list[tuple[str, str]]] = {}
        for table, column, action, value in person_rules(user_id):
            if action == DELETE:  # their own rows; shared ones (BLANK) are everyone's
                by_table.setdefault(table, []).append((column, value))
        async with self._write:  # one snapshot: no write of this store lands in between
            await self.db.execute("BEGIN")
            try:
                for table, conds in by_table.items():
                    where = " OR ".join(f"{c}=?" for c, _ in conds)
                    rows = await self._all(
                        f"SELECT * FROM {_table(table)} WHERE platform=? AND team=? "
                        f"AND ({where}) ORDER BY rowid",
                        (platform, team, *(v for _, v in conds)),
                    )
                    hidden = HIDDEN.get(table, ())
                    out[table] = [{k: r[k] for k in r.keys() if k not in hidden} for r in rows]
            finally:
                await self.db.execute("COMMIT")
        return out

    async def mark_team_removed(
        self, platform: str, team: str, removed_ms: int, purge_ms: int
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO team_removals (platform, team, removed_ms, purge_ms) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (platform, team) DO UPDATE SET "
                "purge_ms = min(purge_ms, excluded.purge_ms)",
                (platform, team, removed_ms, purge_ms),
            )

    async def cancel_team_removal(self, platform: str, team: str) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "DELETE FROM team_removals WHERE platform=? AND team=?", (platform, team)
            )
        return cur.rowcount > 0

    async def due_team_purges(self, now_ms: int) -> list[tuple[str, str]]:
        rows = await self._all(
            "SELECT platform, team FROM team_removals WHERE purge_ms <= ? ORDER BY purge_ms",
            (now_ms,),
        )
        return [(r["platform"], r["team"]) for r in rows]

    async def purge_team(self, platform: str, team: str, now_ms: int) -> dict[str, int] | None:
        due = "EXISTS (SELECT 1 FROM team_removals WHERE platform=? AND team=? AND purge_ms <= ?)"
        keys = (platform, team, now_ms)
        if not (await self._one(f"SELECT {due}", keys) or [0])[0]:
            return None
        deleted: dict[str, int] = {}
        for table in PERSONAL:
            if table == "team_removals":
                continue
            deleted[table] = 0
            while True:  # in batches: each its own short transaction
                async with self._tx() as db:
                    cur = await db.execute(
                        f"DELETE FROM {_table(table)} WHERE rowid IN (SELECT rowid FROM "
                        f"{_table(table)} WHERE platform=? AND team=? LIMIT ?) AND {due}",
                        (platform, team, PURGE_BATCH, *keys),
                    )
                n = max(cur.rowcount, 0)
                deleted[table] += n
                if n < PURGE_BATCH:
                    break
        async with self._tx() as db:
            cur = await db.execute(
                "DELETE FROM team_removals WHERE platform=? AND team=? AND purge_ms <= ?", keys
            )
        return deleted if cur.rowcount == 1 else None

    async def save_installation(
        self, platform: str, team: str, enterprise_id: str, installer: str, secret: str, ms: int
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO installations (platform, team, enterprise_id, installer, "
                "installed_ms, secret) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team) "
                "DO UPDATE SET enterprise_id=excluded.enterprise_id, "
                "installer=excluded.installer, installed_ms=excluded.installed_ms, "
                "secret=excluded.secret",
                (platform, team, enterprise_id, installer, ms, secret),
            )

    async def installation(self, platform: str, team: str) -> str | None:
        r = await self._one(
            "SELECT secret FROM installations WHERE platform=? AND team=?", (platform, team)
        )
        return str(r[0]) if r else None

    async def delete_installation(self, platform: str, team: str) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "DELETE FROM installations WHERE platform=? AND team=?", (platform, team)
            )
        return cur.rowcount > 0

    async def add_oauth_state(self, state: str, expires_ms: int) -> None:
        async with self._tx() as db:
            await db.execute(
                "DELETE FROM oauth_states WHERE expires_ms < ?", (expires_ms - 86_400_000,)
            )
            await db.execute(
                "INSERT INTO oauth_states (state, expires_ms) VALUES (?, ?) "
                "ON CONFLICT (state) DO NOTHING",
                (state, expires_ms),
            )

    async def consume_oauth_state(self, state: str, now_ms: int) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "DELETE FROM oauth_states WHERE state=? AND expires_ms >= ?", (state, now_ms)
            )
        return cur.rowcount > 0

    # --- whole-database copy ------------------------------------------------------------

    async def dump(self, batch: int = 1000) -> AsyncGenerator[Batch, None]:
        """One read transaction on the main connection (held under the write lock, so no
        write of this store lands in the middle): a consistent view of every table."""
        async with self._write:
            await self.db.execute("BEGIN")
            try:
                for table in TABLES:
                    yielded = False
                    async with self.db.execute(
                        f"SELECT * FROM {_table(table)} ORDER BY rowid"
                    ) as cur:
                        cols = [d[0] for d in cur.description]
                        while rows := await cur.fetchmany(batch):
                            yielded = True
                            yield table, [dict(zip(cols, r, strict=True)) for r in rows]
                    if not yielded:
                        yield table, []
            finally:
                await self.db.execute("COMMIT")

    async def load(self, batches: AsyncIterable[Batch], *, replace: bool = False) -> dict[str, int]:
        counts: dict[str, int] = {}
        cols: dict[str, list[str]] = {}
        async with self._tx() as db:
            filled = [t for t in TABLES if (await self._count(t))]
            if filled and not replace:
                raise NotEmpty(f"the target already has data ({', '.join(filled)})")
            for table in filled:
                await db.execute(f"DELETE FROM {_table(table)}")
            async for table, rows in batches:
                if table not in cols:
                    info = await db.execute_fetchall(f"PRAGMA table_info({_table(table)})")
                    cols[table] = [r[1] for r in info]
                    counts[table] = 0
                    if table in DERIVED:  # what the triggers derived while answers loaded
                        await db.execute(f"DELETE FROM {_table(table)}")
                if not rows:
                    continue
                if set(rows[0]) != set(cols[table]):
                    raise LoadError(f"table {table}: the columns differ")
                names = cols[table]
                await db.executemany(
                    f"INSERT INTO {_table(table)} ({', '.join(names)}) "
                    f"VALUES ({', '.join('?' for _ in names)})",
                    [tuple(_to_sqlite(r[c]) for c in names) for r in rows],
                )
                counts[table] += len(rows)
            for table, n in counts.items():
                if (got := await self._count(table)) != n:
                    raise LoadError(f"table {table}: {n} rows loaded but {got} there")
        return counts

    async def _count(self, table: str) -> int:
        r = await self._one(f"SELECT COUNT(*) FROM {_table(table)}")
        return int(r[0]) if r else 0

    # --- ability estimates (issue #15: practice that remembers) -------------------------

    async def abilities(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, tuple[float, int]]:
        rows = await self._all(
            "SELECT topic, rating, answers FROM abilities WHERE platform=? AND team=? "
            "AND user_id=? ORDER BY topic",
            (platform, team, user_id),
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
        """Updates arriving together share one transaction and one thread hop (group commit,
        as answers do); each caller returns once it is committed."""
        return bool(
            await self._abilities.run(((platform, team, user_id, topic, event, at_ms), step))
        )

    # --- review items and reminders (issue #15: practice that remembers) ----------------

    async def add_review_item(self, item: ReviewItem) -> bool:
        """Group-committed, as answers are (a missed answer adds one)."""
        return bool(await self._new_reviews.run(tuple(getattr(item, c) for c in REVIEW_COLS)))

    async def review_items(
        self, platform: str, team: str, user_id: str, due_by_ms: int | None = None
    ) -> list[ReviewItem]:
        due = "" if due_by_ms is None else " AND due_ms <= ?"
        args: tuple[Any, ...] = (platform, team, user_id)
        if due_by_ms is not None:
            args += (due_by_ms,)
        rows = await self._all(
            f"SELECT * FROM review_items WHERE platform=? AND team=? AND user_id=?{due} "
            "ORDER BY due_ms, question_id",
            args,
        )
        return [review_item_of(r) for r in rows]

    async def asked_review(self, platform: str, team: str, user_id: str) -> ReviewItem | None:
        r = await self._one(
            "SELECT * FROM review_items WHERE platform=? AND team=? AND user_id=? "
            "AND asked_ms IS NOT NULL ORDER BY asked_ms DESC, question_id LIMIT 1",
            (platform, team, user_id),
        )
        return review_item_of(r) if r else None

    async def mark_review_asked(
        self, platform: str, team: str, user_id: str, question_id: str, ms: int
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE review_items SET asked_ms=? WHERE platform=? AND team=? AND user_id=? "
                "AND question_id=?",
                (ms, platform, team, user_id, question_id),
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
        async with self._writing():
            cur = await self.db.execute(
                "UPDATE review_items SET card=?, due_ms=?, last_score=?, reviews=reviews+1, "
                "asked_ms=NULL, updated_ms=? WHERE platform=? AND team=? AND user_id=? "
                "AND question_id=? AND due_ms=?",
                (card, due_ms, score, ms, platform, team, user_id, question_id, was_due_ms),
            )
            return cur.rowcount == 1

    async def set_review_reminder(
        self, platform: str, team: str, user_id: str, reminder: ReviewReminder | None
    ) -> None:
        async with self._writing():
            if reminder is None:
                await self.db.execute(
                    "DELETE FROM review_reminders WHERE platform=? AND team=? AND user_id=?",
                    (platform, team, user_id),
                )
                return
            await self.db.execute(
                f"INSERT OR REPLACE INTO review_reminders ({', '.join(REMINDER_COLS)}) "
                f"VALUES ({', '.join('?' for _ in REMINDER_COLS)})",
                tuple(getattr(reminder, c) for c in REMINDER_COLS),
            )

    async def review_reminder(
        self, platform: str, team: str, user_id: str
    ) -> ReviewReminder | None:
        r = await self._one(
            "SELECT * FROM review_reminders WHERE platform=? AND team=? AND user_id=?",
            (platform, team, user_id),
        )
        return reminder_of(r) if r else None

    async def review_reminders(self) -> list[ReviewReminder]:
        rows = await self._all("SELECT * FROM review_reminders ORDER BY platform, team, user_id")
        return [reminder_of(r) for r in rows]

    async def claim_review_reminder(
        self, platform: str, team: str, user_id: str, day: str, now_ms: int, lease_ms: int
    ) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "INSERT INTO review_reminder_claims (platform, team, user_id, day, claimed_ms) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, team, user_id, day) "
                "DO UPDATE SET claimed_ms = excluded.claimed_ms "
                "WHERE review_reminder_claims.sent = 0 AND review_reminder_claims.claimed_ms < ?",
                (platform, team, user_id, day, now_ms, now_ms - lease_ms),
            )
            return cur.rowcount == 1

    async def mark_review_reminder_sent(
        self, platform: str, team: str, user_id: str, day: str
    ) -> None:
        async with self._writing():
            await self.db.execute(
                "UPDATE review_reminder_claims SET sent=1 WHERE platform=? AND team=? "
                "AND user_id=? AND day=?",
                (platform, team, user_id, day),
            )

    # --- charts (bot/charts) --------------------------------------------------------------

    async def active_days(
        self, platform: str, team: str, user_id: str, since_day: str
    ) -> dict[str, int]:
        rows = await self._all(
            "SELECT day, COUNT(*) FROM answers WHERE platform=? AND team=? AND user_id=? "
            "AND day >= ? GROUP BY day",
            (platform, team, user_id, since_day),
        )
        return {str(r[0]): int(r[1]) for r in rows}

    async def interview_topic_scores(
        self, platform: str, team: str, user_id: str, before_ms: int
    ) -> list[InterviewTopicScore]:
        rows = await self._all(
            # after ANALYZE SQLite prefers the primary key, which reads every answer of the
            # person; the partial index (migration 011) holds their interviews only
            "SELECT context, topic, SUM(score), COUNT(*), MIN(answered_ms) "
            "FROM answers INDEXED BY answers_user_interviews "
            "WHERE platform=? AND team=? AND user_id=? AND source='interview' "
            "GROUP BY context, topic HAVING MIN(answered_ms) < ? "
            "ORDER BY MIN(answered_ms), context, topic",
            (platform, team, user_id, before_ms),
        )
        return [interview_topic_score(r) for r in rows]

    async def movers(
        self, platform: str, team: str, scope: str, period: str, before: str, limit: int
    ) -> list[BoardMove]:
        rows = await self._all(
            "SELECT t.user_id, t.display_name, t.points, COALESCE(b.points, 0) AS before_pts "
            "FROM totals t LEFT JOIN totals b ON b.platform = t.platform AND b.team = t.team "
            "AND b.scope = t.scope AND b.period = ? AND b.user_id = t.user_id "
            "WHERE t.platform=? AND t.team=? AND t.scope=? AND t.period=? "
            "AND t.points > COALESCE(b.points, 0) "
            "ORDER BY t.points - COALESCE(b.points, 0) DESC, t.user_id LIMIT ?",
            (before, platform, team, scope, period, limit),
        )
        return [BoardMove(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]

    # --- a team's own interview tracks (issue #15: teams add their own tracks) ---------

    async def add_team_track(self, platform: str, team: str, track: TeamTrack) -> None:
        async with self._writing():
            await self.db.execute(
                "INSERT INTO team_tracks (platform, team, track_id, source, added_by, added_ms) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, team, track_id) "
                "DO UPDATE SET source = excluded.source, added_by = excluded.added_by, "
                "added_ms = excluded.added_ms",
                (platform, team, track.track_id, track.source, track.added_by, track.added_ms),
            )

    async def team_tracks(self, platform: str, team: str) -> list[TeamTrack]:
        rows = await self._all(
            "SELECT track_id, source, added_by, added_ms FROM team_tracks "
            "WHERE platform=? AND team=? ORDER BY track_id",
            (platform, team),
        )
        return [TeamTrack(*r) for r in rows]

    async def remove_team_track(self, platform: str, team: str, track_id: str) -> bool:
        async with self._writing():
            cur = await self.db.execute(
                "DELETE FROM team_tracks WHERE platform=? AND team=? AND track_id=?",
                (platform, team, track_id),
            )
            return cur.rowcount == 1


def _table(name: str) -> str:
    """A table name for SQL: only one of our own (rows.TABLES)."""
    if name not in TABLES:
        raise LoadError(f"unknown table {name!r}")
    return name


def _to_sqlite(v: Any) -> Any:
    """A value from either backend's dump as SQLite keeps it (0/1, JSON text)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, list | dict):
        return json.dumps(v)
    return v


def _item_scope(platform: str | None, team: str | None, pooled: bool) -> tuple[str, list[Any]]:
    """The WHERE of an analytics query (it always has one, so `AND ...` may follow)."""
    conds, args = ["1=1"], []
    if platform is not None:
        conds.append("platform = ?")
        args.append(platform)
    if team is not None:
        conds.append("team = ?")
        args.append(team)
    if pooled:
        conds.append("instr(question_id, '/') = 0")  # team questions mean nothing elsewhere
    return "WHERE " + " AND ".join(conds), args


def _statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (triggers keep their inner `;`)."""
    out: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in current.splitlines()
    ):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {current[:80]}")
    return out


def _busy(e: sqlite3.OperationalError) -> bool:
    msg = str(e).lower()
    return "locked" in msg or "busy" in msg


def _insert_batch(con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[Recorded]:
    """On the connection's thread: every row in one transaction, each once."""
    out = []
    con.execute("BEGIN IMMEDIATE")
    try:
        for args in rows:
            got = con.execute(_INSERT_ANSWER, args).fetchone()
            out.append(Recorded(got is not None, bool(got[0]) if got else False))
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return out


class _Group:
    """Calls arriving together run as one batch: one transaction, one hop to the
    connection's thread (`fn(connection, items) -> results`), under the write lock. Each
    caller gets its own result once the batch is committed; a failed batch fails them all."""

    def __init__(
        self, store: SQLiteStore, fn: Callable[[sqlite3.Connection, list[Any]], list[Any]]
    ):
        self.store = store
        self.fn = fn
        self.pending: list[tuple[Any, asyncio.Future[Any]]] = []
        self.flusher: asyncio.Future[None] | None = None

    async def run(self, item: Any) -> Any:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((item, fut))
        if self.flusher is None or self.flusher.done():
            self.flusher = asyncio.ensure_future(self._flush())
        return await fut

    async def settle(self) -> None:
        if self.flusher is not None and not self.flusher.done():
            await self.flusher

    async def _flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending[:_BATCH], self.pending[_BATCH:]
            try:
                async with self.store._writing():
                    results = await self.store._in_thread(self.fn, [i for i, _ in batch])
            except Exception as e:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(e)
                continue
            for (_, fut), got in zip(batch, results, strict=True):
                if not fut.done():
                    fut.set_result(got)


def _in_one_transaction(con: sqlite3.Connection, work: Callable[[], list[Any]]) -> list[Any]:
    con.execute("BEGIN IMMEDIATE")
    try:
        out = work()
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return out


def _insert_reviews(con: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> list[bool]:
    """On the connection's thread: new review items, each once (see add_review_item)."""
    sql = (
        f"INSERT INTO review_items ({', '.join(REVIEW_COLS)}) "
        f"VALUES ({', '.join('?' for _ in REVIEW_COLS)}) ON CONFLICT DO NOTHING"
    )
    return _in_one_transaction(con, lambda: [con.execute(sql, r).rowcount == 1 for r in rows])


def _apply_abilities(
    con: sqlite3.Connection,
    items: list[tuple[tuple[Any, ...], Callable[[float | None, int], float]]],
) -> list[bool]:
    """On the connection's thread: ability updates, each answer's event once (see
    SQLiteStore.apply_ability)."""

    def work() -> list[bool]:
        out = []
        for (platform, team, user_id, topic, event, at_ms), step in items:
            cur = con.execute(
                "INSERT INTO ability_events (platform, team, user_id, event) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (platform, team, user_id, event),
            )
            if cur.rowcount != 1:
                out.append(False)
                continue
            row = con.execute(
                "SELECT rating, answers FROM abilities WHERE platform=? AND team=? "
                "AND user_id=? AND topic=?",
                (platform, team, user_id, topic),
            ).fetchone()
            rating, answers = (float(row[0]), int(row[1])) if row else (None, 0)
            con.execute(
                "INSERT INTO abilities (platform, team, user_id, topic, rating, answers, "
                "updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                "(platform, team, user_id, topic) DO UPDATE SET rating=excluded.rating, "
                "answers=excluded.answers, updated_ms=excluded.updated_ms",
                (platform, team, user_id, topic, step(rating, answers), answers + 1, at_ms),
            )
            out.append(True)
        return out

    return _in_one_transaction(con, work)


def _answer_values(row: AnswerRow) -> list[Any]:
    out: list[Any] = []
    for c in ANSWER_COLS:
        if c == "first_correct":
            continue
        v = getattr(row, c)
        if c in ("right_points", "missing_points"):
            v = json.dumps(list(v))
        elif isinstance(v, bool):
            v = int(v)
        out.append(v)
    return out
