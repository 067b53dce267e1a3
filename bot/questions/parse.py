"""Reading one pack: safe YAML (no aliases, yes/no stay text, bounded size), the schema, and
errors mapped to lines. A pack that has any error is refused whole; every error names file,
line and field."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from bot.domain.questions import (
    NO_VALUE,
    Choice,
    CodeCase,
    CodeSpec,
    KeyPoint,
    Misconception,
    Question,
)
from bot.questions.schema import (
    MAX_CHOICES,
    MAX_KEY_POINTS,
    MAX_LIST_ITEMS,
    MAX_PACK_BYTES,
    MAX_QUESTIONS,
    MAX_TERMS,
    MAX_TEXT_CHARS,
    MAX_TOTAL_TERMS,
    MAX_YAML_NODES,
    CodeIn,
    FieldError,
    Pack,
    PackError,
    PackIn,
    QuestionIn,
)

# --- YAML: safe, with line numbers, and `yes`/`no` left as text ---------------------


_ALIASES_REFUSED = (
    "aliases and anchors (&name, *name) are not allowed in packs; write the value out"
)
_TOO_MANY_NODES = f"too many YAML values: at most {MAX_YAML_NODES:,}"


class _Refused(yaml.YAMLError):
    """What the loader refuses while composing: an anchor (`&name`) or alias (`*name`), so
    no pack can repeat a subtree, or one value too many."""

    def __init__(self, line: int, loc: list[int | str], message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.loc = loc
        self.message = message


class PackLoader(yaml.SafeLoader):
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


PackLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PackLoader.add_implicit_resolver(
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
    loader: PackLoader | None = None
    try:
        loader = PackLoader(text)  # the reader refuses unprintable characters here
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
        errors.append(
            f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: too many {what}: "
            f"at most {limit:,} (found {found:,})"
        )

    def capped(value: Any, loc: list[int | str], what: str, limit: int) -> list[Any]:
        if not isinstance(value, list):
            return []
        if len(value) > limit:
            over(loc, what, limit, len(value))
            return []
        return value

    total_terms = 0
    questions = capped(data.get("questions"), ["questions"], "questions in a pack", MAX_QUESTIONS)
    for i, q in enumerate(questions):
        if not isinstance(q, dict):
            continue
        at: list[int | str] = ["questions", i]
        capped(q.get("choices"), [*at, "choices"], "choices", MAX_CHOICES)
        for name in ("accepted", "seeds", "tags"):
            capped(q.get(name), [*at, name], name, MAX_LIST_ITEMS)
        kps = capped(
            q.get("key_points"), [*at, "key_points"], "key points in a question", MAX_KEY_POINTS
        )
        for j, kp in enumerate(kps):
            if isinstance(kp, dict):
                terms = capped(
                    kp.get("terms"),
                    [*at, "key_points", j, "terms"],
                    "terms in a key point",
                    MAX_TERMS,
                )
                total_terms += len(terms)
    if total_terms > MAX_TOTAL_TERMS:
        over(["questions"], "key point terms in a pack", MAX_TOTAL_TERMS, total_terms)

    stack: list[tuple[Any, list[int | str]]] = [(data, [])]
    while stack and len(errors) < 20:
        value, loc = stack.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            errors.append(
                f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: too long: at "
                f"most {MAX_TEXT_CHARS:,} characters (found {len(value):,})"
            )
        elif isinstance(value, dict):
            stack.extend((v, [*loc, str(k)]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*loc, n]) for n, v in enumerate(value))
    return errors


def _validate(
    data: Any, node: yaml.Node | None, source: str, known_seeds: set[str] | None
) -> tuple[Pack, PackIn]:
    if not isinstance(data, dict):
        return _raise(
            [
                f"{source}:1: (pack): a pack is a mapping with id, title, topic, version"
                " and questions"
            ]
        )
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
            if isinstance(ctx_err, FieldError):
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
            errors.append(
                f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: duplicate id "
                f"'{q.id}' (also questions[{seen[q.id]}])"
            )
        seen.setdefault(q.id, i)
        if known_seeds is not None:
            for j, s in enumerate(q.seeds):
                if s not in known_seeds:
                    sloc: list[int | str] = ["questions", i, "seeds", j]
                    errors.append(
                        f"{source}:{_line_of(node, sloc)}: {_loc_text(sloc)}: unknown seed id '{s}'"
                    )
        questions.append(_to_question(q, pack_in))
    if errors:
        _raise(errors)
    return Pack(
        pack_in.id, pack_in.title, pack_in.topic, pack_in.version, tuple(questions), source
    ), pack_in


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
        key_points=tuple(
            KeyPoint(k.point, tuple(k.terms), k.follow_up or "") for k in q.key_points or ()
        ),
        code=to_code(q.code) if q.code else None,
        misconceptions=tuple(Misconception(m.claim, m.why) for m in q.misconceptions or ()),
        pack=pack.id,
        hint=q.hint or "",
    )


def load_yaml(text: str) -> object:
    """YAML data read the way packs are (safe; yes/no stay text)."""
    return yaml.load(text, Loader=PackLoader)


def to_code(c: CodeIn) -> CodeSpec:
    cases = tuple(
        CodeCase(
            k.name,
            k.run,
            k.expect if "expect" in k.model_fields_set else NO_VALUE,
            k.raises,
            k.prints,
        )
        for k in c.cases
    )
    return CodeSpec(c.signature, c.solution, cases, c.setup, tuple(c.wrong))
