"""`interview-bot grade-file IN.csv --out OUT.csv`: grade a file of answers in one go.

IN has the columns `question`, `reference_answer` and `answer`, or `question_id` and `answer`:
a `question_id` names a question of the bank (the shipped packs, plus `--questions PATH`),
graded with its whole rubric (key points, misconceptions), so `question` and `reference_answer`
may be left out or empty on those rows (an id the bank does not know falls back to the row's
own question and reference when it has them). Optionally `key_points`
(`;`-separated; a point may list alternative wordings with `|`, as in `thread-safe|threadsafe`),
`kind` (`open` by default; `short` takes `;`-separated accepted answers in `reference_answer`,
`choice` needs a `choices` column, `code` a `tests` column) and `human_grade` (0-5), which makes
the command report how well the grader agrees with those grades. OUT repeats every column and
adds `score` (0..1), `verdict` and `feedback`. A row that cannot be graded keeps its place, with
verdict `error` and the reason in `feedback`, and is listed at the end (so does a row with a
field over MAX_FIELD_CHARS). Cells of OUT that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) are written with a leading `'`; CSV text printed to
the terminal is never read as Rich markup.
"""

from __future__ import annotations

import asyncio
import csv
import math
import statistics
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.domain.questions import Choice, CodeSpec, Grade, KeyPoint, Kind, Question
from bot.grading import GradingOptions, JudgeConfig, grade_many
from bot.questions.bank import QuestionBank
from bot.questions.files import QUESTIONS_DIR, load_packs
from bot.questions.parse import load_yaml, to_code
from bot.questions.schema import CodeIn, PackError

REQUIRED = ("question", "reference_answer", "answer")
REQUIRED_WITH_ID = ("question_id", "answer")
MAX_FIELD_CHARS = 131_072  # a longer cell fails its row, not the file
_CSV_LIMIT = 64 * 1024 * 1024  # what the reader accepts, so that one big cell is only one row
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ADDED = ("score", "verdict", "feedback")
CHUNK = 64  # rows graded per batch (the semantic model batches within it)
PROGRESS_FROM = 50  # show a progress bar for files with at least this many rows


class InputError(Exception):
    """The file as a whole cannot be read (missing columns, not CSV, ...)."""


@dataclass(frozen=True, slots=True)
class RowResult:
    row: dict[str, str]
    grade: Grade | None
    error: str = ""

    def out(self) -> dict[str, str]:
        if self.grade is None:
            return {**self.row, "score": "", "verdict": "error", "feedback": self.error}
        g = self.grade
        return {**self.row, "score": f"{g.score:.3f}", "verdict": g.verdict, "feedback": g.feedback}


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading '."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _split(text: str, sep: str) -> list[str]:
    return [p.strip() for p in (text or "").split(sep) if p.strip()]


def row_question(
    row: dict[str, str], cache: dict[tuple[str, ...], Question], bank: QuestionBank | None = None
) -> Question:
    """The Question a row describes; equal rows share one (so rubrics and embeddings are reused).
    Raises ValueError with a readable reason when the row cannot be graded."""
    for name, value in row.items():
        if len(value or "") > MAX_FIELD_CHARS:
            raise ValueError(
                f"the {name} field has {len(value):,} characters; at most "
                f"{MAX_FIELD_CHARS:,} are read"
            )
    qid = (row.get("question_id") or "").strip()
    if qid:
        found = bank.get(qid) if bank is not None else None
        if found is not None:
            return found
        if not (row.get("question") or "").strip():
            raise ValueError(
                f"unknown question_id '{qid[:80]}' (not in the question bank, "
                "and the row has no question of its own)"
            )
    kind_text = (row.get("kind") or "open").strip().lower()
    try:
        kind = Kind(kind_text)
    except ValueError:
        raise ValueError(f"unknown kind '{kind_text}' (open, short, choice or code)") from None
    prompt = (row.get("question") or "").strip()
    reference = (row.get("reference_answer") or "").strip()
    key = (
        kind.value,
        prompt,
        reference,
        row.get("key_points") or "",
        row.get("choices") or "",
        row.get("tests") or "",
    )
    if key in cache:
        return cache[key]
    if not prompt:
        raise ValueError("the question is empty")
    fields: dict[str, object] = {}
    if kind is Kind.OPEN:
        if not reference and not row.get("key_points"):
            raise ValueError("an open row needs a reference_answer or key_points")
        points = []
        for item in _split(row.get("key_points", ""), ";"):
            if terms := _split(item, "|"):  # "a|b"; a lone "|" names nothing
                points.append(KeyPoint(terms[0], tuple(terms)))
        fields = {
            "reference": reference or "; ".join(p.point for p in points),
            "key_points": tuple(points),
        }
    elif kind is Kind.SHORT:
        accepted = _split(reference, ";")
        if not accepted:
            raise ValueError("a short row needs the accepted answer(s) in reference_answer")
        fields = {"accepted": tuple(accepted), "reference": reference}
    elif kind is Kind.CHOICE:
        texts = _split(row.get("choices", ""), ";")
        if len(texts) < 2:
            raise ValueError("a choice row needs a `choices` column (;-separated)")
        right = _right_choice(texts, reference)
        fields = {
            "choices": tuple(Choice(t, i == right) for i, t in enumerate(texts)),
            "reference": reference,
        }
    else:
        fields = {"code": code_spec(row.get("tests") or "", reference), "reference": reference}
    q = Question(
        id=f"file-{len(cache) + 1}",
        kind=kind,
        topic="file",
        difficulty=2,
        prompt=prompt,
        explanation="",
        **fields,  # type: ignore[arg-type]
    )
    cache[key] = q
    return q


