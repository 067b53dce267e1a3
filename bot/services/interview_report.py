"""The interview report: per topic a score and a level, every strength and gap with the
sentence of the candidate's own answer it rests on (or "not mentioned"), follow-ups and
hints, and a short study plan. Past reports are rebuilt from what the store keeps."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.domain.actions import AnswerContext
from bot.domain.questions import KeyPoint, Kind, Question, Verdict
from bot.domain.records import AnswerRow, Session, SessionStatus
from bot.domain.text import clip, display_name
from bot.domain.values import Card, Visibility
from bot.questions.bank import QuestionBank
from bot.services.cards import VERDICT_TITLES, report_color
from bot.services.charts import interview_image
from bot.services.interview_state import InterviewState, Step
from bot.store.protocol import Store

QUOTE_CHARS = 140
STRONG_AT = 75  # % overall: "strong"; below 40 %: "needs work"
PLAN_TOPICS = 3
PLAN_QUESTIONS = 3
PLAN_POINTS = 6  # missed points named per topic
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")

# topic -> the person's level in words ("junior" / "mid" / "senior"), or None without one
LevelOf = Callable[[str], Awaitable[str | None]]


def quoted(text: str, n: int = QUOTE_CHARS) -> str:
    """A candidate's words as the report quotes them: one clipped line, no hidden or control
    characters, and no live mention (`@here`, `<@U1>`, `<!channel>`) on any platform."""
    line = clip(display_name(text.replace("\n", " ")), n)
    line = line.replace("@", "@\u2060") if "@" in line else line  # word joiner: no ping
    return "“" + line.replace("<", "‹").replace(">", "›") + "”"


def evidence(kp: KeyPoint, texts: list[str]) -> str:
    """The first sentence of the answers that says one of the point's terms, quoted."""
    for t in texts:
        for sentence in _SENTENCE.split(t):
            low = sentence.lower()
            if any(term.lower() in low for term in kp.terms):
                return quoted(sentence)
    return ""


def closest_sentence(claim: str, text: str) -> str:
    """The sentence of `text` sharing the most words with `claim`, quoted ("" if none)."""
    words = set(re.findall(r"\w{3,}", claim.lower()))
    best, best_n = "", 0
    for sentence in _SENTENCE.split(text):
        n = len(words & set(re.findall(r"\w{3,}", sentence.lower())))
        if n > best_n:
            best, best_n = sentence, n
    return quoted(best) if best else ""


def verdict_word(pct: int) -> str:
    return "strong" if pct >= STRONG_AT else "mixed" if pct >= 40 else "needs work"


@dataclass
class _Topic:
    scores: list[float] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # missed points


async def report_card(
    store: Store,
    bank: QuestionBank,
    s: Session,
    state: InterviewState,
    level_of: LevelOf | None = None,
) -> Card:
    """The whole report as one card."""
    answers = {
        a.question_id: a
        for a in await store.context_answers(s.platform, s.team, str(AnswerContext.interview(s.id)))
    }
    topics: dict[str, _Topic] = defaultdict(_Topic)
    fields: list[tuple[str, str]] = []
    asked: set[str] = set(s.question_ids[: s.position + 1])
    follow_ups = hints = 0
    for i, qid in enumerate(s.question_ids):
        q, a = bank.get(qid), answers.get(qid)
        if q is None or a is None:
            continue
        step = state.steps.get(i) or Step(qid, answer=a.answer)
        t = topics[q.topic]
        t.scores.append(a.score)
        first = step.first_grade()  # what the first answer missed, follow-ups or not
        t.gaps.extend(first.missing if first and step.follow_ups else a.missing_points)
        fields.append((f"{i + 1}. {clip(q.prompt, 90)}", _question_lines(q, a, step)))
        follow_ups += sum(f.reply is not None for f in step.follow_ups)
        hints += bool(step.hint)
    total = sum(sum(t.scores) for t in topics.values())
    n = sum(len(t.scores) for t in topics.values())
    pct = round(100 * total / n) if n else 0
    by_topic = []
    for name, t in sorted(topics.items()):
        tp = round(100 * sum(t.scores) / len(t.scores))
        level = await level_of(name) if level_of else None
        by_topic.append(
            f"{name} {sum(t.scores):.1f}/{len(t.scores)} ({tp}%)" + (f", {level}" if level else "")
        )
    plan = study_plan(bank, topics, asked)
    if plan:
        fields.append(("Study plan", plan))
    status = "finished" if s.status is SessionStatus.FINISHED else "ended early"
    minutes = max(1, round(((s.finished_ms or s.question_started_ms) - s.started_ms) / 60000))
    extras = f"{follow_ups} follow-up(s) answered, {hints} hint(s) taken."
    word = verdict_word(pct) if n else "nothing answered"
    return Card(
        title=f"Interview report · {_subject(s, state)}",
        text=f"Overall: {word}. Score {total:.1f} of {n} ({pct}%), {status} after "
        f"{minutes} min. {extras}\nBy topic: {'; '.join(by_topic) or 'nothing answered'}",
        fields=tuple(fields),
        visibility=Visibility(s.visibility),
        color=report_color(pct),
        image=await interview_image(store, s, bank, answers),  # the trend picture (bot/charts)
    )


