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
