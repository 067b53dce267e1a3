"""Question packs: YAML validated by one pydantic schema, loaded into a QuestionBank.

A pack that has any error is refused whole; every error names file, line and field.
"""

from __future__ import annotations

import json
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

from bot.domain import (
    NO_VALUE,
    Choice,
    CodeCase,
    CodeSpec,
    KeyPoint,
    Kind,
    Misconception,
    Question,
    UserError,
)
from bot.sandbox.plain import plain
from bot.text import clip

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "questions"
SOURCES_FILE = "sources.yaml"
# Limits on one pack, checked before parsing (bytes) and after (before the schema): the
# shipped bank fits them many times over (largest pack 89 KB, 79 questions, 5 key points of
# at most 14 terms, 707 terms in all, longest text 2,444 characters), and within them a pack
# parses in a few seconds at most, off the event loop.
MAX_PACK_BYTES = 500_000
MAX_QUESTIONS = 500  # per pack
MAX_KEY_POINTS = 20  # per question
MAX_TERMS = 50  # per key point
MAX_TOTAL_TERMS = 5_000  # per pack, over all key points
MAX_CHOICES = 5  # per question (and at least 3, which the schema says)
MAX_LIST_ITEMS = 50  # accepted answers, seeds or tags of one question
MAX_TEXT_CHARS = 10_000  # any one text: a prompt, a choice, a term, a code block
# YAML values (scalars, lists, mappings) in one file, counted by libyaml before PyYAML's
# pure-Python parser (about 30 µs a value) sees the file: 500 KB of `[0,0,0,…]` is 250,000
# values, half a minute of CPU. The largest shipped pack has 3,558.
MAX_YAML_NODES = 30_000

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


class CaseIn(_Strict):
    name: Text
    run: Text
    expect: Any = None
    raises: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")] = ""
    prints: str | None = None

    @model_validator(mode="after")
    def _checks_something(self) -> CaseIn:
        has_expect = "expect" in self.model_fields_set
        if not (has_expect or self.raises or self.prints is not None):
            raise _field_error("expect", "a case needs expect, raises or prints")
        if has_expect and self.raises:
            raise _field_error("raises", "a case cannot both expect a value and raise")
        if has_expect:  # kept encoded: JSON (a team pack's stored form) keeps dict keys' types
            try:
                object.__setattr__(self, "expect", plain(self.expect))
            except TypeError as e:
                raise _field_error("expect", str(e)) from None
        return self


class CodeIn(_Strict):
    signature: Text
    solution: Text
    setup: str = ""
    cases: list[CaseIn] = Field(min_length=1, max_length=40)
    wrong: list[Text] = []


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
                raise _field_error("code", "a code question needs signature, solution and cases")
        for name in ("choices", "accepted", "key_points", "code", "misconceptions"):
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


_ALIASES_REFUSED = ("aliases and anchors (&name, *name) are not allowed in packs; write the "
                    "value out")
_TOO_MANY_NODES = f"too many YAML values: at most {MAX_YAML_NODES:,}"


