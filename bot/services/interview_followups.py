"""Follow-up questions and hints: aimed at one key point, graded against it alone, merged.

An open answer that misses a key point, or states one of the rubric's misconceptions, gets a
follow-up aimed at that point (the pack's own `follow_up`, else one composed from the point
with its terms left out, so it does not give the answer away). The reply is graded against
that point alone; its credit, a share of the question's, is added to the question's grade.
A hint (the pack's, else the first point not shown yet, softened) caps the credit.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain.questions import Grade, KeyPoint, Kind, Question, Verdict
from bot.domain.text import clip
from bot.grading.open import analyse
from bot.grading.scoring import verdict_for
from bot.services.interview_state import FollowUp, Step

HINT_CAP = 0.75  # a question answered after a hint earns at most this share
SHOWN_AT = 0.5  # a follow-up reply scoring this much against its point shows it
GENERIC_PROMPT = (
    "A strong answer covers one more thing here. What else would you say about this question?"
)
GENERIC_AGAIN = "One more part is still missing. What else would a strong answer say?"


def soften(kp: KeyPoint) -> str:
    """The point's wording with its terms left out ("… runs bytecode at a time"), or ""
    when too little is left to say anything."""
    text = kp.point
    for term in sorted(kp.terms, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", "…", text, flags=re.IGNORECASE)
    text = re.sub(r"…(?:[\s,;:]*…)+", "…", text).strip(" ,;:")
    words = re.findall(r"[A-Za-z]{3,}", text)
    return text if len(words) >= 2 and text != "…" else ""


def composed_prompt(q: Question, kp: KeyPoint) -> str:
    """The pack's follow-up for the point, else one from its softened wording; generic when
    even that would show the point (a stem of a term left in: "maps" for "mapping")."""
    if kp.follow_up:
        return kp.follow_up
    soft = soften(kp)
    if not soft or _shows(q, kp, soft):
        return GENERIC_PROMPT
    return f"Your answer left one part out. What can you tell me about this: “{soft}”?"


def _shows(q: Question, kp: KeyPoint, text: str) -> bool:
    """Whether `text` alone shows the point (the grader's own key-point check)."""
    only = replace(q, key_points=(kp,), misconceptions=())
    return kp.point in analyse(only, text).right


def hint_for(q: Question, step: Step) -> str:
    """The pack's hint, else the first key point not shown yet, softened."""
    if q.hint:
        return q.hint
    shown = set(_shown(step))
    for kp in q.key_points:
        if kp.point not in shown and (soft := soften(kp)) and not _shows(q, kp, soft):
            return f"Think about this part: “{soft}”."
    return "Think of what the question asks, part by part, and say why each part matters."


def misconception_stated(q: Question, g: Grade) -> str:
    """The claim of the rubric's misconception the answer stated, as the grader said, or ""."""
    for m in q.misconceptions:
        if m.claim in g.feedback:
            return m.claim
    return ""


def next_follow_up(q: Question, step: Step, max_follow_ups: int, now_ms: int) -> FollowUp | None:
    """The next follow-up for this question, or None (not an open question with key points,
    the limit reached, nothing missing)."""
    g = step.first_grade()
    if g is None or q.kind is not Kind.OPEN or not q.key_points:
        return None
    if g.verdict in (Verdict.SKIPPED, Verdict.LATE) or len(step.follow_ups) >= max_follow_ups:
        return None
    asked = {f.point for f in step.follow_ups}
    shown = set(_shown(step))
    missing = [kp for kp in q.key_points if kp.point not in shown and kp.point not in asked]
    if not missing:
        return None
    claim = misconception_stated(q, g)
    if claim and not any(f.reason == "misconception" for f in step.follow_ups):
        kp = missing[0]
        prompt = (
            f"You said something close to “{clip(claim, 120)}”. Is that right? "
            + composed_prompt(q, kp)
        )
        return FollowUp(kp.point, prompt, "misconception", now_ms)
    if not g.missing and not claim:
        return None
    kp = missing[0]
    prompt = composed_prompt(q, kp)
    if prompt == GENERIC_PROMPT and any(f.prompt == prompt for f in step.follow_ups):
        prompt = GENERIC_AGAIN
    return FollowUp(kp.point, prompt, "missing", now_ms)


def point_question(q: Question, fu: FollowUp) -> Question:
    """The question a follow-up reply is graded as: its prompt, the one point, no more."""
    kp = next((k for k in q.key_points if k.point == fu.point), None)
    points = (kp,) if kp else ()
    return replace(q, prompt=fu.prompt, key_points=points, reference=fu.point)


def merged_grade(q: Question, step: Step) -> Grade:
    """The question's grade: the first answer's, plus each follow-up's share, hint-capped."""
    g = step.first_grade()
    if g is None:
        return Grade(0.0, Verdict.SKIPPED, "Skipped.", (), tuple(k.point for k in q.key_points))
    answered = [f for f in step.follow_ups if f.reply is not None]
    score = g.score
    notes: list[str] = []
    if answered:
        share = 1 / max(1, len(q.key_points))
        # a reply earns its point's share only when it shows the point: a semantic model's
        # small similarity to the point's wording is no credit (nonsense would collect it)
        score = min(1.0, score + sum(share * f.score for f in answered if f.shown))
        got = [f.point for f in answered if f.shown]
        notes.append("After a follow-up: " + ("you covered " + "; ".join(got) + "." if got else ""))
        if not got:
            notes[-1] += "the point is still missing."
    right = tuple(_shown(step))
    missing = tuple(k.point for k in q.key_points if k.point not in right)
    if step.hint and score > HINT_CAP:
        score = HINT_CAP
    if step.hint:
        notes.append(f"A hint was taken: this question counts at most {round(HINT_CAP * 100)} %.")
    verdict = g.verdict if g.verdict in (Verdict.SKIPPED, Verdict.LATE) else verdict_for(score)
    if g.verdict in (Verdict.SKIPPED, Verdict.LATE):
        score = 0.0
    feedback = "\n".join([g.feedback, *notes]) if notes else g.feedback
    return Grade(round(score, 4), verdict, feedback, right, missing)


def _shown(step: Step) -> list[str]:
    """The points shown so far: by the first answer, then by follow-up replies."""
    g = step.first_grade()
    out = list(g.right) if g else []
    out += [f.point for f in step.follow_ups if f.shown and f.point not in out]
    return out
