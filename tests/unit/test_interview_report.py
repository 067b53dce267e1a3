"""The report's quotes: the candidate's own sentence, clipped, never a live mention."""

from __future__ import annotations

from bot.domain.questions import KeyPoint
from bot.services.interview_report import closest_sentence, evidence, quoted


def test_quotes_are_one_clipped_line_without_live_mentions_or_hidden_characters() -> None:
    q = quoted("Ping @everyone and <@U123> and <!channel>\nnow\u202e" + " x" * 200)
    assert q.startswith("“") and q.endswith("”") and "\n" not in q and len(q) <= 142
    assert "@everyone" not in q and "<@U123>" not in q and "<!channel>" not in q
    assert "\u202e" not in q
    assert "everyone" in q  # the words are still shown, just inert


def test_evidence_is_the_first_sentence_with_a_term_or_nothing() -> None:
    kp = KeyPoint("keeps its state", ("state", "resumes"))
    said = ["It yields values. It resumes where it stopped! Done."]
    assert evidence(kp, said) == "“It resumes where it stopped!”"
    assert evidence(KeyPoint("lazy", ("lazily",)), said) == ""


def test_the_sentence_stating_a_misconception_is_found() -> None:
    text = "Threads exist. The GIL means only one thread can ever exist. I use asyncio."
    got = closest_sentence("The GIL means Python programs can only ever have one thread.", text)
    assert got == "“The GIL means only one thread can ever exist.”"


def test_a_follow_up_reply_earns_its_share_only_when_it_shows_the_point() -> None:
    """A semantic model finds some likeness to the point's words in anything; nonsense must
    not collect credit through the follow-ups (seen: gibberish 15 % with the model on)."""
    from bot.domain.questions import Grade, Kind, Question, Verdict
    from bot.services.interview_followups import merged_grade
    from bot.services.interview_state import FollowUp, Step

    points = tuple(KeyPoint(p, (p,)) for p in ("alpha", "beta"))
    q = Question("q", Kind.OPEN, "t", 1, "Say alpha and beta", "", key_points=points)
    step = Step("q", answer="alpha")
    step.keep_grade(Grade(0.5, Verdict.PARTIAL, "", ("alpha",), ("beta",)))
    missed = FollowUp("beta", "And beta?", "missing", 1, reply="zxcv bnm", score=0.3)
    step.follow_ups.append(missed)
    assert merged_grade(q, step).score == 0.5  # nothing added for a reply that missed it
    missed.shown, missed.score = True, 0.9
    assert merged_grade(q, step).score == 0.95
