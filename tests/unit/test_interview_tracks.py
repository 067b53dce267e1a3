"""Interview tracks as data: the shipped ones are valid and name topics the bank has; a bad
track is refused with every error as file:line: field: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.questions.bank import QuestionBank
from bot.questions.schema import PackError
from bot.questions.tracks import load_tracks, parse_track, track_problems, unknown_topics

GOOD = """\
id: mini
title: A small track
level: mid
questions: 5
minutes: 30
mix:
  - topic: python
    kinds: [open, code]
    weight: 3
  - topic: web
    weight: 2
"""


def test_the_shipped_tracks_are_valid_and_their_topics_exist() -> None:
    tracks = load_tracks()
    assert {"backend-junior", "django-mid", "fullstack-senior"} <= set(tracks)
    assert unknown_topics(tracks, QuestionBank.from_dir().topics) == []
    assert tracks["django-mid"].difficulty == 2 and tracks["fullstack-senior"].difficulty == 3


def test_slots_share_questions_by_weight_interleaved() -> None:
    t = parse_track(GOOD, "mini.yaml")
    assert [m.topic for m in t.slots()] == ["python", "web", "python", "web", "python"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (("level: mid", "level: expert"), "mini.yaml:3: level: Input should be 'junior'"),
        (("questions: 5", "questions: 99"), "mini.yaml:4: questions: Input should be less"),
        (("    weight: 2", "    weight: 2\n    colour: red"), "mini.yaml:12: mix[1].colour:"),
        (("kinds: [open, code]", "kinds: [essay]"), "mini.yaml:8: mix[0].kinds[0]: Input"),
        (("  - topic: web", "  - topic: python"), "mini.yaml:6: mix: a topic is listed twice"),
    ],
)
def test_a_bad_track_names_file_line_and_field(change: tuple[str, str], error: str) -> None:
    with pytest.raises(PackError) as e:
        parse_track(GOOD.replace(*change), "mini.yaml")
    assert any(err.startswith(error) for err in e.value.errors), e.value.errors


def test_yaml_anchors_are_refused_as_in_packs() -> None:
    with pytest.raises(PackError, match="aliases and anchors"):
        parse_track(GOOD.replace("title: A small track", "title: &t A small track"), "m.yaml")


def test_problems_name_bad_files_and_missing_topics(tmp_path: Path) -> None:
    (tmp_path / "mini.yaml").write_text(GOOD.replace("topic: web", "topic: cobol"))
    [problem] = track_problems(["python", "web"], tmp_path)
    assert problem.endswith("track mini: cobol: no such topic in the bank")
    (tmp_path / "bad.yaml").write_text("id: bad\n")
    problems = track_problems(["python"], tmp_path)
    assert any(p.startswith(f"{tmp_path / 'bad.yaml'}:1: title: Field required") for p in problems)
