"""Appeals of graded answers, flags on questions, the admins' queue, and re-grading.

An accepted appeal re-scores its answer; the store applies the new grade and moves the
running totals and the streak by the difference in the same transaction as closing the
appeal, so accepting twice changes nothing the second time. `/questions regrade ID` grades
every stored answer to a question again with the question as it is now, shows what would
change, and applies it all in one transaction on `confirm`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, to_ms
from bot.domain.actions import AnswerContext
from bot.domain.questions import Grade, Question, Verdict
from bot.domain.records import AnswerRow, Appeal, AppealKind, AppealStatus, Rescore
from bot.domain.text import clip
from bot.domain.values import Card, Color, Outgoing, Reply, Target, UserError, Visibility, Where
from bot.grading import GradingOptions, grade
from bot.services.access import require_admin
from bot.services.banks import Banks
from bot.services.points import POINTS_RIGHT, quiz_points
from bot.services.quizzes import as_shown
from bot.store.protocol import Store

MAX_REASON_CHARS = 500
_UNGRADED = ("skipped", "late")


@dataclass(frozen=True, slots=True)
class Change:
    row: AnswerRow
    rescore: Rescore


def _reason(text: str, what: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise UserError(f"Say why, e.g. {what}.")
    return clip(text, MAX_REASON_CHARS)


def parse_score(raw: str) -> float:
    """`0.8`, `80` or `80%` -> 0.8 (0 < score <= 1)."""
    t = raw.strip().rstrip("%")
    try:
        value = float(t)
    except ValueError:
        raise UserError(f"'{clip(raw, 20)}' is not a score: give 0-1 or a percentage.") from None
    if value > 1 or raw.strip().endswith("%"):
        value /= 100
    if not 0 < value <= 1:
        raise UserError("A score is above 0 and at most 1 (or 100%).")
    return round(value, 4)


def _verdict(score: float) -> Verdict:
    return Verdict.CORRECT if score >= 1 else Verdict.PARTIAL


class Appeals:
    def __init__(
        self, store: Store, banks: Banks, clock: Clock, grading: GradingOptions | None = None
    ) -> None:
        self.store = store
        self.banks = banks
        self.clock = clock
        self.grading = grading

    # --- filing -------------------------------------------------------------------------

    async def appeal(self, where: Where, text: str) -> Card:
        """`/appeal [question-id] reason`: the author's latest graded answer (to that
        question, when the first word names one they answered)."""
        words = text.split(None, 1)
        row = None
        if words:
            row = await self.store.latest_answer(where.platform, where.team, where.user, words[0])
            if row is not None:
                text = words[1] if len(words) > 1 else ""
        if row is None:
            row = await self.store.latest_answer(where.platform, where.team, where.user)
        if row is None:
            raise UserError("You have no graded answer to appeal yet.")
        reason = _reason(text, "/appeal my answer names both key points")
        new = await self._file(
            where, AppealKind.APPEAL, row.channel, row.question_id, row.context, reason
        )
        if new is None:
            raise UserError(f"You have already appealed your answer to {row.question_id}.")
        return Card(
            title=f"Appeal #{new} filed",
            text=f"Your answer to {row.question_id} ({row.verdict}, {row.points} "
            "points) goes to the admins; you will hear what they decide.",
            visibility=Visibility.EPHEMERAL,
            color=Color.INFO,
        )

    async def flag(self, where: Where, text: str) -> Card:
        """`/flag QUESTION_ID reason`: anyone, about any question of the team's bank."""
        qid, _, rest = text.strip().partition(" ")
        if not qid:
            raise UserError(
                "Use /flag QUESTION_ID reason, e.g. /flag web-404 two answers are right."
            )
        bank = await self.banks.for_team(where.platform, where.team)
        if bank.get(qid) is None:
            raise UserError(f"There is no question '{clip(qid, 40)}'.")
        reason = _reason(rest, f"/flag {qid} the answer is out of date")
        new = await self._file(where, AppealKind.FLAG, where.channel, qid, "", reason)
        if new is None:
            raise UserError(f"You have already flagged {qid}.")
        return Card(
            title=f"Flag #{new} filed",
            text=f"Thanks: the admins will look at {qid}.",
            visibility=Visibility.EPHEMERAL,
        )

    async def _file(
        self,
        where: Where,
        kind: AppealKind,
        channel: str,
        question_id: str,
        context: str,
        reason: str,
    ) -> int | None:
        """Store a new open appeal or flag by `where`'s user; None when already filed."""
        return await self.store.add_appeal(
            Appeal(
                id=0,
                platform=where.platform,
                team=where.team,
                kind=kind,
                user_id=where.user,
                display_name=where.name,
                channel=channel,
                question_id=question_id,
                context=context,
                reason=reason,
                status=AppealStatus.OPEN,
                created_ms=to_ms(self.clock.now()),
            )
        )

    # --- the admins' queue --------------------------------------------------------------

    async def queue(self, where: Where) -> Card:
        require_admin(where, "see the appeals")
        items = await self.store.appeals(where.platform, where.team, AppealStatus.OPEN, limit=20)
        if not items:
            return Card(
                title="Appeals and flags", text="Nothing waiting.", visibility=Visibility.EPHEMERAL
            )
        bank = await self.banks.for_team(where.platform, where.team)
        lines = []
        for a in items:
            q = bank.get(a.question_id)
            prompt = clip(q.prompt, 120) if q else "(no longer in the bank)"
            if a.kind is AppealKind.APPEAL:
                row = await self.store.get_answer(
                    where.platform, where.team, a.user_id, a.context, a.question_id
                )
                graded = (
                    (
                        f"answer: {clip(row.answer, 200)!r} — {row.verdict}, score "
                        f"{row.score:.2f}, {row.points} pts"
                    )
                    if row
                    else "answer: (gone)"
                )
                lines.append(
                    f"#{a.id} appeal by {a.display_name} on {a.question_id}: "
                    f"{prompt}\n    {graded}\n    why: {a.reason}"
                )
            else:
                lines.append(
                    f"#{a.id} flag by {a.display_name} on {a.question_id}: "
                    f"{prompt}\n    why: {a.reason}"
                )
        return Card(
            title=f"Appeals and flags ({len(items)} open)",
            text="\n".join(lines),
            footer="/appeals accept ID [score] · /appeals reject ID reason",
            visibility=Visibility.EPHEMERAL,
        )

    async def _open(self, where: Where, raw_id: str) -> Appeal:
        if not raw_id.lstrip("#").isdigit():
            raise UserError("Give the number from /appeals, e.g. /appeals accept 3.")
        a = await self.store.get_appeal(where.platform, where.team, int(raw_id.lstrip("#")))
        if a is None:
            raise UserError(f"There is no appeal #{clip(raw_id, 12)} in this team.")
        return a

    async def accept(self, where: Where, raw_id: str, raw_score: str | None = None) -> Reply:
        require_admin(where, "decide appeals")
        a = await self._open(where, raw_id)
        if a.status is not AppealStatus.OPEN:
            raise UserError(f"#{a.id} was already {a.status}; nothing changed.")
        now = to_ms(self.clock.now())
        rescore = None
        note = f"{a.display_name}'s flag on {a.question_id}: the admins agree."
        if a.kind is AppealKind.APPEAL:
            row = await self.store.get_answer(
                where.platform, where.team, a.user_id, a.context, a.question_id
            )
            if row is None:
                raise UserError(f"The answer of #{a.id} is gone.")
            score = parse_score(raw_score) if raw_score else 1.0
            g = Grade(score, _verdict(score), "Re-scored on appeal by an admin.")  # no name kept
            points = await self._points(where, row, g)
            rescore = Rescore(
                row.user_id,
                row.context,
                row.question_id,
                g.score,
                g.verdict,
                g.correct,
                points,
                g.feedback,
            )
            note = (
                f"{a.display_name}'s answer to {a.question_id}: {row.points} → {points} "
                f"points ({g.verdict})."
            )
        elif raw_score:
            raise UserError(
                "A flag has no score; to re-grade its answers use "
                f"/questions regrade {a.question_id}."
            )
        done = await self.store.resolve_appeal(
            where.platform, where.team, a.id, AppealStatus.ACCEPTED, where.user, note, now, rescore
        )
        if not done:
            raise UserError(f"#{a.id} was already decided; nothing changed.")
        told = Card(title=f"Your {a.kind} #{a.id} was accepted", text=note, color=Color.GOOD)
        return Reply(
            cards=(
                Card(
                    title=f"#{a.id} accepted",
                    text=note,
                    visibility=Visibility.EPHEMERAL,
                    color=Color.GOOD,
                ),
            ),
            outgoing=(Outgoing(Target(a.platform, a.team, a.channel), told),),
        )

    async def reject(self, where: Where, raw_id: str, text: str) -> Reply:
        require_admin(where, "decide appeals")
        a = await self._open(where, raw_id)
        reason = _reason(text, f"/appeals reject {a.id} the answer misses the key point")
        done = await self.store.resolve_appeal(
            where.platform,
            where.team,
            a.id,
            AppealStatus.REJECTED,
            where.user,
            reason,
            to_ms(self.clock.now()),
        )
        if not done:
            raise UserError(
                f"#{a.id} was already {a.status if a.status != 'open' else 'decided'}"
                "; nothing changed."
            )
        told = Card(
            title=f"Your {a.kind} #{a.id} was not accepted",
            text=f"{a.display_name}, on {a.question_id}: {reason}",
            color=Color.WARN,
        )
        return Reply(
            cards=(
                Card(
                    title=f"#{a.id} rejected",
                    text=f"{a.display_name} is told: {reason}",
                    visibility=Visibility.EPHEMERAL,
                ),
            ),
            outgoing=(Outgoing(Target(a.platform, a.team, a.channel), told),),
        )

    async def _points(self, where: Where, row: AnswerRow, g: Grade) -> int:
        """Points as the answer would have earned with this grade: interviews none, quiz
        and daily answers 10 scaled by the score, plus the speed bonus of their round."""
        if not row.ranked:
            return 0
        ctx = AnswerContext.parse(row.context)
        rid = ctx.round_id if ctx is not None else None
        limit_ms = 0
        if rid:
            rnd = await self.store.get_round(where.platform, where.team, rid)
            if rnd is not None:
                limit_ms = rnd.closes_ms - rnd.opened_ms
        if limit_ms <= 0:
            return round(POINTS_RIGHT * g.score)
        return quiz_points(g, row.elapsed_ms, limit_ms)

    # --- re-grading one question --------------------------------------------------------

    async def regrade(self, where: Where, qid: str, confirm: bool = False) -> Card:
        require_admin(where, "re-grade answers")
        bank = await self.banks.for_team(where.platform, where.team)
        q = bank.get(qid)
        if q is None:
            raise UserError(f"There is no question '{clip(qid, 40)}'.")
        changes = await self._changes(where, q)
        if not changes:
            return Card(
                title=f"Re-grade {qid}",
                text="No answer's grade changes.",
                visibility=Visibility.EPHEMERAL,
            )
        summary = await self._summary(where, changes)
        if not confirm:
            return Card(
                title=f"Re-grade {qid}: preview",
                text=summary,
                footer=f"/questions regrade {qid} confirm applies it",
                visibility=Visibility.EPHEMERAL,
                color=Color.WARN,
            )
        n = await self.store.rescore_answers(
            where.platform, where.team, [c.rescore for c in changes]
        )
        return Card(
            title=f"Re-graded {qid}",
            text=f"{n} answers re-graded.\n{summary}",
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )

    async def _changes(self, where: Where, q: Question) -> list[Change]:
        out = []
        for row in await self.store.question_answers(where.platform, where.team, q.id):
            if row.verdict in _UNGRADED:
                continue
            g = await grade(
                _as_answered(q, row.context),
                row.answer,
                options=self.grading,
                who=(f"{where.platform}:{where.team}", row.user_id),
            )
            points = await self._points(where, row, g)
            if (g.score, g.verdict, points) == (row.score, row.verdict, row.points):
                continue
            out.append(
                Change(
                    row,
                    Rescore(
                        row.user_id,
                        row.context,
                        row.question_id,
                        g.score,
                        g.verdict,
                        g.correct,
                        points,
                        g.feedback,
                    ),
                )
            )
        return out

    async def _summary(self, where: Where, changes: list[Change]) -> str:
        delta: dict[str, int] = {}
        names: dict[str, str] = {}
        for c in changes:
            if c.row.ranked:
                delta[c.row.user_id] = delta.get(c.row.user_id, 0) + c.rescore.points - c.row.points
            names[c.row.user_id] = c.row.display_name
        total = sum(delta.values())
        lines = [f"{len(changes)} answers change grade; points {total:+d} in all."]
        size = await self.store.board_size(where.platform, where.team, "team", "all")
        board = await self.store.top(where.platform, where.team, "team", "all", max(size, 1))
        before = {r.user_id: i + 1 for i, r in enumerate(board)}
        after_rows = sorted(
            board, key=lambda r: (-(r.points + delta.get(r.user_id, 0)), before[r.user_id])
        )
        after = {r.user_id: i + 1 for i, r in enumerate(after_rows)}
        for uid, d in sorted(delta.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:15]:
            if not d:
                continue
            move = ""
            if uid in before and before[uid] != after[uid]:
                move = f", rank {before[uid]} → {after[uid]}"
            lines.append(f"{names[uid]}: {d:+d} points{move}")
        return "\n".join(lines)


def _as_answered(q: Question, context: str) -> Question:
    """The question with its choices in the order the person saw them (a stored letter names
    the choice shown under it in that round)."""
    ctx = AnswerContext.parse(context)
    round_id = ctx.round_id if ctx is not None else None
    return as_shown(q, round_id) if round_id else q
