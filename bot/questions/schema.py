"""The pack schema: pydantic models with the messages authors see, and the limits on a pack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from bot.domain.questions import (
    Kind,
    Question,
)
from bot.sandbox.plain import plain

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
    follow_up: Text | None = None  # what an interviewer asks when an answer misses the point


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
    hint: Text | None = None  # `/interview hint`: a nudge that does not give the answer away

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


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _field_error(field: str, message: str) -> FieldError:
    return FieldError(field, message)


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
