"""Writes kahoot_quiz.xlsx in the layout of Kahoot's own "Quiz template" (B2-B4 notes,
the header in row 8, columns B-H, questions from row 9, column A numbering them). Kahoot's
template file itself is not redistributable here; run this to rebuild the fixture."""

from pathlib import Path

from openpyxl import Workbook

HEADERS = (
    "Question - max 120 characters",
    "Answer 1 - max 75 characters",
    "Answer 2 - max 75 characters",
    "Answer 3 - max 75 characters",
    "Answer 4 - max 75 characters",
    "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
    "Correct answer(s) - choose at least one",
)
ROWS = (
    ("Which keyword defines a function in Python?", "func", "def", "lambda", "fn", 20, 2),
    ("HTTP status 404 means…", "Server error", "Not found", "Moved", None, 30, "2"),
    ("A Python list is mutable.", "True", "False", None, None, 10, 1),
    ("Which of these is a version control system?", "Git", "Gulp", "Grunt", "Gradle", 20, "1"),
)


def write(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["B2"] = "Quiz template"
    ws["B3"] = (
        "Add questions, at least two answer alternatives, time limit and choose correct "
        "answers (at least one). Have fun creating your awesome quiz!"
    )
    ws["B4"] = (
        "Remember: questions have a limit of 120 characters and answers can have 75 "
        "characters max. Text will turn red in Excel or Google Docs if you exceed this "
        "limit. If several answers are correct, separate them with a comma."
    )
    for col, text in enumerate(HEADERS, start=2):
        ws.cell(row=8, column=col, value=text)
    for n, row in enumerate(ROWS, start=1):
        ws.cell(row=8 + n, column=1, value=n)
        for col, value in enumerate(row, start=2):
            ws.cell(row=8 + n, column=col, value=value)
    wb.save(path)


if __name__ == "__main__":
    write(Path(__file__).with_name("kahoot_quiz.xlsx"))
