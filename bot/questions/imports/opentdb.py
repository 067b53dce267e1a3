"""Open Trivia Database responses (`api.php` JSON): HTML entities decoded, multiple choice
as `choice`, True/False as `short`, the CC BY-SA 4.0 attribution kept on every question."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bot.questions.imports.draft import (
    Draft,
    Problems,
    build,
    decode,
    stem,
    the_answer_is,
    two_way,
)
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError

CREDIT = "Question from the Open Trivia Database (opentdb.com), CC BY-SA 4.0."
_CODES = {
    1: "not enough questions for the query",
    2: "an invalid parameter in the query",
    3: "session token not found",
    4: "session token has returned every question (reset it)",
    5: "rate limited (one request per 5 seconds)",
}
_LEVELS = {"easy": 1, "medium": 2, "hard": 3}
_NAMES = {
    "prompt": "question",
    "choices": "incorrect_answers",
    "accepted": "correct_answer",
    "difficulty": "difficulty",
}


def looks_like(text: str) -> bool:
    return text.lstrip().startswith("{") and '"results"' in text


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    text = decode(data, filename)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise PackError([f"{filename}:{e.lineno}: (json): {e.msg}"]) from None
    except RecursionError:
        raise PackError([f"{filename}:1: (json): nested too deeply"]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise PackError([f"{filename}:1: results: an Open Trivia DB response has a results list"])
    code = doc.get("response_code", 0)
    if code != 0:
        why = _CODES.get(code, "an error") if isinstance(code, int) else "an error"
        raise PackError([f"{filename}:1: response_code: {code!r}: the API answered {why}"])
    lines = _result_lines(text, len(doc["results"]))
    problems = Problems()
    drafts = []
    for i, r in enumerate(doc["results"]):
        at = f"{filename}:{lines[i]}"
        d = _draft(r, at, problems)
        if d is not None:
            drafts.append(d)
    problems.raise_if_any()
    return build(
        drafts,
        filename,
        title=f"Open Trivia DB: {stem(filename)}",
        topic=stem(filename),
        pack_id=pack_id,
        header=(
            f"Converted from the Open Trivia Database response {filename}.",
            "Questions from opentdb.com, licensed CC BY-SA 4.0",
            "(https://creativecommons.org/licenses/by-sa/4.0/); keep this attribution.",
        ),
    )


def _text(r: dict[str, Any], key: str, at: str, problems: Problems) -> str | None:
    v = r.get(key)
    if not isinstance(v, str) or not v.strip():
        problems.add(at, key, "missing or not text")
        return None
    return html.unescape(v).strip()


def _draft(r: Any, at: str, problems: Problems) -> Draft | None:
    if not isinstance(r, dict):
        problems.add(at, "(question)", "each result is an object")
        return None
    kind = r.get("type")
    question = _text(r, "question", at, problems)
    right = _text(r, "correct_answer", at, problems)
    wrong_raw = r.get("incorrect_answers")
    if not isinstance(wrong_raw, list) or not all(isinstance(w, str) for w in wrong_raw):
        problems.add(at, "incorrect_answers", "must be a list of texts")
        return None
    if kind not in ("multiple", "boolean"):
        problems.add(at, "type", f"must be 'multiple' or 'boolean', not {str(kind)[:20]!r}")
        return None
    level = r.get("difficulty", "medium")
    if level not in _LEVELS:
        problems.add(at, "difficulty", "must be easy, medium or hard")
        return None
    if question is None or right is None:
        return None
    wrong = [html.unescape(w).strip() for w in wrong_raw]
    category = html.unescape(r["category"]) if isinstance(r.get("category"), str) else ""
    d = Draft(
        at=at,
        kind="choice",
        prompt=question,
        difficulty=_LEVELS[level],
        topic=category,
        names=_NAMES,
        explanation=f"{the_answer_is(right)} {CREDIT}".strip(),
    )
    if kind == "boolean" or len(wrong) == 1:
        if len(wrong) != 1:
            problems.add(at, "incorrect_answers", "a True/False question has one wrong answer")
            return None
        d.kind = "short"
        d.prompt, d.accepted = two_way(question, [right, wrong[0]], 0)
    else:
        d.choices = [(right, True), *((w, False) for w in wrong)]
    return d


_RESULTS = re.compile(r'"results"\s*:\s*\[')


def _result_lines(text: str, n: int) -> list[int]:
    """The line each result starts on (json reports none): the results array is walked
    with the decoder's raw_decode, one element at a time."""
    lines = [1] * n
    m = _RESULTS.search(text)
    if m is None:
        return lines
    dec, pos = json.JSONDecoder(), m.end()
    for i in range(n):
        while pos < len(text) and text[pos] in " \t\n,":
            pos += 1
        lines[i] = text.count("\n", 0, pos) + 1
        try:
            _, pos = dec.raw_decode(text, pos)
        except ValueError:
            break
    return lines
