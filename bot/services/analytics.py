"""Item analytics: learn from every answer which questions look broken.

Per question and team (and pooled across teams for the shipped bank): how many answered, the
share right, the median time, discrimination (the point-biserial correlation between being
right here and the player's share right on their other questions, and the upper-minus-lower
27 % index), how often each choice (or wrong short answer) was given, and flags. The database
does the summing (`Store.item_stats`, `Store.pick_counts`): a report costs one pass over a
team's answers in SQL and a loop over its questions in Python, whatever the team's size.

A question with a strong flag and at least REST_ANSWERS answers is rested in that team: the
quiz, daily and interview pickers skip it (bot.services.rotation) until an admin keeps or
retires it.
"""

from __future__ import annotations

import csv
import io
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from bot.clock import Clock, to_ms
from bot.domain.questions import Kind, Question, choice_letter
from bot.domain.records import ItemStats, ItemStatus, PickCount, QuestionStatus
from bot.domain.text import clip
from bot.domain.values import Card, Color, UserError, Visibility, Where
from bot.grading.choice import choice_index
from bot.services.access import require_admin
from bot.services.banks import Banks
from bot.store.protocol import ALL_TEAMS, Store

log = logging.getLogger(__name__)

_REPORT = "see the question report or keep and retire questions"

MIN_FLAG_ANSWERS = 10  # fewer answers than this: no flags, too little evidence
REST_ANSWERS = 20  # a strong flag on at least this many answers rests the question
MIN_GROUP = 5  # answers from the top 27 % needed before "the strongest players miss it"
STRONGEST_MISS = 0.34  # the top 27 % get it right less often than this: a flag
STRONGEST_MISS_STRONG = 0.2
MANY_APPEALS = 3  # appeals and flags (not rejected) on one question in a team: a flag
NEGATIVE = -0.1  # point-biserial (or upper-lower index) below this: a flag
NEGATIVE_STRONG = -0.2
MIN_PAIRS = 10  # answers by players with enough other answers, for the point-biserial
REFRESH_SECONDS = 900  # a team's questions are re-checked for resting at most this often
REPORT_LINES = 15  # questions listed in /questions report; the CSV has them all

QUIZ_KINDS = (Kind.CHOICE, Kind.SHORT)  # the kinds whose answers are counted by text


@dataclass(frozen=True, slots=True)
class Flag:
    code: str  # nobody_right | strongest_miss | wrong_beats_right | negative_discrimination
    why: str
    strong: bool


@dataclass(frozen=True, slots=True)
class Option:
    """One choice (or, for a short question, one answer text) and how often it was given."""

    label: str  # "B) a list" or the answer text
    count: int
    right: bool


@dataclass(frozen=True, slots=True)
class ItemReport:
    platform: str
    team: str
    question_id: str
    topic: str
    kind: str
    prompt: str
    answers: int
    right: int
    median_s: float | None
    point_biserial: float | None
    upper_lower: float | None  # share right in the top 27 % minus the bottom 27 %
    upper_share: float | None
    options: tuple[Option, ...]  # choices in order; for short questions the wrong answers
    unmatched: int  # choice answers that named no choice
    flags: tuple[Flag, ...]
    status: str = ""  # '' | rested | kept | retired

    @property
    def share_right(self) -> float:
        return self.right / self.answers if self.answers else 0.0

    @property
    def restable(self) -> bool:
        return self.answers >= REST_ANSWERS and any(f.strong for f in self.flags)


def point_biserial(s: ItemStats) -> float | None:
    """Pearson's r between x (right here, 0/1) and y (share right elsewhere), from sums."""
    n = s.pairs
    if n < MIN_PAIRS:
        return None
    vx = n * s.sum_x - s.sum_x * s.sum_x  # x is 0/1: sum of squares = sum
    vy = n * s.sum_yy - s.sum_y * s.sum_y
    if vx <= 0 or vy <= 1e-12:
        return None
    return (n * s.sum_xy - s.sum_x * s.sum_y) / math.sqrt(vx * vy)


def _options(q: Question | None, picks: Sequence[PickCount]) -> tuple[tuple[Option, ...], int]:
    if q is None:
        return (), 0
    if q.kind is Kind.CHOICE:
        counts = [0] * len(q.choices)
        unmatched = 0
        for p in picks:
            i = choice_index(q, p.picked)
            if i is None:
                unmatched += p.count
            else:
                counts[i] += p.count
        return tuple(
            Option(f"{choice_letter(i)}) {c.text}", counts[i], c.correct)
            for i, c in enumerate(q.choices)
        ), unmatched
    if q.kind is Kind.SHORT:
        wrong = sorted(
            (p for p in picks if p.right == 0 and p.picked), key=lambda p: (-p.count, p.picked)
        )[:5]
        return tuple(Option(p.picked, p.count, False) for p in wrong), 0
    return (), 0


