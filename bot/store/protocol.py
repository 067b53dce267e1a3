"""The Store protocol: what the services may ask of a database, backend by backend the same.

Every call is scoped by platform and team, except the few the background jobs use to find
work across teams (`due_rounds`, `active_schedules`, analytics with `None`) and `dump`/`load`.
Each write is one statement or one transaction. Backend errors do not leak: a lost or locked
database is `StoreBusy`, the two races callers handle are `RoundOpen` and `SessionActive`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Callable
from typing import Any, Protocol

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

# Item analytics: a player counts towards discrimination (the point-biserial and the upper and
# lower 27 %) once they have answered at least this many questions in the team.
MIN_PLAYER_ANSWERS = 5
ALL_TEAMS = "*"  # platform and team of a row pooled across teams
MAX_PICKS = 50  # answer texts counted per question: the most given (a choice has at most 5)


# One batch of `dump`: a table's name and some of its rows, each by column name.
Batch = tuple[str, list[dict[str, Any]]]


class Store(Protocol):
    """The storage the core runs on: SQLite (one process) or PostgreSQL (several)."""

    async def connect(self) -> None:
        """Open the database and apply pending migrations (once, with processes racing)."""
        ...

    async def close(self) -> None:
        """Wait for answers being written, then release the connections."""
        ...

    async def schema_version(self) -> int:
        """The highest migration number applied."""
        ...

    # settings
    async def get_settings(self, platform: str, team: str, channel: str) -> dict[str, str]:
        """Team-wide settings (channel '') overlaid with the channel's own."""
        ...

    async def set_setting(
        self, platform: str, team: str, channel: str, key: str, value: str | None
    ) -> None:
        """Set one setting ('' channel: team-wide); None removes it."""
        ...

    # rounds
    async def open_round(self, rnd: Round) -> None:
        """Insert an open round; RoundOpen when one of that kind is open in the channel."""
        ...

    async def get_round(self, platform: str, team: str, round_id: str) -> Round | None:
        """The round with that id in the team, open or closed."""
        ...

    async def open_round_in(
        self, platform: str, team: str, channel: str, kind: str
    ) -> Round | None:
        """The channel's open round of that kind (there is at most one)."""
        ...

    async def close_round(self, platform: str, team: str, round_id: str, closed_ms: int) -> bool:
        """Close once: True only for the caller that closed it (so it reveals once). Answers
        in flight are in before it; later ones are refused (`record_answer`)."""
        ...

    async def set_round_message(self, platform: str, team: str, round_id: str, ref: str) -> None:
        """Remember the platform's reference of the round's posted message."""
        ...

    async def due_rounds(self, now_ms: int) -> list[Round]:
        """Every team's open rounds whose time is up, earliest first (the ticker's query)."""
        ...

    async def due_rounds_in(
        self, platform: str, team: str, channel: str, now_ms: int
    ) -> list[Round]:
        """One channel's open rounds whose time is up, earliest first (a request's query)."""
        ...

    async def claim_reveal(
        self, platform: str, team: str, round_id: str, now_ms: int, lease_ms: int
    ) -> bool:
        """Take a closed round's reveal for `lease_ms`: True for one caller, while it is
        owed and nobody else holds a live claim."""
        ...

    async def mark_revealed(self, platform: str, team: str, round_id: str, now_ms: int) -> None:
        """The round's reveal was posted: it is owed no more."""
        ...

    async def owed_reveals(self, now_ms: int, lease_ms: int, since_ms: int) -> list[Round]:
        """Every team's rounds closed since `since_ms` whose reveal is owed and not claimed
        now (the ticker's query)."""
        ...

    # answers
    async def record_answer(self, row: AnswerRow, advance: Advance | None = None) -> Recorded:
        """Insert an answer once per (user, context, question), with its running totals and
        streak in the same transaction; refused (not inserted) when its round is closed.
        Of racing right answers exactly one is `first_correct`. With `advance`, the session
        moves on in the same transaction, only if it is still at `from_position`."""
        ...

    async def context_answers(self, platform: str, team: str, context: str) -> list[AnswerRow]:
        """A round's or session's answers, in the order they came."""
        ...

    async def get_answer(
        self, platform: str, team: str, user_id: str, context: str, question_id: str
    ) -> AnswerRow | None:
        """One stored answer by its key."""
        ...

    # question rotation
    async def seen(self, platform: str, team: str, scope: str) -> dict[str, int]:
        """When each question was last shown in a scope (`channel:<id>` or `user:<id>`)."""
        ...

    async def mark_seen(
        self, platform: str, team: str, scope: str, question_ids: list[str], ms: int
    ) -> None:
        """Record the questions as shown at `ms` (repeats allowed)."""
        ...

    # interview sessions
    async def create_session(self, s: Session) -> None:
        """Insert a session; SessionActive when the user already has an active one."""
        ...

    async def get_session(self, platform: str, team: str, session_id: str) -> Session | None:
        """A session by id, whatever its status."""
        ...

    async def active_session(self, platform: str, team: str, user_id: str) -> Session | None:
        """The user's active session in the team (there is at most one)."""
        ...

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
        """Set the fields given (None: unchanged); nothing given, nothing written."""
        ...

    # interviews: follow-ups, hints, tracks and past reports (issue 15) -------------------
    async def save_interview_state(
        self, platform: str, team: str, session_id: str, user_id: str, data: str, ms: int
    ) -> None:
        """Insert or replace the session's state document (JSON, `interview_state`); `user_id`
        is whose interview it is (what /forget-me deletes it by)."""
        ...

    async def interview_state(self, platform: str, team: str, session_id: str) -> str | None:
        """The session's state document, or None when none was saved."""
        ...

    async def set_session_questions(
        self, platform: str, team: str, session_id: str, question_ids: tuple[str, ...]
    ) -> None:
        """Replace the session's question list (adaptive difficulty picks the next one)."""
        ...

    async def user_sessions(
        self, platform: str, team: str, user_id: str, limit: int
    ) -> list[Session]:
        """The user's sessions in the team, whatever their status, the newest first."""
        ...

    async def active_sessions_of_user(self, platform: str, user_id: str) -> list[Session]:
        """The user's active sessions in every team of the platform, the latest question
        first: a direct message carries no team, so a plain answer there finds the
        person's own interview this way (nobody else's rows are read)."""
        ...

    # leaderboards (running totals: scope team | channel:<id> | topic:<name>, period all |
    # day:<date> | week:<iso week> | month:<yyyy-mm>; ranked by points, then who reached them
    # first, then user id)
    async def top(
        self, platform: str, team: str, scope: str, period: str, limit: int
    ) -> list[TotalRow]:
        """The first `limit` rows of a board, ranked."""
        ...

    async def rank_of(
        self, platform: str, team: str, scope: str, period: str, user_id: str
    ) -> TotalRow | None:
        """The user's row and rank on a board; None when they have no row on it."""
        ...

    async def board_size(self, platform: str, team: str, scope: str, period: str) -> int:
        """How many players a board has."""
        ...

    async def streak(self, platform: str, team: str, user_id: str) -> Streak | None:
        """The user's streak of days with a right answer (current run, best run, last day)."""
        ...

    async def streaks(self, platform: str, team: str, user_ids: list[str]) -> dict[str, Streak]:
        """The streaks of several users in one query, by user id (those with none left out)."""
        ...

    async def top_streaks(
        self, platform: str, team: str, since_day: str, limit: int
    ) -> list[Streak]:
        """Streaks still alive (last right answer on or after `since_day`), longest first."""
        ...

    async def topic_stats(self, platform: str, team: str, user_id: str) -> list[TopicStats]:
        """The user's answers, right answers and score sum per topic, by topic."""
        ...

    # daily questions
    async def upsert_schedule(self, s: Schedule) -> None:
        """Create or replace the channel's daily-question schedule."""
        ...

    async def get_schedule(self, platform: str, team: str, channel: str) -> Schedule | None:
        """The channel's schedule, whatever its status."""
        ...

    async def set_schedule_status(
        self, platform: str, team: str, channel: str, status: str, reason: str, ms: int
    ) -> None:
        """Pause, resume or stop a schedule, with the reason shown to the team."""
        ...

    async def active_schedules(self) -> list[Schedule]:
        """Every active schedule of every team: what the scheduler rebuilds its jobs from."""
        ...

    async def team_schedules(self, platform: str, team: str) -> list[Schedule]:
        """One team's active schedules, by channel."""
        ...

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
        """Claim the (channel, kind, day) post: True for exactly one caller. A claim never
        marked posted may be taken again once `lease_ms` has passed (a crashed poster)."""
        ...

    async def mark_daily_posted(
        self, platform: str, team: str, channel: str, kind: str, day: str, round_id: str
    ) -> None:
        """The claimed post went out (as that round): no lease lets anyone post it again."""
        ...

    async def rounds_between(
        self, platform: str, team: str, channel: str, kind: str, from_ms: int, to_ms: int
    ) -> list[Round]:
        """The channel's rounds of that kind opened in [from_ms, to_ms), oldest first."""
        ...

    # team packs
    async def add_team_pack(self, platform: str, team: str, pack: TeamPack) -> None:
        """Add or replace a team's question pack (validated before)."""
        ...

    async def team_packs(self, platform: str, team: str) -> list[TeamPack]:
        """The team's packs, by pack id."""
        ...

    async def remove_team_pack(self, platform: str, team: str, pack_id: str) -> bool:
        """Remove a pack; False when there was none of that id."""
        ...

    # appeals, flags and re-grading
    async def latest_answer(
        self, platform: str, team: str, user_id: str, question_id: str | None = None
    ) -> AnswerRow | None:
        """The user's latest graded answer (skipped and late ones are not graded), of one
        question if given."""
        ...

    async def question_answers(self, platform: str, team: str, question_id: str) -> list[AnswerRow]:
        """Every answer to one question in the team, oldest first."""
        ...

    # exports (issue #17: /export answers)
    async def team_answers(self, platform: str, team: str, limit: int) -> list[AnswerRow]:
        """The team's answers, oldest first (by time, user, context), at most `limit`."""
        ...

    async def add_appeal(self, a: Appeal) -> int | None:
        """The new appeal's id; None when this one was already filed."""
        ...

    async def get_appeal(self, platform: str, team: str, appeal_id: int) -> Appeal | None:
        """An appeal or flag by id."""
        ...

    async def appeals(
        self, platform: str, team: str, status: str = "open", limit: int = 50
    ) -> list[Appeal]:
        """The team's appeals and flags of a status, oldest first."""
        ...

    async def appeal_counts(self, platform: str, team: str) -> dict[str, int]:
        """Appeals and flags per question id in one team, not counting rejected ones."""
        ...

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
        """Close an open appeal and apply its re-score in one transaction; False (and
        nothing changed) when it was not open any more."""
        ...

    async def rescore_answers(self, platform: str, team: str, changes: list[Rescore]) -> int:
        """Apply new grades in one transaction; how many answers changed."""
        ...

    # item analytics (platform / team None: every one; pooled: one row per question, over
    # the teams, team questions left out as their ids mean something else in each team)
    async def item_stats(
        self, platform: str | None, team: str | None, *, pooled: bool = False
    ) -> list[ItemStats]:
        """Per question: answers, right ones, median time and the sums the discrimination
        statistics are computed from (players with at least MIN_PLAYER_ANSWERS answers)."""
        ...

    async def pick_counts(
        self,
        platform: str | None,
        team: str | None,
        question_ids: list[str],
        *,
        pooled: bool = False,
    ) -> list[PickCount]:
        """How often each answer text was given to each question (the MAX_PICKS most)."""
        ...

    async def question_statuses(self, platform: str, team: str) -> dict[str, QuestionStatus]:
        """Every decision on a question (kept, rested, retired), by question id."""
        ...

    async def set_question_status(self, platform: str, team: str, s: QuestionStatus) -> None:
        """Record an admin's decision on a question, replacing any before."""
        ...

    async def rest_questions(
        self, platform: str, team: str, rests: list[QuestionStatus]
    ) -> list[str]:
        """Rest each question that has no decision yet (an admin's keep or retire stands);
        the ids rested now."""
        ...

    async def out_of_rotation(self, platform: str, team: str) -> set[str]:
        """The ids of the team's rested and retired questions."""
        ...

    # --- your data, your choice; removed teams; Slack installations (issue 17) -----------
    # Which rows are a person's is one table, rows.PERSONAL, that both backends follow.
    async def forget_person(self, platform: str, team: str, user_id: str) -> dict[str, int]:
        """In one transaction, delete the person's rows in the team (answers, sessions,
        appeals, seen questions, their leaderboard rows and streak) and blank their id in
        rows that are everyone's (a round they started); rows touched per table. Other
        people's totals are their own rows, so every board is right when it commits."""
        ...

    async def person_rows(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Every row of the team that is the person's own (rows.PERSONAL's DELETE rules:
        not the shared rows that only name them), by table, read in one snapshot, without
        rows.HIDDEN columns."""
        ...

    async def mark_team_removed(
        self, platform: str, team: str, removed_ms: int, purge_ms: int
    ) -> None:
        """The bot was removed from the team: its data is due for purging at `purge_ms`
        (a second removal before that keeps the earlier date)."""
        ...

    async def cancel_team_removal(self, platform: str, team: str) -> bool:
        """The team is back before its purge: nothing is purged. False when none was due."""
        ...

    async def due_team_purges(self, now_ms: int) -> list[tuple[str, str]]:
        """(platform, team) of every removed team whose purge time has come."""
        ...

    async def purge_team(self, platform: str, team: str, now_ms: int) -> dict[str, int] | None:
        """Delete every row of the team, in every table of rows.PERSONAL, then its removal,
        if the removal is due at `now_ms`; rows deleted per table. In batches of
        rows.PURGE_BATCH, each checking the removal is still due, so other teams' writes never
        wait long and a team that comes back mid-purge keeps what is left. None when nothing
        was due (the team came back, or another process finished the purge first)."""
        ...

    async def save_installation(
        self, platform: str, team: str, enterprise_id: str, installer: str, secret: str, ms: int
    ) -> None:
        """Store (or replace) a workspace's installation; `secret` is already encrypted."""
        ...

    async def installation(self, platform: str, team: str) -> str | None:
        """The workspace's encrypted installation, None when it has none."""
        ...

    async def delete_installation(self, platform: str, team: str) -> bool:
        """Forget the workspace's installation (its tokens) now; False when there was none."""
        ...

    async def add_oauth_state(self, state: str, expires_ms: int) -> None:
        """Remember an OAuth state handed out (expired ones are dropped meanwhile)."""
        ...

    async def consume_oauth_state(self, state: str, now_ms: int) -> bool:
        """True once for a state handed out and not expired; it is gone afterwards."""
        ...

    # whole-database copy (`db copy`)
    def dump(self, batch: int = 1000) -> AsyncGenerator[Batch, None]:
        """Every row of every table (rows.TABLES, in that order), in batches, all read in one
        consistent snapshot. Each table yields at least one batch, maybe empty. Values are
        as this backend keeps them; `load` of any backend takes them."""
        ...

    async def load(self, batches: AsyncIterable[Batch], *, replace: bool = False) -> dict[str, int]:
        """Write a `dump` into this database in one transaction, all or nothing; rows per
        table. Rows are written as they are, running totals and streaks included (what the
        answer triggers derive while answers load is replaced). NotEmpty when the database
        already has data (unless `replace`: then it is emptied first); LoadError when a
        table's columns differ."""
        ...

    # --- ability estimates (issue #15: practice that remembers) -------------------------
    async def abilities(
        self, platform: str, team: str, user_id: str
    ) -> dict[str, tuple[float, int]]:
        """The person's estimates: (rating, answers it rests on) by topic."""
        ...

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
        """In one transaction: note `event` (an answer's key) for the person and, if it was
        new, set their topic rating to `step(rating or None before any, answers)` and count
        one more answer. False (nothing changed) when the event was already applied."""
        ...

    # --- review items and reminders (issue #15: practice that remembers) ----------------
    async def add_review_item(self, item: ReviewItem) -> bool:
        """Insert a missed question as a review item; False (unchanged) when the person
        already has that question to review."""
        ...

    async def review_items(
        self, platform: str, team: str, user_id: str, due_by_ms: int | None = None
    ) -> list[ReviewItem]:
        """The person's review items, soonest due first; only those due by `due_by_ms` if given."""
        ...

    async def asked_review(self, platform: str, team: str, user_id: str) -> ReviewItem | None:
        """The item /review showed the person last and they have not answered yet."""
        ...

    async def mark_review_asked(
        self, platform: str, team: str, user_id: str, question_id: str, ms: int
    ) -> None:
        """/review showed this item at `ms` (the one `asked_review` returns)."""
        ...

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
        """Store a review's outcome, only if the item is still due at `was_due_ms` (so a
        redelivered answer reschedules once): one more review, not asked any more."""
        ...

    async def set_review_reminder(
        self, platform: str, team: str, user_id: str, reminder: ReviewReminder | None
    ) -> None:
        """Create or replace the person's daily reminder; None removes it."""
        ...

    async def review_reminder(
        self, platform: str, team: str, user_id: str
    ) -> ReviewReminder | None:
        """The person's reminder, if they set one."""
        ...

    async def review_reminders(self) -> list[ReviewReminder]:
        """Every team's reminders: what the scheduler builds its jobs from."""
        ...

    async def claim_review_reminder(
        self, platform: str, team: str, user_id: str, day: str, now_ms: int, lease_ms: int
    ) -> bool:
        """Claim the (person, local date) reminder: True for exactly one caller; a claim
        never marked sent may be taken again after `lease_ms` (a crashed sender)."""
        ...

    async def mark_review_reminder_sent(
        self, platform: str, team: str, user_id: str, day: str
    ) -> None:
        """The claimed reminder went out: nobody sends it again."""

    # charts (bot/charts): the stats calendar, the interview trend, the recap's movers
    async def active_days(
        self, platform: str, team: str, user_id: str, since_day: str
    ) -> dict[str, int]:
        """The user's answers per local day (`YYYY-MM-DD` in the team's timezone, as stored
        with each answer) on `since_day` or later; days without answers left out."""
        ...

    async def interview_topic_scores(
        self, platform: str, team: str, user_id: str, before_ms: int
    ) -> list[InterviewTopicScore]:
        """The user's interview answers summed per session and topic, for sessions whose
        answers came before `before_ms`, oldest first."""
        ...

    async def movers(
        self, platform: str, team: str, scope: str, period: str, before: str, limit: int
    ) -> list[BoardMove]:
        """Players of the `period` board whose points there rose most over their points on
        the `before` board (0 when absent), largest rise first, then user id; rises > 0
        only."""
        ...

    # --- a team's own interview tracks (issue #15: teams add their own tracks) ---------
    async def add_team_track(self, platform: str, team: str, track: TeamTrack) -> None:
        """Add or replace a team's interview track (validated before)."""
        ...

    async def team_tracks(self, platform: str, team: str) -> list[TeamTrack]:
        """The team's own interview tracks, by track id."""
        ...

    async def remove_team_track(self, platform: str, team: str, track_id: str) -> bool:
        """Remove a team's track; False when there was none of that id."""
        ...
