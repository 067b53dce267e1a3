"""What every importer produces: drafts of our questions, each with where it came from, and
the one step that turns them into our pack (validated by the pack schema, errors mapped back
to the source file's line or row and field, then written as our YAML)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

import yaml

from bot.questions.parse import pack_from_json
from bot.questions.schema import MAX_PACK_BYTES, MAX_QUESTIONS, MAX_YAML_NODES, Pack, PackError

# the name errors of the schema run carry before they are mapped back to the source file
_PROBE = "\x00probe"
_SCHEMA_ERROR = re.compile(
    re.escape(_PROBE) + r":\d+: questions\[(\d+)\]\.?([A-Za-z_]*)([^:]*): (.*)", re.S
)


@dataclass
class Draft:
    """One question as an importer read it. `at` is where it is in the source ("file:12" or
    "file: sheet 'Quiz' row 9"); `names` maps our field names to the source's (errors name
    the field the author wrote)."""

    at: str
    kind: str
    prompt: str
    choices: list[tuple[str, bool]] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    reference: str = ""
    explanation: str = ""
    difficulty: int = 2
    topic: str = ""
    tags: list[str] = field(default_factory=list)
    name: str = ""  # the author's own id or name, if the format has one
    names: Mapping[str, str] = field(default_factory=dict)


class Problems:
    """Every problem found in a file, so the author can fix them all in one go."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, at: str, what: str, message: str) -> None:
        self.errors.append(f"{at}: {what}: {message}")

    def raise_if_any(self) -> None:
        if self.errors:
            raise PackError(self.errors)


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte order mark dropped, Windows line ends made plain)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PackError([f"{name}:1: (file): not UTF-8 text (byte {e.start})"]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SLUG_DROP = re.compile(r"[^a-z0-9_.-]+")


def slug(text: str, fallback: str = "imported") -> str:
    """An id our packs accept ([a-z0-9][a-z0-9_.-]{0,63}) made from any text."""
    s = _SLUG_DROP.sub("-", text.strip().lower()).strip("-_.")
    s = re.sub(r"-{2,}", "-", s)[:64].strip("-_.")
    return s or fallback


def stem(filename: str) -> str:
    """A file's name without its folders and extensions: `moodle.gift.txt` → `moodle`."""
    return PurePath(filename).name.split(".")[0] or "imported"


def two_way(prompt: str, options: Sequence[str], right: int) -> tuple[str, list[str]]:
    """A question with two options (true/false, this or that) as a short question: our
    choice questions have 3 to 5 choices, so the reader types one of the two."""
    a, b = options
    if {a.strip().casefold(), b.strip().casefold()} == {"true", "false"}:
        return f"True or false: {prompt}", [options[right].strip()]
    return f"{prompt} ({a.strip()} or {b.strip()}?)", [options[right].strip()]


def build(
    drafts: Sequence[Draft],
    filename: str,
    *,
    title: str,
    topic: str,
    pack_id: str | None = None,
    header: Sequence[str] = (),
) -> tuple[Pack, str, tuple[str, ...]]:
    """Our pack from the drafts: checked by the pack schema (errors name the source's line
    and field), its YAML, which imports as exactly these questions, and where each
    question is in the source."""
    if not drafts:
        raise PackError([f"{filename}:1: (file): no questions found"])
    if len(drafts) > MAX_QUESTIONS:
        raise PackError(
            [
                f"{filename}:1: (file): too many questions in a pack: at most "
                f"{MAX_QUESTIONS:,} (found {len(drafts):,})"
            ]
        )
    data = {
        "id": slug(pack_id or stem(filename)),
        "title": title.strip()[:200] or stem(filename),
        "topic": slug(topic),
        "version": 1,
        "questions": [_question(d, qid) for d, qid in zip(drafts, _ids(drafts), strict=True)],
    }
    if _values(data) > MAX_YAML_NODES:
        raise PackError(
            [f"{filename}:1: (file): as a pack it has more than {MAX_YAML_NODES:,} YAML values"]
        )
    try:
        pack = pack_from_json(json.dumps(data), _PROBE)
    except PackError as e:
        raise PackError([_mapped(err, drafts, filename) for err in e.errors]) from None
    text = _dump(data, header)
    if len(text.encode("utf-8")) > MAX_PACK_BYTES:
        raise PackError(
            [f"{filename}:1: (file): as a pack it is larger than {MAX_PACK_BYTES:,} bytes"]
        )
    # the YAML reads back as exactly this pack (tests/unit/test_imports.py, properties/):
    # not parsed again here, which would double the time of a large import
    return replace(pack, source=filename), text, tuple(d.at for d in drafts)


def _values(data: Any) -> int:
    """The YAML values (nodes) `data` is written as: each mapping, list, key and scalar."""
    if isinstance(data, dict):
        return 1 + sum(1 + _values(v) for v in data.values())
    if isinstance(data, list):
        return 1 + sum(_values(v) for v in data)
    return 1


def _ids(drafts: Sequence[Draft]) -> list[str]:
    """The author's names as ids where they are unique, else q1, q2, … by position."""
    named = [slug(d.name, "") for d in drafts]
    counts = Counter(named)
    taken = {n for n in named if n and counts[n] == 1}
    out = []
    for i, n in enumerate(named):
        if n and counts[n] == 1:
            out.append(n)
            continue
        base = candidate = f"q{i + 1}"
        k = 2
        while candidate in taken:
            candidate, k = f"{base}-{k}", k + 1
        taken.add(candidate)
        out.append(candidate)
    return out


def _question(d: Draft, qid: str) -> dict[str, Any]:
    q: dict[str, Any] = {"id": qid, "kind": d.kind}
    if d.topic:
        q["topic"] = slug(d.topic)
    q["difficulty"] = d.difficulty
    q["prompt"] = d.prompt
    q["explanation"] = d.explanation.strip() or _explained(d)
    if d.tags:
        q["tags"] = [slug(t) for t in d.tags]
    if d.kind == "choice":
        q["choices"] = [{"text": t, "correct": True} if ok else {"text": t} for t, ok in d.choices]
    elif d.kind == "short":
        q["accepted"] = list(d.accepted)
    elif d.kind == "open":
        q["reference"] = d.reference
    return q


def the_answer_is(answer: str) -> str:
    """The explanation written for a question that came without one (a long answer is not
    repeated: the limit on a text would then name a field the author never wrote)."""
    return f"The answer is {answer}." if len(answer) <= 300 else ""


def _explained(d: Draft) -> str:
    if d.kind == "choice":
        right = [t for t, ok in d.choices if ok]
        return (the_answer_is(right[0]) if right else "") or "(no explanation given)"
    if d.kind == "short" and d.accepted:
        return the_answer_is(d.accepted[0]) or "(no explanation given)"
    return d.reference or "(no explanation given)"


def _mapped(error: str, drafts: Sequence[Draft], filename: str) -> str:
    """`<probe>:1: questions[3].choices: …` as `file:12: answers: …`."""
    m = _SCHEMA_ERROR.fullmatch(error)
    if m is None:
        return error.replace(_PROBE, filename)
    i, name, rest, message = int(m[1]), m[2], m[3], m[4]
    if i >= len(drafts):
        return error.replace(_PROBE, filename)
    d = drafts[i]
    shown = (d.names.get(name, name) + rest) if name else "(question)"
    return f"{d.at}: {shown}: {message}"


class _NoAliases(yaml.SafeDumper):
    """Writes every value out (our pack loader refuses anchors and aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: dict[str, Any], header: Sequence[str]) -> str:
    body = yaml.dump(data, Dumper=_NoAliases, sort_keys=False, allow_unicode=True, width=100)
    lines = [f"# {h}".rstrip() for h in header]
    return ("\n".join(lines) + "\n" if lines else "") + body