def flags_for(
    q: Question | None,
    s: ItemStats,
    r: float | None,
    d: float | None,
    upper_share: float | None,
    options: Sequence[Option],
    appeals: int = 0,
) -> tuple[Flag, ...]:
    """What makes a question look broken, each with why. The answer statistics need
    MIN_FLAG_ANSWERS answers; appeals and flags are people saying so, and count sooner."""
    out: list[Flag] = []
    if appeals >= MANY_APPEALS:
        out.append(
            Flag(
                "many_appeals",
                f"{appeals} appeals and flags on it (rejected ones not counted): see /appeals",
                False,
            )
        )
    if s.answers < MIN_FLAG_ANSWERS:
        return tuple(out)
    if s.right == 0:
        out.append(Flag("nobody_right", f"nobody got it right in {s.answers} answers", True))
    if upper_share is not None and upper_share < STRONGEST_MISS and s.right > 0:
        out.append(
            Flag(
                "strongest_miss",
                f"the strongest players miss it: {s.upper_right} of {s.upper} right in "
                "the top 27 %",
                upper_share < STRONGEST_MISS_STRONG,
            )
        )
    if q is not None and options and s.right > 0:  # else nobody_right says it
        if q.kind is Kind.CHOICE:
            right = sum(o.count for o in options if o.right)
            wrong = [o for o in options if not o.right]
        else:  # short: one wrong answer text against every right answer
            right, wrong = s.right, list(options)
        top = max(wrong, key=lambda o: o.count, default=None)
        if top is not None and top.count > right and top.count >= 3:
            out.append(
                Flag(
                    "wrong_beats_right",
                    f"wrong answer '{clip(top.label, 60)}' drew {top.count} against "
                    f"{right} for the right one",
                    True,
                )
            )
    negative = [v for v in (r, d) if v is not None and v < NEGATIVE]
    if negative and s.right > 0:
        parts = []
        if r is not None:
            parts.append(f"point-biserial {r:+.2f}")
        if d is not None:
            parts.append(f"upper-lower {d:+.2f}")
        strong = any(v <= NEGATIVE_STRONG for v in negative)
        out.append(
            Flag(
                "negative_discrimination",
                "negative discrimination: players who do "
                "worse overall get it right more often (" + ", ".join(parts) + ")",
                strong,
            )
        )
    return tuple(out)


def build_item(
    q: Question | None, s: ItemStats, picks: Sequence[PickCount], status: str = "", appeals: int = 0
) -> ItemReport:
    r = point_biserial(s)
    upper_share = s.upper_right / s.upper if s.upper >= MIN_GROUP else None
    lower_share = s.lower_right / s.lower if s.lower >= MIN_GROUP else None
    d = upper_share - lower_share if upper_share is not None and lower_share is not None else None
    options, unmatched = _options(q, picks)
    return ItemReport(
        platform=s.platform,
        team=s.team,
        question_id=s.question_id,
        topic=q.topic if q else "",
        kind=q.kind.value if q else "",
        prompt=q.prompt if q else "(no longer in the bank)",
        answers=s.answers,
        right=s.right,
        median_s=None if s.median_ms is None else s.median_ms / 1000,
        point_biserial=r,
        upper_lower=d,
        upper_share=upper_share,
        options=options,
        unmatched=unmatched,
        flags=flags_for(q, s, r, d, upper_share, options, appeals),
        status=status,
    )


