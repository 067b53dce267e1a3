"""Our own CSV: a header row, then one question a row.

    id,kind,topic,difficulty,prompt,choices,answer,explanation,tags

`kind` is choice, short or open (code questions need YAML); `choices` and `tags` are
`|`-separated; `answer` is the right choice (its letter A-E or its text) for choice, the
accepted answers (`|`-separated) for short, the reference answer for open. Only `kind`,
`prompt` and `answer` are required; difficulty is 1-3 (default 2)."""

from __future__ import annotations

import csv
import io

from bot.questions.imports.draft import Draft, Problems, build, decode, stem
from bot.questions.schema import MAX_PACK_BYTES, MAX_QUESTIONS, Pack, PackError

COLUMNS = (
    "id",
    "kind",
    "topic",
    "difficulty",
    "prompt",
    "choices",
    "answer",
    "explanation",
    "tags",
)
REQUIRED = ("kind", "prompt", "answer")
_NAMES = {
    "id": "id",
    "prompt": "prompt",
    "choices": "choices",
    "accepted": "answer",
    "reference": "answer",
    "difficulty": "difficulty",
    "topic": "topic",
    "tags": "tags",
    "explanation": "explanation",
}


def looks_like(text: str) -> bool:
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    cols = {c.strip().strip('"').lower() for c in first.split(",")}
    return set(REQUIRED) <= cols


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    text = decode(data, filename)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise PackError([f"{filename}:1: (header): the file is empty"]) from None
    except csv.Error as e:
        raise PackError([f"{filename}:1: (csv): {e}"]) from None
    problems = Problems()
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown:
        problems.add(
            f"{filename}:1",
            "(header)",
            f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}",
        )
    if missing:
        problems.add(f"{filename}:1", "(header)", f"missing column(s) {', '.join(missing)}")
    problems.raise_if_any()
    drafts: list[Draft] = []
    line = reader.line_num + 1
    try:
        for row in reader:
            at = f"{filename}:{line}"
            line = reader.line_num + 1
            if not any(c.strip() for c in row):
                continue
            if len(drafts) >= MAX_QUESTIONS:
                raise PackError([f"{at}: (file): more than {MAX_QUESTIONS:,} questions"])
            if len(row) > len(header):
                problems.add(at, "(row)", f"{len(row)} cells but {len(header)} columns")
                continue
            d = _row(dict(zip(header, row, strict=False)), at, problems)
            if d is not None:
                drafts.append(d)
    except csv.Error as e:
        raise PackError([f"{filename}:{reader.line_num}: (csv): {e}"]) from None
    problems.raise_if_any()
    return build(
        drafts,
        filename,
        title=f"CSV: {stem(filename)}",
        topic=stem(filename),
        pack_id=pack_id,
        header=(f"Converted from the CSV file {filename}",),
    )


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()]


def _row(cells: dict[str, str], at: str, problems: Problems) -> Draft | None:
    def cell(name: str) -> str:
        return (cells.get(name) or "").strip()

    kind = cell("kind").lower()
    if kind not in ("choice", "short", "open"):
        why = "code questions need a YAML pack" if kind == "code" else "choice, short or open"
        problems.add(at, "kind", f"{kind[:20]!r}: {why}")
        return None
    difficulty = cell("difficulty") or "2"
    if difficulty not in ("1", "2", "3"):
        problems.add(at, "difficulty", f"{difficulty[:10]!r}: 1, 2 or 3")
        return None
    answer = cell("answer")
    d = Draft(
        at=at,
        kind=kind,
        prompt=cell("prompt"),
        difficulty=int(difficulty),
        topic=cell("topic"),
        tags=_split(cell("tags")),
        name=cell("id"),
        explanation=cell("explanation"),
        names=_NAMES,
    )
    if kind == "choice":
        choices = _split(cell("choices"))
        letters = "ABCDE"[: len(choices)]
        if len(answer) == 1 and answer.upper() in letters:
            right = letters.index(answer.upper())
        elif answer.casefold() in [c.casefold() for c in choices]:
            right = [c.casefold() for c in choices].index(answer.casefold())
        else:
            problems.add(
                at,
                "answer",
                f"{answer[:40]!r} is neither a choice's letter "
                f"({', '.join(letters) or 'no choices'}) nor its text",
            )
            return None
        d.choices = [(c, i == right) for i, c in enumerate(choices)]
    elif kind == "short":
        d.accepted = _split(answer)
    else:
        d.reference = answer
    return d
