"""Question packs: YAML validated by one pydantic schema, loaded into a QuestionBank.

A pack that has any error is refused whole; every error names file, line and field.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from bot.domain import Choice, CodeSpec, KeyPoint, Kind, Misconception, Question, UserError
from bot.text import clip

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "questions"
SOURCES_FILE = "sources.yaml"
MAX_PACK_BYTES = 1_000_000

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class ChoiceIn(_Strict):
    text: Text
    correct: bool = False


class KeyPointIn(_Strict):
    point: Text
    terms: list[Text] = Field(min_length=1)


class MisconceptionIn(_Strict):
    claim: Text
    why: Text


class CodeIn(_Strict):
    signature: Text
    solution: Text
    tests: Text


class QuestionIn(_Strict):
    id: Ident
    kind: Kind
    topic: Ident | None = None
    difficulty: int = Field(ge=1, le=3)
    prompt: Text
    explanation: Text
    seeds: list[Text] = []
    tags: list[Ident] = []
    choices: list[ChoiceIn] | None = None
    accepted: list[Text] | None = None
    reference: Text | None = None
    key_points: list[KeyPointIn] | None = None
    misconceptions: list[MisconceptionIn] | None = None
    code: CodeIn | None = None

    @model_validator(mode="after")
    def _kind_needs(self) -> QuestionIn:
        k = self.kind
        if k is Kind.CHOICE:
            cs = self.choices
            if not cs:
                raise _field_error("choices", "a choice question needs 3 to 5 choices")
            if not 3 <= len(cs) <= 5:
                raise _field_error("choices", f"needs 3 to 5 choices, found {len(cs)}")
            right = sum(c.correct for c in cs)
            if right != 1:
                raise _field_error("choices", f"exactly one choice must be right, found {right}")
            texts = [c.text.casefold() for c in cs]
            if len(set(texts)) != len(texts):
                raise _field_error("choices", "two choices have the same text")
            for c in cs:
                low = c.text.casefold()
                if "all of the above" in low or "none of the above" in low:
                    raise _field_error("choices", f"'{c.text}': no 'all/none of the above'")
        elif k is Kind.SHORT:
            if not self.accepted:
                raise _field_error("accepted", "a short question needs accepted answers")
        elif k is Kind.OPEN:
            if not self.reference:
                raise _field_error("reference", "an open question needs a reference answer")
        elif k is Kind.CODE:
            if not self.code:
                raise _field_error("code", "a code question needs signature, solution and tests")
        for name in ("choices", "accepted", "key_points", "misconceptions", "code"):
            if getattr(self, name) is not None and name not in _ALLOWED[k]:
                raise _field_error(name, f"not used by a {k.value} question")
        return self


_ALLOWED: dict[Kind, set[str]] = {
    Kind.CHOICE: {"choices"},
    Kind.SHORT: {"accepted"},
    Kind.OPEN: {"key_points", "misconceptions"},
    Kind.CODE: {"code"},
}


class _FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _field_error(field: str, message: str) -> _FieldError:
    return _FieldError(field, message)


class PackIn(_Strict):
    id: Ident
    title: Text
    topic: Ident
    version: int = Field(ge=1)
    questions: list[QuestionIn] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    title: str
    topic: str
    version: int
    questions: tuple[Question, ...]
    source: str


class PackError(Exception):
    """A pack was refused; `errors` lists every problem as `file:line: field: message`."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