def code_spec(cases_yaml: str, reference: str) -> CodeSpec:
    """A code row's `tests` column: the pack format's `cases` list, as YAML (see AUTHORING.md),
    e.g. `- {name: adds, run: "add(2, 3)", expect: 5}`. The cases run in the sandbox."""
    if not cases_yaml.strip():
        raise ValueError("a code row needs a `tests` column (a YAML list of cases)")
    try:
        raw = load_yaml(cases_yaml)
        spec = CodeIn(signature="-", solution=reference or "-", cases=raw)  # type: ignore[arg-type]  # pydantic validates the YAML
    except (ValueError, TypeError) as e:
        first = str(e).splitlines()
        raise ValueError(
            "the `tests` column is not a valid list of cases: " + (first[-1] if first else "")
        ) from None
    return to_code(spec)


def _right_choice(texts: list[str], reference: str) -> int:
    ref = reference.strip()
    for i, t in enumerate(texts):
        if t.casefold() == ref.casefold():
            return i
    letters = "abcdefghij"
    if len(ref) == 1 and ref.lower() in letters[: len(texts)]:
        return letters.index(ref.lower())
    if ref.isdigit() and 1 <= int(ref) <= len(texts):
        return int(ref) - 1
    raise ValueError(f"reference_answer '{ref}' is not one of the choices")


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of a CSV file (UTF-8, with or without a BOM)."""
    old_limit = csv.field_size_limit(_CSV_LIMIT)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = [c.strip() for c in reader.fieldnames or []]
            reader.fieldnames = columns
            rows = [{k: (v or "") for k, v in r.items() if k is not None} for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: {e}") from None
    finally:
        csv.field_size_limit(old_limit)
    needed = REQUIRED_WITH_ID if "question_id" in columns else REQUIRED
    missing = [c for c in needed if c not in columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; found: {', '.join(columns) or 'none'}"
        )
    return columns, rows


async def grade_rows(
    rows: Sequence[dict[str, str]],
    options: GradingOptions | None = None,
    on_progress: Callable[[int], None] | None = None,
    bank: QuestionBank | None = None,
) -> list[RowResult]:
    """Grade every row, in order; a row that cannot be graded gets an error, not dropped.
    Rows with a `question_id` are graded against that question of `bank`."""
    cache: dict[tuple[str, ...], Question] = {}
    results: list[RowResult | None] = [None] * len(rows)
    todo: list[tuple[int, Question]] = []
    for i, row in enumerate(rows):
        try:
            todo.append((i, row_question(row, cache, bank)))
        except ValueError as e:
            results[i] = RowResult(row, None, str(e))
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        grades: Sequence[Grade | RowResult]
        try:
            grades = await grade_many(
                [(q, rows[i].get("answer", "")) for i, q in chunk], options=options
            )
        except Exception as e:  # one bad batch must not lose the others: grade one by one
            grades = await _one_by_one(chunk, rows, options, e)
        for (i, _), g in zip(chunk, grades, strict=True):
            results[i] = g if isinstance(g, RowResult) else RowResult(rows[i], g)
        if on_progress:
            on_progress(len(chunk))
    return [r for r in results if r is not None]


async def _one_by_one(
    chunk: list[tuple[int, Question]],
    rows: Sequence[dict[str, str]],
    options: GradingOptions | None,
    first: Exception,
) -> list[Grade | RowResult]:
    out: list[Grade | RowResult] = []
    for i, q in chunk:
        try:
            out.append((await grade_many([(q, rows[i].get("answer", ""))], options=options))[0])
        except Exception as e:
            out.append(RowResult(rows[i], None, f"could not grade: {type(e).__name__}: {e}"))
    return out


def write_rows(path: Path, columns: list[str], results: Sequence[RowResult]) -> None:
    header = columns + [c for c in ADDED if c not in columns]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([safe_cell(c) for c in header])
        for r in results:
            cells = r.out()
            w.writerow([safe_cell(cells.get(c, "")) for c in header])


def agreement(results: Sequence[RowResult]) -> dict[str, float] | None:
    """Pearson, Spearman and RMSE (0-5 scale) against a `human_grade` column, when present."""
    pairs = []
    for r in results:
        raw = (r.row.get("human_grade") or "").strip()
        if r.grade is None or not raw:
            continue
        try:
            human = float(raw)
        except ValueError:
            continue
        if math.isfinite(human):  # "inf" and "nan" parse, but are no grade
            pairs.append((5 * r.grade.score, human))
    if len(pairs) < 3:
        return None
    xs, ys = [p for p, _ in pairs], [h for _, h in pairs]

    def ranks(v: list[float]) -> list[float]:
        s = sorted(v)
        return [s.index(x) + (s.count(x) - 1) / 2 for x in v]

    def corr(a: list[float], b: list[float]) -> float:
        try:
            return statistics.correlation(a, b)
        except statistics.StatisticsError:
            return float("nan")

    rmse = math.sqrt(statistics.fmean((x - y) ** 2 for x, y in pairs))
    return {
        "n": len(pairs),
        "pearson": corr(xs, ys),
        "spearman": corr(ranks(xs), ranks(ys)),
        "rmse": rmse,
    }


def run(
    infile: Path,
    out: Path,
    options: GradingOptions,
    console: Console,
    questions: Path | None = None,
) -> int:
    """Grade `infile` into `out`; returns the exit code (0 ok, 1 some rows failed, 2 bad input)."""
    try:
        columns, rows = read_rows(infile)
    except InputError as e:
        console.print(f"[red]error:[/] {escape(str(e))}", highlight=False)
        return 2
    bank = None
    if "question_id" in columns:
        try:
            bank = QuestionBank.from_dir(QUESTIONS_DIR)
            if questions is not None:
                bank = bank.with_extra(q for p in load_packs([questions]) for q in p.questions)
        except PackError as e:
            console.print(
                f"[red]error:[/] the question bank does not load: {escape(e.errors[0])}",
                highlight=False,
            )
            return 2
    show = len(rows) >= PROGRESS_FROM
    with Progress(
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        task = bar.add_task("grading", total=len(rows))
        results = asyncio.run(grade_rows(rows, options, lambda n: bar.advance(task, n), bank))
    write_rows(out, columns, results)
    verdicts = Counter(r.grade.verdict if r.grade else "error" for r in results)
    graded = [r.grade.score for r in results if r.grade]
    mean = f", mean score {statistics.fmean(graded):.2f}" if graded else ""
    summary = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
    console.print(
        f"graded {len(graded)} of {len(rows)} row(s) into {out}: {summary}{mean}",
        highlight=False,
        markup=False,
    )
    if (agree := agreement(results)) is not None:
        console.print(
            f"agreement with human_grade (n={agree['n']:.0f}): pearson "
            f"{agree['pearson']:.3f}, spearman {agree['spearman']:.3f}, rmse "
            f"{agree['rmse']:.2f} (0-5)",
            highlight=False,
        )
    failed = [(n, r.error) for n, r in enumerate(results, start=2) if r.grade is None]
    for line, why in failed:
        console.print(f"[yellow]line {line}:[/] not graded: {escape(why)}", highlight=False)
    return 1 if failed else 0


def register(app: typer.Typer) -> None:
    """Add the `grade-file` command to the `interview-bot` app."""

    @app.command("grade-file")
    def grade_file(
        infile: Path = typer.Argument(
            ...,
            exists=True,
            dir_okay=False,
            readable=True,
            help="CSV with question, reference_answer, answer, or "
            "question_id and answer (optional key_points, "
            "kind, human_grade).",
        ),
        out: Path = typer.Option(..., "--out", "-o", help="Where to write the graded CSV."),
        semantic: bool | None = typer.Option(
            None,
            "--semantic/--no-semantic",
            help="Blend in semantic similarity (default: on, with the shipped model).",
        ),
        judge: bool = typer.Option(
            False,
            "--judge",
            help="Also ask the LLM judge set by LLM_BASE_URL, LLM_API_KEY and LLM_MODEL.",
        ),
        questions: Path = typer.Option(
            None,
            "--questions",
            help="More packs (file or folder) that question_id may refer "
            "to, besides the shipped bank.",
        ),
    ) -> None:
        """Grade a CSV of answers: adds score, verdict and feedback to every row."""
        console = Console(stderr=True, soft_wrap=True)
        judge_cfg = JudgeConfig.from_env() if judge else None
        if judge and judge_cfg is None:
            console.print(
                "[red]error:[/] --judge needs LLM_BASE_URL (and LLM_MODEL, "
                "LLM_API_KEY) in the environment",
                highlight=False,
            )
            raise typer.Exit(2)
        code = run(
            infile, out, GradingOptions(semantic=semantic, judge=judge_cfg), console, questions
        )
        if code:
            raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover - handy without the lead's wiring
    _app = typer.Typer(add_completion=False)
    register(_app)
    _app(sys.argv[1:])
