"""Moodle GIFT: questions apart by blank lines, `//` comments, `::name::`, answers in `{…}`.
Taken: multiple choice with one right answer (`=`; partial-credit `~%n%` answers count as
wrong), short answer (the full-credit `=` answers), true/false, exact numbers, and essays
with a reference (general feedback after `####`). Refused, with the reason: matching,
multiple-answer, numerical ranges or tolerances, essays without a reference, descriptions."""

from __future__ import annotations

import html
import re

from bot.questions.imports.draft import Draft, Problems, build, decode, stem, two_way
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError

# escaped control characters are hidden in private-use characters while the text is split
_ESCAPES = {
    "\\": "\ue000",
    "~": "\ue001",
    "=": "\ue002",
    "#": "\ue003",
    "{": "\ue004",
    "}": "\ue005",
    ":": "\ue006",
    "n": "\ue007",
}
_BACK = {v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()}
_ESCAPED = re.compile(r"\\([\\~=#{}:n])")
_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]", re.I)
_WEIGHT = re.compile(r"^\s*%(-?\d{1,3}(?:\.\d*)?)%")
_NUMBER = re.compile(r"\s*(-?\d+(?:\.\d+)?)(?::0*(?:\.0*)?)?\s*")
_TF = {"t": "True", "true": "True", "f": "False", "false": "False"}
_TAG = re.compile(r"<[^>]*>")
_NAMES = {
    "prompt": "question",
    "choices": "answers",
    "accepted": "answers",
    "id": "name",
    "reference": "general feedback (####)",
}


def looks_like(text: str) -> bool:
    return bool(re.search(r"\{[^{}]*\}", text)) and (
        "::" in text
        or "$CATEGORY:" in text
        or bool(re.search(r"\{\s*(?:[=~#]|T\b|F\b|TRUE\b|FALSE\b|\})", text))
    )


def read(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    text = _ESCAPED.sub(lambda m: _ESCAPES[m[1]], decode(data, filename))
    problems = Problems()
    drafts: list[Draft] = []
    category = ""
    for start, lines in _blocks(text):
        if lines[0].strip().startswith("$CATEGORY:"):
            category = lines[0].split(":", 1)[1].strip().rstrip("/").rsplit("/", 1)[-1]
            lines = lines[1:]
            start += 1
            if not lines:
                continue
        d = _question("\n".join(lines).strip(), f"{filename}:{start}", problems)
        if d is not None:
            d.topic = _plain(category) if category else ""
            drafts.append(d)
    problems.raise_if_any()
    return build(
        drafts,
        filename,
        title=f"GIFT: {stem(filename)}",
        topic=stem(filename),
        pack_id=pack_id,
        header=(f"Converted from the Moodle GIFT file {filename}",),
    )


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions: runs of lines between blank lines, `//` comment lines left out."""
    out: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    first = 0
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            if not cur:
                first = n
            cur.append(line)
        elif cur:
            out.append((first, cur))
            cur = []
    if cur:
        out.append((first, cur))
    return out


def _plain(text: str, is_html: bool = False) -> str:
    """Text as shown: escapes restored, whitespace collapsed (`\\n` kept), HTML tags
    dropped and entities decoded for [html] text."""
    text = _FORMAT.sub("", text, count=1)
    if is_html:
        text = html.unescape(_TAG.sub("", text))
    text = " ".join(text.split())
    for hidden, shown in _BACK.items():
        text = text.replace(hidden, shown)
    return text.strip()


def _question(text: str, at: str, problems: Problems) -> Draft | None:
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            problems.add(at, "name", "a ::name:: without its closing ::")
            return None
        name, text = _plain(text[2:end]), text[end + 2 :]
    start = text.find("{")
    if start < 0:
        problems.add(at, "answers", "no {answers}: a description, not a question")
        return None
    end = text.find("}", start)
    if end < 0:
        problems.add(at, "answers", "a { without its closing }")
        return None
    if "{" in text[end:]:
        problems.add(at, "answers", "more than one {answers} block")
        return None
    before, answer, after = text[:start], text[start + 1 : end], text[end + 1 :]
    is_html = bool(m := _FORMAT.match(before)) and m is not None and m[1].lower() == "html"
    prompt = _plain(before, is_html)
    answer, _, general = answer.partition("####")
    general_text = _plain(general, is_html)
    body = answer.strip()
    d = Draft(at=at, kind="short", prompt=prompt, name=name, names=_NAMES)
    d.explanation = general_text
    if not body:
        if not general_text:
            problems.add(
                at,
                "answers",
                "an essay question ({}) needs a reference answer: "
                "write it as general feedback, {####the reference}",
            )
            return None
        d.kind, d.reference = "open", general_text
        return d
    if body.startswith("#"):
        m = _NUMBER.fullmatch(body[1:])
        if m is None:
            problems.add(
                at,
                "answers",
                "numerical answers with a tolerance, a range or "
                "several values are not supported; give one exact number {#42}",
            )
            return None
        d.accepted = [m[1]]
        return _blank(d, prompt, after)
    value, _, feedback = body.partition("#")
    if value.strip().lower() in _TF:
        d.prompt, d.accepted = (
            f"True or false: {_plain(prompt + after, is_html)}",
            [_TF[value.strip().lower()]],
        )
        if not d.explanation:
            d.explanation = _plain(feedback.partition("#")[0], is_html)
        return d
    if "->" in body and "=" in body:
        problems.add(at, "answers", "matching questions (a -> b) are not supported")
        return None
    answers = _answers(body, is_html)
    if answers is None:
        problems.add(at, "answers", "answers start with = (right) or ~ (wrong)")
        return None
    if "~" in body.replace("\ue001", ""):
        right = [i for i, (mark, w, _) in enumerate(answers) if mark == "=" or w == 100.0]
        if not right:
            problems.add(
                at,
                "answers",
                "no answer is marked right with =: several weighted "
                "right answers make a multiple-answer question, and ours have one",
            )
            return None
        if len(right) > 1:
            problems.add(
                at,
                "answers",
                "more than one answer is marked right; a choice question has one right answer",
            )
            return None
        texts = [t for _, _, t in answers]
        if len(texts) == 2:
            d.prompt, d.accepted = two_way(_filled(prompt, after), texts, right[0])
            return d
        d.kind, d.choices = "choice", [(t, i == right[0]) for i, t in enumerate(texts)]
        return _blank(d, prompt, after)
    d.accepted = [t for mark, w, t in answers if mark == "=" and (w is None or w == 100.0)]
    if not d.accepted:
        problems.add(at, "answers", "no full-credit answer (=answer) to accept")
        return None
    return _blank(d, prompt, after)


def _answers(body: str, is_html: bool) -> list[tuple[str, float | None, str]] | None:
    """(mark, weight or None, text) of each `=`/`~` answer; per-answer feedback dropped."""
    if body[0] not in "=~":
        return None
    out = []
    for mark, rest in re.findall(r"([=~])([^=~]*)", body):
        weight = None
        if m := _WEIGHT.match(rest):
            weight, rest = float(m[1]), rest[m.end() :]
        out.append((mark, weight, _plain(rest.partition("#")[0], is_html)))
    return out


def _filled(prompt: str, after: str) -> str:
    """The missing-word form: text after the answers makes the answers a blank."""
    rest = _plain(after)
    if not rest:
        return prompt
    return f"{prompt} _____{'' if rest[0] in '.,;:!?)' else ' '}{rest}".strip()


def _blank(d: Draft, prompt: str, after: str) -> Draft:
    d.prompt = _filled(prompt, after)
    return d