# --- YAML: safe, with line numbers, and `yes`/`no` left as text ---------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (YAML 1.2), so `yes`/`no` stay text."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value YAML's constructors cannot build (`2001-13-45` as a date, an integer of
        5,000 digits, an empty `!!timestamp`) is a YAML error at its line, not a crash."""
        try:
            return super().construct_object(node, deep)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as e:  # PyYAML's constructors raise anything on odd input
            problem = f"cannot read this value ({type(e).__name__}: {e})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from e


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == part:
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                return line
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


_PLAIN_KEY = re.compile(r"[A-Za-z_][\w-]*")


def _loc_text(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if not isinstance(part, int) and not _PLAIN_KEY.fullmatch(str(part)):
            part = repr(str(part))[:40]  # a key someone mistyped (' ', 'a: b'): shown quoted
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(pack)"


def parse_pack(text: str, source: str, known_seeds: set[str] | None = None) -> Pack:
    """Validate one pack's text. Raises PackError naming file, line and field."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PACK_BYTES:
        raise PackError([f"{source}:1: (pack): larger than {MAX_PACK_BYTES:,} bytes"])
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        return _raise([f"{source}:{line}: (yaml): {problem}"])
    except RecursionError:
        return _raise([f"{source}:1: (yaml): nested too deeply"])
    if not isinstance(data, dict):
        return _raise([f"{source}:1: (pack): a pack is a mapping with id, title, topic, version"
                       " and questions"])
    try:
        pack_in = PackIn.model_validate(data)
    except ValidationError as e:
        errors = []
        for err in e.errors():
            loc = list(err["loc"])
            msg = err["msg"]
            ctx_err = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_err, _FieldError):
                loc.append(ctx_err.field)
                msg = str(ctx_err)
            elif msg.startswith("Value error, "):
                msg = msg.removeprefix("Value error, ")
            errors.append(f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: {msg}")
        return _raise(errors)

    errors: list[str] = []
    seen: dict[str, int] = {}
    questions: list[Question] = []
    for i, q in enumerate(pack_in.questions):
        loc: list[int | str] = ["questions", i, "id"]
        if q.id in seen:
            errors.append(f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: duplicate id "
                          f"'{q.id}' (also questions[{seen[q.id]}])")
        seen.setdefault(q.id, i)
        if known_seeds is not None:
            for j, s in enumerate(q.seeds):
                if s not in known_seeds:
                    sloc: list[int | str] = ["questions", i, "seeds", j]
                    errors.append(f"{source}:{_line_of(node, sloc)}: {_loc_text(sloc)}: "
                                  f"unknown seed id '{s}'")
        questions.append(_to_question(q, pack_in))
    if errors:
        _raise(errors)
    return Pack(pack_in.id, pack_in.title, pack_in.topic, pack_in.version,
                tuple(questions), source)


def _raise(errors: list[str]) -> Any:
    raise PackError(errors)


def _to_question(q: QuestionIn, pack: PackIn) -> Question:
    return Question(
        id=q.id,
        kind=q.kind,
        topic=q.topic or pack.topic,
        difficulty=q.difficulty,
        prompt=q.prompt,
        explanation=q.explanation,
        seeds=tuple(q.seeds),
        tags=tuple(q.tags),
        choices=tuple(Choice(c.text, c.correct) for c in q.choices or ()),
        accepted=tuple(q.accepted or ()),
        reference=q.reference or "",
        key_points=tuple(KeyPoint(k.point, tuple(k.terms)) for k in q.key_points or ()),
        code=CodeSpec(q.code.signature, q.code.solution, q.code.tests) if q.code else None,
        pack=pack.id,
        misconceptions=tuple(Misconception(m.claim, m.why) for m in q.misconceptions or ()),
    )


def load_sources(directory: Path = QUESTIONS_DIR) -> dict[str, dict[str, str]]:
    """The seed index (`questions/sources.yaml`): id -> {topic, text, file}."""
    path = directory / SOURCES_FILE
    if not path.exists():
        return {}
    items = yaml.load(path.read_text("utf-8"), Loader=_Loader) or []
    return {str(it["id"]): {k: str(v) for k, v in it.items()} for it in items}


def pack_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.glob("*.yaml") if f.name != SOURCES_FILE))
        else:
            out.append(p)
    return out


def load_packs(paths: Iterable[Path], known_seeds: set[str] | None = None) -> list[Pack]:
    """Load and validate packs; any error anywhere refuses them all (PackError)."""
    errors: list[str] = []
    packs: list[Pack] = []
    for f in pack_files(paths):
        try:
            packs.append(parse_pack(f.read_text("utf-8"), str(f), known_seeds))
        except PackError as e:
            errors.extend(e.errors)
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{f}:1: (file): {e}")
    errors.extend(cross_pack_errors(packs))
    if errors:
        raise PackError(errors)
    return packs