class Analytics:
    def __init__(
        self, store: Store, banks: Banks, clock: Clock, refresh_seconds: float = REFRESH_SECONDS
    ) -> None:
        self.store = store
        self.banks = banks
        self.clock = clock
        self.refresh_seconds = refresh_seconds
        self._checked: dict[tuple[str, str], float] = {}

    async def items(self, platform: str, team: str) -> list[ItemReport]:
        """Every question answered in one team, with its team's status."""
        bank = await self.banks.for_team(platform, team)
        stats = await self.store.item_stats(platform, team)
        statuses = await self.store.question_statuses(platform, team)
        appeals = await self.store.appeal_counts(platform, team)
        return await self._build(
            stats, lambda _p, _t, qid: bank.get(qid), platform, team, statuses, appeals=appeals
        )

    async def pooled(self, platform: str | None = None) -> list[ItemReport]:
        """The shipped questions over every team (of one platform, or all)."""
        base = self.banks.base
        stats = await self.store.item_stats(platform, None, pooled=True)
        return await self._build(
            stats, lambda _p, _t, qid: base.get(qid), platform, None, {}, pooled=True
        )

    async def every_team(
        self, platform: str | None = None, team: str | None = None
    ) -> list[ItemReport]:
        """Per-team rows for every team that has answers (or the one asked for)."""
        stats = await self.store.item_stats(platform, team)
        out: list[ItemReport] = []
        teams = sorted({(s.platform, s.team) for s in stats})
        for p, t in teams:
            bank = await self.banks.for_team(p, t)
            statuses = await self.store.question_statuses(p, t)
            mine = [s for s in stats if (s.platform, s.team) == (p, t)]
            out.extend(
                await self._build(
                    mine,
                    lambda _p, _t, qid, b=bank: b.get(qid),
                    p,
                    t,
                    statuses,
                    appeals=await self.store.appeal_counts(p, t),
                )
            )
        return out

    async def _build(
        self,
        stats: Sequence[ItemStats],
        lookup,
        platform: str | None,  # type: ignore[no-untyped-def]
        team: str | None,
        statuses: dict[str, QuestionStatus],
        *,
        pooled: bool = False,
        appeals: dict[str, int] | None = None,
    ) -> list[ItemReport]:
        qs = {s.question_id: lookup(s.platform, s.team, s.question_id) for s in stats}
        counted = [qid for qid, q in qs.items() if q is not None and q.kind in QUIZ_KINDS]
        picks: dict[str, list[PickCount]] = {}
        if counted:
            for p in await self.store.pick_counts(platform, team, counted, pooled=pooled):
                picks.setdefault(p.question_id, []).append(p)
        return [
            build_item(
                qs[s.question_id],
                s,
                picks.get(s.question_id, ()),
                statuses[s.question_id].status if s.question_id in statuses else "",
                (appeals or {}).get(s.question_id, 0),
            )
            for s in stats
        ]

    # --- resting ------------------------------------------------------------------------

    async def refresh(self, platform: str, team: str) -> list[ItemReport]:
        """Rest every question with enough evidence of a strong flag and no decision yet;
        the team's items, as they now stand."""
        self._checked[(platform, team)] = self.clock.now().timestamp()
        items = await self.items(platform, team)
        now_ms = to_ms(self.clock.now())
        rests = [
            QuestionStatus(i.question_id, ItemStatus.RESTED, _why(i.flags), "", i.answers, now_ms)
            for i in items
            if i.restable and not i.status
        ]
        rested = set(await self.store.rest_questions(platform, team, rests)) if rests else set()
        if rested:
            log.info(
                "rested %d question(s) in %s/%s: %s",
                len(rested),
                platform,
                team,
                sorted(rested)[:10],
            )
        return [_with_status(i, ItemStatus.RESTED) if i.question_id in rested else i for i in items]

    async def maybe_refresh(self, platform: str, team: str) -> None:
        """After a round closes: re-check the team's questions, at most every
        refresh_seconds per team. Never fails the caller."""
        last = self._checked.get((platform, team))
        if last is not None and self.clock.now().timestamp() - last < self.refresh_seconds:
            return
        try:
            await self.refresh(platform, team)
        except Exception:
            log.exception("item analytics refresh failed for %s/%s", platform, team)

    # --- commands -----------------------------------------------------------------------

    async def report(self, where: Where, topic: str | None = None) -> Card:
        """(admins) The questions that look broken here, with why, worst first."""
        require_admin(where, _REPORT)
        bank = await self.banks.for_team(where.platform, where.team)
        t = bank.resolve_topic(topic)
        items = [
            i for i in await self.refresh(where.platform, where.team) if t is None or i.topic == t
        ]
        answered = sum(i.answers for i in items)
        broken = sorted(
            (i for i in items if i.flags and i.status != ItemStatus.RETIRED),
            key=lambda i: (not i.restable, -len(i.flags), -i.answers, i.question_id),
        )
        where_txt = f" on {t}" if t else ""
        if not broken:
            return Card(
                title=f"Question report{where_txt}: nothing looks broken",
                text=f"{len(items)} question(s) answered, {answered} answer(s) in all. "
                f"Flags need at least {MIN_FLAG_ANSWERS} answers to a question.",
                visibility=Visibility.EPHEMERAL,
                color=Color.GOOD,
            )
        fields = []
        for i in broken[:REPORT_LINES]:
            state = f" · {i.status}" if i.status in (ItemStatus.RESTED, ItemStatus.KEPT) else ""
            head = f"{i.question_id} ({i.topic}){state}"
            body = (
                f"{clip(i.prompt, 90)}\n{i.answers} answers, {i.share_right:.0%} right"
                + (f", median {i.median_s:.1f} s" if i.median_s is not None else "")
                + "\n"
                + "\n".join(f"• {f.why}" for f in i.flags)
            )
            fields.append((clip(head, 200), clip(body, 900)))
        more = f" Showing {REPORT_LINES} of {len(broken)}." if len(broken) > REPORT_LINES else ""
        return Card(
            title=f"Question report{where_txt}: {len(broken)} question(s) look broken",
            text=f"Of {len(items)} question(s) answered here ({answered} answers).{more} "
            "Rested questions are out of rotation until you decide: "
            "/questions keep ID or /questions retire ID.",
            fields=tuple(fields),
            visibility=Visibility.EPHEMERAL,
            color=Color.WARN,
            footer="All of it as CSV: interview-bot questions report --csv",
        )

    async def keep(self, where: Where, question_id: str) -> Card:
        return await self._decide(where, question_id, ItemStatus.KEPT)

    async def retire(self, where: Where, question_id: str) -> Card:
        return await self._decide(where, question_id, ItemStatus.RETIRED)

    async def _decide(self, where: Where, question_id: str, status: ItemStatus) -> Card:
        require_admin(where, _REPORT)
        qid = question_id.strip()
        bank = await self.banks.for_team(where.platform, where.team)
        q = bank.get(qid)
        if q is None:
            raise UserError(f"No question '{clip(qid, 60)}' here: /questions report lists the ids.")
        stats = next(
            (
                s
                for s in await self.store.item_stats(where.platform, where.team)
                if s.question_id == qid
            ),
            None,
        )
        await self.store.set_question_status(
            where.platform,
            where.team,
            QuestionStatus(
                qid,
                status,
                f"{status} by an admin",  # who: by_user (a name in text would outlive /forget-me)
                where.user,
                stats.answers if stats else 0,
                to_ms(self.clock.now()),
            ),
        )
        if status is ItemStatus.KEPT:
            text = "It stays in rotation here, whatever the analytics say."
        else:
            text = "It will not be asked again here. /questions keep ID brings it back."
        return Card(
            title=f"{qid} {status}",
            text=f"{clip(q.prompt, 120)}\n\n{text}",
            visibility=Visibility.EPHEMERAL,
            color=Color.GOOD,
        )


