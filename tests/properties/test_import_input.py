"""Whatever a file holds, an import either gives a pack that imports again as the same
questions, or refuses with `file:…` problems; it never raises anything else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.questions.imports import FORMATS, convert
from bot.questions.schema import PackError

# bits of every format, so the generated files get past the first checks
_PIECES = st.sampled_from(
    [
        "::q::",
        "{",
        "}",
        "=",
        "~",
        "#",
        "####",
        "%50%",
        "->",
        "$CATEGORY: a/b\n",
        "\n",
        "\n\n",
        "A) x\n",
        "B. y\n",
        "ANSWER: A\n",
        "Q?:\n- a\n",
        "AUTHOR: me\n",
        "CONFIG:\n  delay: 1\n",
        '{"response_code": 0, "results": [',
        '{"type": "boolean", "question": "q", ',
        '"correct_answer": "True", "incorrect_answers": ["False"]}',
        "]}",
        ",",
        '"',
        "kind,prompt,choices,answer\n",
        "choice,P,a|b|c,A\n",
        "short,S,,x|y\n",
        "\\",
        "T",
        "F",
        "&amp;",
        "<b>",
        "\x00",
        "\x1b",
        "é",
        "=cmd",
        "*a",
        "&x ",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, fmt=st.sampled_from([None, *FORMATS]))
def test_any_text_converts_or_is_refused_with_named_problems(text: str, fmt: str | None) -> None:
    data = text.encode("utf-8")
    try:
        c = convert(data, "in.txt", fmt)
    except PackError as e:
        assert e.errors and all(err.startswith("in.txt") for err in e.errors), e.errors
        return
    assert convert(c.yaml.encode(), "again.yaml").pack.questions == c.pack.questions


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200), fmt=st.sampled_from([None, *FORMATS]))
def test_any_bytes_are_refused_or_read(data: bytes, fmt: str | None) -> None:
    try:
        convert(data, "in.bin", fmt)
    except PackError as e:
        assert e.errors and all(err.startswith("in.bin") for err in e.errors), e.errors
