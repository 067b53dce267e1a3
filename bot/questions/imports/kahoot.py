"""Kahoot! quiz spreadsheets (.xlsx, Kahoot's "Quiz template"): a header row with
`Question - max 120 characters`, `Answer 1` … `Answer 4`, `Time limit (sec)` and `Correct
answer(s)` in columns B–H (row 8 in the template), one question a row below it. Two
answers become a `short` question, three or four a `choice`; several right answers are
refused (ours have one)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from bot.questions.imports.draft import Draft, Problems, build, stem, two_way
from bot.questions.schema import MAX_PACK_BYTES, MAX_QUESTIONS, Pack, PackError

MAX_UNZIPPED = 20_000_000  # bytes inside the .xlsx: a small file can unzip to gigabytes
MAX_ZIP_ENTRIES = 200
_HEADER_ROWS = 30  # the header is looked for in the first rows
HEADERS = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
_ANSWERS = ("Answer 1", "Answer 2", "Answer 3", "Answer 4")


def looks_like(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    _check_zip(data, filename)
    from openpyxl import load_workbook  # imported here: only spreadsheets need it

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise PackError([f"{filename}: (xlsx): cannot read the spreadsheet ({e})"]) from None
    try:
        return _read_sheet(wb, filename, pack_id)
    except PackError:
        raise
    except Exception as e:  # read-only openpyxl parses the sheet lazily, row by row
        raise PackError([f"{filename}: (xlsx): cannot read the spreadsheet ({e})"]) from None
    finally:
        wb.close()


def _read_sheet(wb: Any, filename: str, pack_id: str | None) -> tuple[Pack, str, tuple[str, ...]]:
    if not wb.worksheets:
        raise PackError([f"{filename}: (xlsx): the workbook has no sheet"])
    ws = wb.worksheets[0]
    sheet = ws.title
    rows = ws.iter_rows(min_col=2, max_col=8, values_only=True)
    header_at = None
    for n, row in enumerate(rows, start=1):
        if _is_header(row):
            header_at = n
            break
        if n >= _HEADER_ROWS:
            break
    if header_at is None:
        raise PackError(
            [
                f"{filename}: sheet {sheet!r}: (header): no header row with "
                f"'{HEADERS[0]}' in column B and the answers after it (Kahoot's "
                "quiz template, row 8)"
            ]
        )
    problems = Problems()
    drafts: list[Draft] = []
    for n, row in enumerate(rows, start=header_at + 1):
        cells = [_cell(v) for v in (*row, *([None] * 7))[:7]]
        if not any(cells):
            continue
        if len(drafts) >= MAX_QUESTIONS:
            raise PackError(
                [
                    f"{filename}: sheet {sheet!r} row {n}: (sheet): more than "
                    f"{MAX_QUESTIONS:,} questions"
                ]
            )
        d = _row(cells, f"{filename}: sheet {sheet!r} row {n}", problems)
        if d is not None:
            drafts.append(d)
    problems.raise_if_any()
    return build(
        drafts,
        filename,
        title=f"Kahoot: {stem(filename)}",
        topic=stem(filename),
        pack_id=pack_id,
        header=(f"Converted from the Kahoot quiz spreadsheet {filename}",),
    )


def _check_zip(data: bytes, filename: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise PackError([f"{filename}: (xlsx): not an .xlsx spreadsheet"]) from None
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise PackError(
            [f"{filename}: (xlsx): unpacks to more than {MAX_UNZIPPED // 1_000_000} MB"]
        )


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _is_header(row: tuple[Any, ...]) -> bool:
    cells = [_cell(v).lower() for v in row]
    return (
        len(cells) >= 7
        and cells[0].startswith("question")
        and cells[1].startswith("answer 1")
        and cells[6].startswith("correct")
    )


def _row(cells: list[str], at: str, problems: Problems) -> Draft | None:
    question, answers, correct = cells[0], cells[1:5], cells[6]
    if not question:
        problems.add(at, "Question", "empty, but the row has answers")
        return None
    given = [i for i, a in enumerate(answers) if a]
    if len(given) < 2:
        problems.add(at, "Answer 1-4", f"needs at least two answers (found {len(given)})")
        return None
    if given != list(range(len(given))):
        problems.add(
            at,
            _ANSWERS[len(given)] if len(given) < 4 else "Answer 1-4",
            "answers must fill Answer 1, Answer 2, … without gaps",
        )
        return None
    picks = [p.strip() for p in correct.replace(";", ",").split(",") if p.strip()]
    if not picks:
        problems.add(at, "Correct answer(s)", "empty: give the number of the right answer")
        return None
    if not all(p.isdigit() and 1 <= int(p) <= len(given) for p in picks):
        problems.add(
            at,
            "Correct answer(s)",
            f"{correct[:20]!r}: answer numbers 1 to {len(given)}, comma separated",
        )
        return None
    right = sorted({int(p) - 1 for p in picks})
    if len(right) > 1:
        problems.add(
            at, "Correct answer(s)", "several right answers; our choice questions have exactly one"
        )
        return None
    texts = [answers[i] for i in given]
    names = {"prompt": "Question", "choices": "Answer 1-4", "accepted": "Answer 1-4"}
    d = Draft(at=at, kind="choice", prompt=question, names=names)
    if len(texts) == 2:
        d.kind = "short"
        d.prompt, d.accepted = two_way(question, texts, right[0])
    else:
        d.choices = [(t, i == right[0]) for i, t in enumerate(texts)]
    return d