def _with_status(i: ItemReport, status: str) -> ItemReport:
    return replace(i, status=status)


def _why(flags: Iterable[Flag]) -> str:
    return "; ".join(f.why for f in flags if f.strong)


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "platform",
    "team",
    "question_id",
    "topic",
    "kind",
    "answers",
    "right",
    "share_right",
    "median_seconds",
    "point_biserial",
    "upper_lower_27",
    "upper_share_right",
    "options",
    "unmatched",
    "flags",
    "why",
    "status",
    "prompt",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A text cell a spreadsheet shows as text: one that would start a formula gets a
    leading '. (The number cells are ours, and a negative number is no formula.)"""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _num(v: float | None, digits: int = 3) -> str:
    return "" if v is None else f"{v:.{digits}f}"


def to_csv(items: Iterable[ItemReport]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for i in items:
        team = "all teams" if i.team == ALL_TEAMS else i.team
        platform = "all" if i.platform == ALL_TEAMS else i.platform
        text = [csv_safe(v) for v in (platform, team, i.question_id, i.topic, i.kind)]
        numbers = [
            str(i.answers),
            str(i.right),
            _num(i.share_right),
            _num(i.median_s, 1),
            _num(i.point_biserial),
            _num(i.upper_lower),
            _num(i.upper_share),
        ]
        options = " | ".join(
            f"{o.label}{' (right)' if o.right else ''}: {o.count}" for o in i.options
        )
        w.writerow(
            [
                *text,
                *numbers,
                csv_safe(options),
                str(i.unmatched),
                csv_safe(" ".join(f.code for f in i.flags)),
                csv_safe("; ".join(f.why for f in i.flags)),
                csv_safe(i.status),
                csv_safe(i.prompt),
            ]
        )
    return buf.getvalue()