class _Refused(yaml.YAMLError):
    """What the loader refuses while composing: an anchor (`&name`) or alias (`*name`), so
    no pack can repeat a subtree, or one value too many."""

    def __init__(self, line: int, loc: list[int | str], message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.loc = loc
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (YAML 1.2), so `yes`/`no` stay text,
    and anchors and aliases are refused (an alias is one node for PyYAML but a whole new
    subtree for everything after it: the "billion laughs")."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[int | str] = []
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        # `index` is the key node for a mapping value, the position in a sequence, None for
        # a key (or the document): the path names the field in the error
        step = index.value if isinstance(index, yaml.ScalarNode) else index
        pushed = isinstance(step, (int, str)) and not isinstance(step, bool)
        if pushed:
            self._path.append(step)
        try:
            event = self.peek_event()
            line = event.start_mark.line + 1 if event.start_mark else 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _Refused(line, list(self._path), _ALIASES_REFUSED)
            self._nodes += 1  # also counted before, by libyaml when it is there (faster)
            if self._nodes > MAX_YAML_NODES:
                raise _Refused(line, [], _TOO_MANY_NODES)
            return super().compose_node(parent, index)
        finally:
            if pushed:
                self._path.pop()

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
    return _validate(*_read_yaml(text, source), source, known_seeds)[0]


def parse_pack_stored(text: str, source: str) -> tuple[Pack, str]:
    """A team pack's YAML validated, and the validated pack as JSON: stored beside the YAML,
    it is what `pack_from_json` reads back, so YAML is parsed once, at import."""
    pack, pack_in = _validate(*_read_yaml(text, source), source, None)
    return pack, pack_in.model_dump_json(exclude_unset=True)  # keeps an explicit `expect: null`


def pack_from_json(text: str, source: str) -> Pack:
    """A pack stored by `parse_pack_stored`, validated again (limits too: JSON has no
    aliases, so this is quick and bounded). Raises PackError."""
    if len(text.encode("utf-8", "surrogatepass")) > 2 * MAX_PACK_BYTES:
        raise PackError([f"{source}:1: (pack): larger than {2 * MAX_PACK_BYTES:,} bytes"])
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise PackError([f"{source}:1: (json): {e}"]) from None
    return _validate(data, None, source, None)[0]


def _read_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree (for line numbers), from one pass of the parser."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_PACK_BYTES:
        raise PackError([f"{source}:1: (pack): larger than {MAX_PACK_BYTES:,} bytes"])
    counted = _count_nodes(text)
    if counted is not None:
        raise PackError([f"{source}:{counted}: (pack): {_TOO_MANY_NODES}"])
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader refuses unprintable characters here
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as e:
        return _raise([f"{source}:{e.line}: {_loc_text(e.loc)}: {e.message}"])
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        return _raise([f"{source}:{line}: (yaml): {problem}"])
    except RecursionError:
        return _raise([f"{source}:1: (yaml): nested too deeply"])
    finally:
        if loader is not None:
            loader.dispose()
    return data, node


def _count_nodes(text: str) -> int | None:
    """The line where the file goes over MAX_YAML_NODES values, or None when it does not (or
    libyaml is missing, or the text is not YAML: the parser after this names the problem).
    libyaml's events cost about a tenth of PyYAML's, and an alias is one event here."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None:
        return None
    n = 0
    try:
        for event in yaml.parse(text, Loader=fast):
            if isinstance(event, yaml.NodeEvent):
                n += 1
                if n > MAX_YAML_NODES:
                    mark = event.start_mark
                    return int(mark.line) + 1 if mark else 1
    except Exception:  # a YAML error, UnicodeEncodeError on a lone surrogate, …: the
        return None  # pure-Python parser that comes next names the problem
    return None


def _size_errors(data: dict[str, Any], node: yaml.Node | None, source: str) -> list[str]:
    """Every list and text over its limit, checked before the schema sees the data."""
    errors: list[str] = []

    def over(loc: list[int | str], what: str, limit: int, found: int) -> None:
        errors.append(f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: too many {what}: "
                      f"at most {limit:,} (found {found:,})")

    def capped(value: Any, loc: list[int | str], what: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            return []
        if len(value) > limit:
            over(loc, what, limit, len(value))
            return []
        return value

    total_terms = 0
    questions = capped(data.get("questions"), ["questions"], "questions in a pack",
                       MAX_QUESTIONS)
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        at: list[int | str] = ["questions", i]
        capped(q.get("choices"), [*at, "choices"], "choices", MAX_CHOICES)
        for name in ("accepted", "seeds", "tags"):
            capped(q.get(name), [*at, name], name, MAX_LIST_ITEMS)
        kps = capped(q.get("key_points"), [*at, "key_points"], "key points in a question",
                     MAX_KEY_POINTS)
        for j, kp in enumerate(kps):
            if isinstance(kp, dict):
                terms = capped(kp.get("terms"), [*at, "key_points", j, "terms"],
                               "terms in a key point", MAX_TERMS)
                total_terms += len(terms)
    if total_terms > MAX_TOTAL_TERMS:
        over(["questions"], "key point terms in a pack", MAX_TOTAL_TERMS, total_terms)

    stack: list[tuple[Any, list[int | str]]] = [(data, [])]
    while stack and len(errors) < 20:
        value, loc = stack.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            errors.append(f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: too long: at "
                          f"most {MAX_TEXT_CHARS:,} characters (found {len(value):,})")
        elif isinstance(value, dict):
            stack.extend((v, [*loc, str(k)]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*loc, n]) for n, v in enumerate(value))
    return errors


def _validate(data: Any, node: yaml.Node | None, source: str,
              known_seeds: set[str] | None) -> tuple[Pack, PackIn]:
    if not isinstance(data, dict):
        return _raise([f"{source}:1: (pack): a pack is a mapping with id, title, topic, version"
                       " and questions"])
    too_big = _size_errors(data, node, source)
    if too_big:
        return _raise(too_big)
    try:
        pack_in = PackIn.model_validate(data)
    except ValidationError as e:
        schema_errors = []
        for err in e.errors():
            eloc: list[int | str] = list(err["loc"])
            msg = err["msg"]
            ctx_err = (err.get("ctx") or {}).get("error")
            if isinstance(ctx_err, _FieldError):
                eloc.append(ctx_err.field)
                msg = str(ctx_err)
            elif msg.startswith("Value error, "):
                msg = msg.removeprefix("Value error, ")
            schema_errors.append(f"{source}:{_line_of(node, eloc)}: {_loc_text(eloc)}: {msg}")
        return _raise(schema_errors)

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
                tuple(questions), source), pack_in


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
        code=to_code(q.code) if q.code else None,
        misconceptions=tuple(Misconception(m.claim, m.why) for m in q.misconceptions or ()),
        pack=pack.id,
    )


def load_yaml(text: str) -> object:
    """YAML data read the way packs are (safe; yes/no stay text)."""
    return yaml.load(text, Loader=_Loader)


def to_code(c: CodeIn) -> CodeSpec:
    cases = tuple(CodeCase(k.name, k.run, k.expect if "expect" in k.model_fields_set else
                           NO_VALUE, k.raises, k.prints) for k in c.cases)
    return CodeSpec(c.signature, c.solution, cases, c.setup, tuple(c.wrong))


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
        """This bank plus `questions`; an id already here keeps its question (team ids are
        namespaced by pack, so this is only a second guard: shipped questions win)."""
        return QuestionBank([*self._by_id.values(),
                             *(q for q in questions if q.id not in self._by_id)])

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

