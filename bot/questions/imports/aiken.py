"""Moodle's Aiken format: a question on its own line(s), options `A) text` or `A. text` (a
space after the mark), then `ANSWER: B`; questions apart by a blank line."""

from __future__ import annotations

import re

from bot.questions.imports.draft import Draft, Problems, build, decode, stem, two_way
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError

_OPTION = re.compile(r"([A-Z])[.)]\s+(.*\S)")
_ANSWER = re.compile(r"ANSWER:\s*(.*)", re.I)
_NAMES = {"prompt": "question", "choices": "options", "accepted": "options"}


def looks_like(text: str) -> bool:
    lines = [ln.strip() for ln in text.splitlines()]
    answers = sum(1 for ln in lines if re.fullmatch(r"ANSWER:\s*[A-Z]", ln))
    options = sum(1 for ln in lines if _OPTION.fullmatch(ln))
    return answers >= 1 and options >= 2 * answers


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    text = decode(data, filename)
    problems = Problems()
    drafts = []
    for start, block in _blocks(text):
        d = _question(block, start, filename, problems)
        if d is not None:
            drafts.append(d)
    problems.raise_if_any()
    return build(
        drafts,
        filename,
        title=f"Aiken: {stem(filename)}",
        topic=stem(filename),
        pack_id=pack_id,
        header=(f"Converted from the Aiken file {filename}",),
    )


def _blocks(text: str) -> list[tuple[int, list[tuple[int, str]]]]:
    """Runs of non-blank lines, each with its lines' numbers."""
    out: list[tuple[int, list[tuple[int, str]]]] = []
    cur: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            cur.append((n, line.strip()))
        elif cur:
            out.append((cur[0][0], cur))
            cur = []
    if cur:
        out.append((cur[0][0], cur))
    return out


def _question(
    block: list[tuple[int, str]], start: int, filename: str, problems: Problems
) -> Draft | None:
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    answer: tuple[int, str] | None = None
    for n, line in block:
        at = f"{filename}:{n}"
        if answer is not None:
            problems.add(
                at, "question", "text after the ANSWER: line (a blank line ends a question)"
            )
            return None
        if m := _ANSWER.fullmatch(line):
            answer = (n, m[1].strip())
        elif m := _OPTION.fullmatch(line):
            if not prompt:
                problems.add(at, "options", "an option before any question text")
                return None
            options.append((m[1], m[2]))
        elif options:
            problems.add(
                at,
                "options",
                "text after the options that is not an option "
                "(write `B) text`, a space after the mark) or the ANSWER: line",
            )
            return None
        else:
            prompt.append(line)
    at = f"{filename}:{start}"
    if answer is None:
        problems.add(
            at,
            "ANSWER",
            f"missing: the question ends at line {block[-1][0]} without an `ANSWER: X` line",
        )
        return None
    if not options:
        problems.add(
            f"{filename}:{answer[0]}",
            "options",
            "no options before ANSWER (write `A) text`, a space after the mark)",
        )
        return None
    letters = [k for k, _ in options]
    if letters != [chr(ord("A") + i) for i in range(len(options))]:
        problems.add(at, "options", "options must be lettered A, B, C, … in order")
        return None
    if answer[1] not in letters:
        problems.add(
            f"{filename}:{answer[0]}",
            "ANSWER",
            f"must be the letter of an option ({', '.join(letters)}), not {answer[1][:20]!r}",
        )
        return None
    if len(options) < 2:
        problems.add(at, "options", f"a question needs at least 2 options (found {len(options)})")
        return None
    right = letters.index(answer[1])
    texts = [t for _, t in options]
    d = Draft(at=at, kind="choice", prompt=" ".join(prompt), names=_NAMES)
    if len(options) == 2:
        d.kind = "short"
        d.prompt, d.accepted = two_way(d.prompt, texts, right)
    else:
        d.choices = [(t, i == right) for i, t in enumerate(texts)]
    return d
