"""Questions from other tools: each format reads its real files, a broken file names file,
line (or sheet and row) and field and yields nothing, the format is told from the content,
and converting then importing the YAML gives the same questions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.domain.questions import Kind, Question
from bot.questions.imports import FORMATS, convert, detect
from bot.questions.imports.kahoot import HEADERS
from bot.questions.schema import MAX_QUESTIONS, PackError

DATA = Path(__file__).parents[1] / "data" / "imports"


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def refused(data: bytes, name: str, fmt: str | None = None) -> list[str]:
    with pytest.raises(PackError) as e:
        convert(data, name, fmt)
    return e.value.errors


def by_prompt(questions: tuple[Question, ...], start: str) -> Question:
    return next(q for q in questions if q.prompt.startswith(start))


# --- each format, its real files --------------------------------------------------------


def test_a_red_trivia_list_becomes_short_questions_with_every_accepted_answer() -> None:
    c = convert(read("red_programming.yaml"), "red_programming.yaml")
    qs = c.pack.questions
    assert c.format == "red" and len(qs) == 15
    assert {q.kind for q in qs} == {Kind.SHORT}
    assert by_prompt(qs, "Who created the Python").accepted == ("Guido van Rossum",)
    # YAML booleans and numbers stay the text written: they are answers
    assert by_prompt(qs, "MPEG-4 is a set standard").accepted == ("False", "No")
    assert by_prompt(qs, "How many heading tags").accepted == ("6", "Six")
    assert by_prompt(qs, "What is the symbol for the modulus").accepted == ("%",)
    # the list's author is credited on every question
    assert all("Lemon (inthedark.org#0666)" in q.explanation for q in qs)
    assert c.pack.title.startswith("A trivia to test a person's knowledge")


def test_red_yes_no_on_off_true_stay_text() -> None:
    data = b"Say yes:\n- yes\n- on\nSay no:\n- no\n- off\n- TRUE\n- 1.0\n"
    qs = convert(data, "words.yaml").pack.questions
    assert [q.accepted for q in qs] == [("yes", "on"), ("no", "off", "TRUE", "1.0")]


def test_an_open_trivia_db_response_decodes_entities_and_keeps_the_attribution() -> None:
    c = convert(read("opentdb_response.json"), "opentdb_response.json")
    qs = c.pack.questions
    assert c.format == "opentdb" and len(qs) == 6
    tcas = by_prompt(qs, "In flight systems")
    assert tcas.prompt == 'In flight systems, what does the initialism "TCAS" stand for?'
    assert tcas.kind is Kind.CHOICE and len(tcas.choices) == 4
    assert tcas.choices[tcas.right_choice or 0].text == "Traffic Collision Avoidance System"
    assert (
        by_prompt(qs, "In Finding Nemo").prompt
        == "In Finding Nemo, what was the name of Nemo's mom?"
    )
    assert (tcas.difficulty, by_prompt(qs, "In bowling").difficulty) == (3, 1)
    # True/False: our choice questions have 3 to 5 choices, so the answer is typed
    bmw = by_prompt(qs, "True or false: BMW M GmbH")
    assert bmw.kind is Kind.SHORT and bmw.accepted == ("True",)
    assert all("CC BY-SA 4.0" in q.explanation for q in qs)
    assert "CC BY-SA 4.0" in c.yaml.split("\nid:")[0]  # and at the top of the pack
    assert tcas.topic == "general-knowledge"


def test_moodle_gift_examples_become_choice_short_and_true_false() -> None:
    c = convert(read("moodle_examples.gift.txt"), "moodle_examples.gift.txt")
    qs = c.pack.questions
    assert c.format == "gift" and len(qs) == 13
    tomb = by_prompt(qs, "Who's buried in Grant's tomb?")
    assert tomb.kind is Kind.CHOICE and [ch.text for ch in tomb.choices] == [
        "Grant",
        "Jefferson",
        "no one",
    ]
    assert tomb.right_choice == 2
    # text after the answers: a missing-word question
    assert by_prompt(qs, "Grant is _____ in").prompt == "Grant is _____ in Grant's tomb."
    assert by_prompt(qs, "Two plus two").accepted == ("four", "4")
    assert by_prompt(qs, "Two plus two").prompt == "Two plus two equals _____."
    assert by_prompt(qs, "True or false: The sun rises").accepted == ("True",)
    false = by_prompt(qs, "True or false: Grant is buried")
    assert false.accepted == ("False",) and false.explanation == "No one is buried in Grant's tomb."
    assert by_prompt(qs, "When was Ulysses").accepted == ("1822",)
    # a ::name:: is the id; partial-credit answers are not accepted
    kanji = next(q for q in qs if q.id == "kanji-origins")
    assert kanji.prompt == "Japanese characters originally came from what country?"
    assert by_prompt(qs, "Jesus Christ was from").accepted == ("Nazareth",)
    # escaped control characters are text
    assert [ch.text for ch in by_prompt(qs, "Which answer equals 5").choices] == [
        "= 2 + 2",
        "= 2 + 3",
        "= 2 + 4",
    ]


def test_moodle_gift_fixture_kinds_we_cannot_grade_are_refused_with_the_reason() -> None:
    errors = refused(read("moodle_questions.gift.txt"), "questions.gift.txt")
    assert errors == [
        "questions.gift.txt:2: answers: an essay question ({}) needs a reference answer: "
        "write it as general feedback, {####the reference}",
        "questions.gift.txt:5: answers: matching questions (a -> b) are not supported",
        "questions.gift.txt:22: answers: no answer is marked right with =: several weighted "
        "right answers make a multiple-answer question, and ours have one",
        "questions.gift.txt:31: answers: numerical answers with a tolerance, a range or "
        "several values are not supported; give one exact number {#42}",
    ]


def test_a_gift_essay_with_a_reference_is_an_open_question() -> None:
    data = b"::gil:: What does the GIL do? {####It lets one thread run Python bytecode at a time.}"
    q = convert(data, "e.gift").pack.questions[0]
    assert (q.id, q.kind, q.reference) == (
        "gil",
        Kind.OPEN,
        "It lets one thread run Python bytecode at a time.",
    )


def test_gift_category_sets_the_topic_and_html_is_shown_as_text() -> None:
    data = (
        b"$CATEGORY: $course$/top/Web Basics\n\n"
        b"[html]Which tag makes <b>bold</b> text &amp; more?{=&lt;b&gt; ~&lt;i&gt; ~&lt;u&gt;}\n"
    )
    q = convert(data, "w.gift").pack.questions[0]
    assert q.topic == "web-basics"
    assert q.prompt == "Which tag makes bold text & more?"
    assert [c.text for c in q.choices] == ["<b>", "<i>", "<u>"]


def test_moodle_aiken_questions() -> None:
    c = convert(read("moodle_questions.aiken.txt"), "questions.aiken.txt")
    first, second = c.pack.questions
    assert c.format == "aiken"
    assert first.kind is Kind.CHOICE and first.choices[first.right_choice or 0].text == (
        "Martin Dougiamas"
    )
    assert second.kind is Kind.SHORT and second.accepted == ("True",)
    assert 'includes <html class="cool"> & images' in second.prompt


def test_moodle_aiken_error_fixture_names_each_line_and_imports_nothing() -> None:
    errors = refused(read("moodle_aiken_errors.txt"), "aiken_errors.txt", "aiken")
    assert errors == [
        "aiken_errors.txt:1: options: a question needs at least 2 options (found 1)",
        "aiken_errors.txt:5: options: an option before any question text",
        "aiken_errors.txt:7: options: no options before ANSWER (write `A) text`, a space "
        "after the mark)",
        "aiken_errors.txt:14: ANSWER: missing: the question ends at line 16 without an "
        "`ANSWER: X` line",
        "aiken_errors.txt:21: options: no options before ANSWER (write `A) text`, a space "
        "after the mark)",
    ]


def test_a_kahoot_spreadsheet_in_the_template_layout() -> None:
    c = convert(read("kahoot_quiz.xlsx"), "kahoot_quiz.xlsx")
    qs = c.pack.questions
    assert c.format == "kahoot" and len(qs) == 4
    q = by_prompt(qs, "Which keyword defines")
    assert [ch.text for ch in q.choices] == ["func", "def", "lambda", "fn"]
    assert q.right_choice == 1
    assert len(by_prompt(qs, "HTTP status 404").choices) == 3
    assert by_prompt(qs, "True or false: A Python list").accepted == ("True",)


def kahoot(rows: list[tuple[object, ...]], sheet: str = "Sheet1") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws["B2"] = "Quiz template"
    for col, text in enumerate(HEADERS, start=2):
        ws.cell(row=8, column=col, value=text)
    for n, row in enumerate(rows, start=9):
        for col, value in enumerate(row, start=2):
            ws.cell(row=n, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_broken_kahoot_row_names_sheet_row_and_column() -> None:
    data = kahoot(
        [
            ("Fine?", "yes", "no", "maybe", None, 20, 1),
            ("Two right?", "a", "b", "c", None, 20, "1,3"),
            ("Out of range?", "a", "b", "c", None, 20, 4),
            ("One answer only", "a", None, None, None, 20, 1),
        ],
        sheet="Quiz",
    )
    assert refused(data, "k.xlsx") == [
        "k.xlsx: sheet 'Quiz' row 10: Correct answer(s): several right answers; our choice "
        "questions have exactly one",
        "k.xlsx: sheet 'Quiz' row 11: Correct answer(s): '4': answer numbers 1 to 3, comma "
        "separated",
        "k.xlsx: sheet 'Quiz' row 12: Answer 1-4: needs at least two answers (found 1)",
    ]


def test_a_spreadsheet_without_the_template_header_is_refused() -> None:
    wb = Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    (error,) = refused(buf.getvalue(), "plain.xlsx")
    assert error.startswith("plain.xlsx: sheet 'Sheet': (header): no header row")


CSV = (
    "id,kind,topic,difficulty,prompt,choices,answer,explanation,tags\n"
    "gil,choice,python,2,What does the GIL serialise?,Bytecode|Disk I/O|DNS,A,"
    "One thread runs bytecode at a time.,threads|cpython\n"
    'idem,short,http,1,"Which method is idempotent, PUT or POST?",,PUT,,\n'
    "wsgi,open,web,3,What is WSGI?,,A calling convention between web servers and Python apps.,,\n"
)


def test_our_csv() -> None:
    c = convert(CSV.encode(), "team.csv")
    gil, idem, wsgi = c.pack.questions
    assert c.format == "csv"
    assert (gil.id, gil.kind, gil.right_choice, gil.tags) == (
        "gil",
        Kind.CHOICE,
        0,
        ("threads", "cpython"),
    )
    assert idem.prompt == "Which method is idempotent, PUT or POST?" and idem.accepted == ("PUT",)
    assert idem.explanation == "The answer is PUT."
    assert wsgi.kind is Kind.OPEN and wsgi.reference.startswith("A calling convention")


def test_a_broken_csv_names_line_and_column_and_imports_nothing() -> None:
    bad = CSV.replace(",A,", ",D,").replace("short,http,1", "short,http,7") + (
        "x,code,py,1,Write f,,,,\n"
    )
    assert refused(bad.encode(), "team.csv") == [
        "team.csv:2: answer: 'D' is neither a choice's letter (A, B, C) nor its text",
        "team.csv:3: difficulty: '7': 1, 2 or 3",
        "team.csv:5: kind: 'code': code questions need a YAML pack",
    ]
    header = refused(b"id,kind,prompt,answr\n", "t.csv", "csv")
    assert header == [
        "t.csv:1: (header): unknown column(s) answr; the columns are id, kind, topic, "
        "difficulty, prompt, choices, answer, explanation, tags",
        "t.csv:1: (header): missing column(s) answer",
    ]


def test_a_csv_line_number_counts_quoted_line_breaks() -> None:
    data = b'kind,prompt,choices,answer\nshort,"two\nlines",,x\nchoice,Pick,a|a|b,a\n'
    (error,) = refused(data, "t.csv")
    assert error == "t.csv:4: choices: two choices have the same text"


# --- broken files: the pack schema's checks, mapped back to the source -----------------


def test_a_broken_red_list_names_the_line_and_field() -> None:
    data = b"AUTHOR: me\nCONFIG:\n  delay: 20\n  speed: 3\nQ one?:\n- a\nQ two?: just text\n"
    assert refused(data, "r.yaml") == [
        "r.yaml:4: CONFIG.speed: unknown setting; Red knows bot_plays, delay, max_score, "
        "payout_multiplier, reveal_answer, timeout, use_spoilers",
        "r.yaml:7: answers: a question's answers are a list (one `- answer` a line)",
    ]


def test_red_anchors_and_aliases_are_refused() -> None:
    data = b"Q one?: &a\n- x\nQ two?: *a\n"
    (error,) = refused(data, "r.yaml", "red")
    assert error.startswith("r.yaml:1: (yaml): aliases and anchors")


def test_a_broken_opentdb_result_names_its_line_and_field() -> None:
    data = (
        b'{"response_code": 0,\n "results": [\n'
        b'  {"type": "multiple", "difficulty": "easy", "question": "Fine?",\n'
        b'   "correct_answer": "a", "incorrect_answers": ["b", "c"]},\n'
        b'  {"type": "multiple", "difficulty": "easy", "question": "Same?",\n'
        b'   "correct_answer": "a", "incorrect_answers": ["a", "c"]},\n'
        b'  {"type": "multiple", "difficulty": "extreme", "question": "Hard?",\n'
        b'   "correct_answer": "a", "incorrect_answers": ["b", "c"]}]}\n'
    )
    assert refused(data, "o.json") == [
        "o.json:7: difficulty: must be easy, medium or hard",
    ]
    fixed = data.replace(b"extreme", b"hard")
    assert refused(fixed, "o.json") == [
        "o.json:5: incorrect_answers: two choices have the same text",
    ]
    assert refused(b'{"response_code": 5, "results": []}', "o.json") == [
        "o.json:1: response_code: 5: the API answered rate limited (one request per 5 seconds)"
    ]
    assert refused(b'{"results": [\n  {"a": 1},,\n]}', "o.json", "opentdb")[0].startswith(
        "o.json:2: (json):"
    )


def test_a_broken_gift_question_names_its_line() -> None:
    data = (
        b"// a comment\n\nWhat is 2+2? {=4 ~3 ~5}\n\n"
        b"Too many?{=a ~b ~c ~d ~e ~f}\n\nNo answers here.\n\n"
        b"Two right?{=a =b ~c}\n"
    )
    assert refused(data, "g.gift") == [
        "g.gift:7: answers: no {answers}: a description, not a question",
        "g.gift:9: answers: more than one answer is marked right; a choice question has one "
        "right answer",
    ]
    assert refused(data.split(b"\n\nNo answers")[0], "g.gift") == [
        "g.gift:5: answers: too many choices: at most 5 (found 6)",
    ]


# --- detection, caps, round trip --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("red_programming.yaml", "red"),
        ("opentdb_response.json", "opentdb"),
        ("moodle_examples.gift.txt", "gift"),
        ("moodle_questions.gift.txt", "gift"),
        ("moodle_questions.aiken.txt", "aiken"),
        ("kahoot_quiz.xlsx", "kahoot"),
    ],
)
def test_the_format_is_told_from_the_content_not_the_name(name: str, fmt: str) -> None:
    assert detect(read(name), "upload.bin") == fmt


def test_our_pack_and_csv_are_detected_and_format_overrides() -> None:
    pack = (DATA.parent / "packs").glob("*.yaml")
    first = next(iter(sorted(pack)))
    assert detect(first.read_bytes(), "x") == "pack"
    assert detect(CSV.encode(), "x") == "csv"
    # --format wins over detection: a GIFT file read as Aiken finds no Aiken question
    errors = refused(read("moodle_examples.gift.txt"), "m.txt", "aiken")
    assert errors and all(e.startswith("m.txt:") for e in errors)
    assert refused(b"hello", "x", "word")[0].startswith("x:1: (format): unknown format 'word'")
    assert set(FORMATS) == {"pack", "red", "opentdb", "gift", "aiken", "kahoot", "csv"}


def test_an_unknown_text_asks_for_the_format() -> None:
    (error,) = refused(b"just some words", "notes.txt")
    assert "cannot tell the format; name it with --format" in error


def test_caps_as_for_packs() -> None:
    many = "".join(f"Q{i}?:\n- a\n" for i in range(MAX_QUESTIONS + 1)).encode()
    (error,) = refused(many, "big.yaml")
    assert error == (
        f"big.yaml:1: (file): too many questions in a pack: at most {MAX_QUESTIONS} "
        f"(found {MAX_QUESTIONS + 1})"
    )
    (error,) = refused(b"Q?:\n- " + b"a" * 600_000 + b"\n", "huge.yaml")
    assert "larger than 500,000 bytes" in error
    (error,) = refused(b"Q?:\n- " + b"a" * 10_001 + b"\n", "long.yaml", "red")
    assert error.startswith("long.yaml:1: answers[0]: too long: at most 10,000 characters")


def test_a_file_whose_pack_would_have_too_many_yaml_values_is_refused() -> None:
    answers = "|".join(f"a{j}" for j in range(50))
    rows = [f"short,Q{i}?,{answers}\n" for i in range(500)]
    (error,) = refused(("kind,prompt,answer\n" + "".join(rows)).encode(), "wide.csv")
    assert error == "wide.csv:1: (file): as a pack it has more than 30,000 YAML values"
    fewer = convert(("kind,prompt,answer\n" + "".join(rows[:100])).encode(), "wide.csv")
    assert len(fewer.pack.questions) == 100


def test_a_spreadsheet_that_unzips_to_gigabytes_is_refused_unread() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 30_000_000)
    assert len(buf.getvalue()) < 500_000
    (error,) = refused(buf.getvalue(), "bomb.xlsx")
    assert error == "bomb.xlsx: (xlsx): unpacks to more than 20 MB"


@pytest.mark.parametrize(
    "name",
    [
        "red_programming.yaml",
        "opentdb_response.json",
        "moodle_examples.gift.txt",
        "moodle_questions.aiken.txt",
        "kahoot_quiz.xlsx",
    ],
)
def test_converting_then_importing_the_yaml_gives_the_same_questions(name: str) -> None:
    c = convert(read(name), name)
    again = convert(c.yaml.encode(), "reviewed.yaml")
    assert again.format == "pack"
    assert again.pack.questions == c.pack.questions
    assert (again.pack.id, again.pack.title, again.pack.topic) == (
        c.pack.id,
        c.pack.title,
        c.pack.topic,
    )


def test_the_kahoot_fixture_is_in_the_template_layout() -> None:
    ws = load_workbook(DATA / "kahoot_quiz.xlsx").worksheets[0]
    assert ws["B2"].value == "Quiz template"
    assert [ws.cell(row=8, column=c).value for c in range(2, 9)] == list(HEADERS)
    assert ws["A9"].value == 1


def _rezip(change: object) -> bytes:
    """The Kahoot fixture with its parts passed through `change(name, data)` (None drops one)."""
    import zipfile

    src = zipfile.ZipFile(DATA / "kahoot_quiz.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))  # type: ignore[operator]
            if data is not None:
                z.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        lambda n, d: d[: len(d) // 2] if n.endswith("sheet1.xml") else d,  # cut short
        lambda n, d: None if n.endswith("sheet1.xml") else d,  # the sheet gone
        lambda n, d: d.replace(b"<v>", b"<v>&nope;", 1) if n.endswith("sheet1.xml") else d,
    ],
    ids=["truncated-sheet", "no-sheet", "undefined-entity"],
)
def test_a_damaged_spreadsheet_is_refused_by_name_never_raised(damage: object) -> None:
    [problem] = refused(_rezip(damage), "quiz.xlsx")
    assert problem.startswith("quiz.xlsx: (xlsx): ")