def _subject(s: Session, state: InterviewState) -> str:
    return f"track {state.track}" if state.track else (s.topic or "all topics")


def _question_lines(q: Question, a: AnswerRow, step: Step) -> str:
    head = f"{VERDICT_TITLES.get(a.verdict, a.verdict)} ({round(a.score * 100)}%)"
    answered_fu = [f for f in step.follow_ups if f.reply is not None]
    if answered_fu:
        head += ", after a follow-up"
    if step.hint:
        head += ", with a hint"
    lines = [head]
    if q.kind is Kind.OPEN and a.verdict not in (Verdict.SKIPPED, Verdict.LATE):
        texts = [step.answer or a.answer, *(f.reply or "" for f in answered_fu)]
        by_point = {kp.point: kp for kp in q.key_points}
        for p in a.right_points:
            kp = by_point.get(p)
            ev = evidence(kp, texts) if kp else ""
            after = " (after a follow-up)" if any(f.point == p for f in answered_fu) else ""
            lines.append(f"✓ {p}{after}: {ev or 'shown'}")
        for p in a.missing_points:
            lines.append(f"✗ {p}: not mentioned")
        first = step.first_grade()
        for m in q.misconceptions if first else ():
            if first and m.claim in first.feedback:
                said = closest_sentence(m.claim, texts[0])
                lines.append(f"✗ a misconception: {said or quoted(m.claim)}")
    else:
        lines.extend("✓ " + p for p in a.right_points)
        lines.extend("✗ " + p for p in a.missing_points)
    return "\n".join(lines)


def study_plan(bank: QuestionBank, topics: dict[str, _Topic], asked: set[str]) -> str:
    """The weakest topics first; per topic its missed points and the bank's questions that
    practise them (the most of those points in their key points first)."""
    weak = sorted(
        ((sum(t.scores) / len(t.scores), name, t) for name, t in topics.items() if t.scores),
        key=lambda x: (x[0], x[1]),
    )
    lines: list[str] = []
    for share, name, t in weak:
        if share >= 0.9 and not t.gaps:
            continue
        gaps = list(dict.fromkeys(t.gaps))
        words = {w for g in gaps for w in re.findall(r"[a-z]{4,}", g.lower())}
        scored = []
        for q in bank:
            if q.topic != name or q.id in asked or q.kind not in (Kind.OPEN, Kind.CODE):
                continue
            text = " ".join([q.prompt, *(k.point for k in q.key_points)]).lower()
            hits = sum(w in text for w in words)
            scored.append((-hits, q.difficulty, q.id))
        picks = [qid for _, _, qid in sorted(scored)[:PLAN_QUESTIONS]]
        line = f"{len(lines) + 1}. {name} ({round(share * 100)}%)"
        if gaps:
            line += ": practise " + "; ".join(clip(g, 80) for g in gaps[:PLAN_POINTS])
        if picks:
            line += ". Questions: " + ", ".join(picks)
        lines.append(line)
        if len(lines) >= PLAN_TOPICS:
            break
    return "\n".join(lines)


async def history_card(store: Store, s_list: list[Session], visibility: Visibility) -> Card:
    """The person's past interviews, newest first, numbered for /interview report N."""
    lines = []
    for i, s in enumerate(s_list, 1):
        answers = await store.context_answers(
            s.platform, s.team, str(AnswerContext.interview(s.id))
        )
        total = sum(a.score for a in answers)
        pct = round(100 * total / len(answers)) if answers else 0
        when = _day(s.started_ms)
        lines.append(
            f"{i}. {when} · {s.topic or 'all topics'} · {total:.1f}/{len(answers)} ({pct}%) · "
            f"{s.status}"
        )
    return Card(
        title="Your interviews",
        text="\n".join(lines) or "No interviews yet. Start one with /interview start.",
        footer="/interview report N shows one again" if lines else "",
        visibility=visibility,
    )


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")