def cross_pack_errors(packs: Sequence[Pack], taken: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Ids must be unique across packs (and not clash with `taken` ones)."""
    errors: list[str] = []
    owner: dict[str, str] = {}
    for p in packs:
        for q in p.questions:
            if q.id in taken or q.id in owner:
                where = owner.get(q.id, "the shipped bank")
                errors.append(f"{p.source}:1: questions.id: id '{q.id}' is already used in {where}")
            owner.setdefault(q.id, p.source)
    return errors


DIFFICULTY_NAMES = {"easy": 1, "medium": 2, "hard": 3, "1": 1, "2": 2, "3": 3}


def parse_difficulty(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    d = DIFFICULTY_NAMES.get(str(value).strip().lower())
    if d is None:
        raise UserError("Difficulty is 1, 2 or 3 (or easy, medium, hard).")
    return d


class QuestionBank:
    """All questions one team can be asked, with selection by filters."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self._by_id: dict[str, Question] = {}
        for q in questions:
            self._by_id[q.id] = q
        self._topics = sorted({q.topic for q in self._by_id.values()})

    @classmethod
    def from_dir(cls, directory: Path = QUESTIONS_DIR) -> QuestionBank:
        seeds = set(load_sources(directory)) or None
        return cls(q for p in load_packs([directory], seeds) for q in p.questions)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_id.values())

    def get(self, qid: str) -> Question | None:
        return self._by_id.get(qid)

    def with_extra(self, questions: Iterable[Question]) -> QuestionBank:
        return QuestionBank([*self._by_id.values(), *questions])

    @property
    def topics(self) -> list[str]:
        return list(self._topics)

    def resolve_topic(self, topic: str | None) -> str | None:
        """Match a typed topic forgivingly (case, unique prefix); unknown lists the topics."""
        if topic is None or not topic.strip():
            return None
        t = topic.strip().lower()
        if t in self._topics:
            return t
        starts = [x for x in self._topics if x.startswith(t)]
        if len(starts) == 1:
            return starts[0]
        raise UserError(f"Unknown topic '{clip(topic, 40)}'. Topics: {', '.join(self._topics)}.")

    def select(
        self,
        topic: str | None = None,
        difficulty: int | None = None,
        tags: Sequence[str] = (),
        kinds: Sequence[Kind] | None = None,
    ) -> list[Question]:
        """Every question matching the filters; a filter matching nothing says what exists."""
        t = self.resolve_topic(topic)
        pool = [
            q for q in self._by_id.values()
            if (t is None or q.topic == t)
            and (difficulty is None or q.difficulty == difficulty)
            and all(tag in q.tags for tag in tags)
            and (kinds is None or q.kind in kinds)
        ]
        if not pool:
            raise UserError(self._nothing_matches(t, difficulty, tags, kinds))
        return pool

    def _nothing_matches(self, topic: str | None, difficulty: int | None,
                         tags: Sequence[str], kinds: Sequence[Kind] | None) -> str:
        base = [q for q in self._by_id.values()
                if (topic is None or q.topic == topic) and (kinds is None or q.kind in kinds)]
        parts = []
        if topic:
            parts.append(f"topic {topic}")
        if difficulty:
            parts.append(f"difficulty {difficulty}")
        if tags:
            parts.append("tags " + ", ".join(tags))
        have_d = sorted({q.difficulty for q in base})
        have_tags = sorted({tag for q in base for tag in q.tags})[:30]
        msg = f"No question matches {' and '.join(parts) or 'those filters'}."
        if base:
            msg += f" Difficulties there: {', '.join(map(str, have_d))}."
            if tags and have_tags:
                msg += f" Tags there: {', '.join(have_tags)}."
        else:
            msg += f" Topics: {', '.join(self._topics)}."
        return msg

    def pick(
        self,
        pool: Sequence[Question],
        seen: set[str],
        rng: random.Random | None = None,
    ) -> Question:
        """A question from `pool` not in `seen`; when all are seen, any from the pool."""
        rng = rng or random
        fresh = [q for q in pool if q.id not in seen]
        return rng.choice(fresh or list(pool))

    def pick_many(self, pool: Sequence[Question], seen: set[str], n: int,
                  rng: random.Random | None = None) -> list[Question]:
        """`n` distinct questions, unseen first, then the least recently... any seen ones."""
        rng = rng or random
        fresh = [q for q in pool if q.id not in seen]
        stale = [q for q in pool if q.id in seen]
        rng.shuffle(fresh)
        rng.shuffle(stale)
        return (fresh + stale)[:n]

