"""Text normalisation shared by the graders: quotes, case, articles, numbers, stems, negation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import snowballstemmer

ARTICLES = frozenset({"a", "an", "the"})

# Words that carry no topic on their own. Used to find an answer's content words and to tell
# a sentence from a bare list of keywords.
STOPWORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else etc even ever
every few for from further had has have having he her here hers him his how i if in into is it
its itself just let like may me might more most much must my myself neither no nor not now of off
often on once one only or other our ours out over own per quite rather same she should so some
such than that the their theirs them then there these they this those though through thus to too
under until up upon us very via was we were what when where whether which while who whom whose
why will with within without would yes yet you your yours
""".split()
) - {"one"}

# Words that hold a sentence together; a list of keywords has almost none of them.
GLUE = frozenset(
    """
is are was were be been being am it its that this these those which who what when where you we
they he she i me my your our their them us so because if then of for with by in on at to from as
and but not does do did has have had can will would should could may might must there than into
about after before while until also just since through without
""".split()
)

# A negation cue within a few words before a term turns "is thread-safe" into its opposite.
NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "cannot",
        "neither",
        "nor",
        "without",
        "non",
        "none",
        "nothing",
        "nobody",
        "lack",
        "lacks",
        "lacking",
    }
)
# "not only X" and "not just X" still say X.
_NOT_NEGATING_AFTER = frozenset({"only", "just", "merely", "simply"})
_NOT_NEGATING_AFTER_OR = frozenset({"nothing", "none"})
NEGATION_WINDOW = 4

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "–": "-",
        "—": "-",
        "−": "-",
        "‐": "-",
        "‑": "-",
    }
)
_CONTRACTIONS = [
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'(re|ve|ll|d|m)\b"), r" \1"),
    (re.compile(r"'s\b"), ""),
]
_NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
}
# 1,000 | 3.0 | -2.5 | 1e3 (units may follow: 2.50s); "3.10" and "1.2.3" read as versions.
_NUMBER = re.compile(
    r"(?<![\w.-])(?P<num>-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)*"
    r"(?:e[-+]?\d+)?)(?![\d,.]\d)"
)
_VERSION = re.compile(r"^[1-9]\d*\.\d*[1-9]\d*0$|^\d+(?:\.\d+){2,}$")
_WORD = re.compile(r"(?<![\w.])-\d+(?:\.\d+)*|\d+(?:\.\d+)*|[^\W\d]\w*")
_CLAUSE_BREAK = re.compile(
    r"[;:!?\n()\[\]]|\.(?:\s|$)|,\s|\s-\s|\b(?:but|however|whereas|although"
    r"|though|instead|unlike|except)\b"
)

_stemmer = snowballstemmer.stemmer("english")


def canonical_number(text: str) -> str | None:
    """`3.0` -> `3`, `1,000` -> `1000`, `1e3` -> `1000`; None when `text` is not a number.

    A decimal ending in a zero after a non-zero fraction digit (`3.10`, `1.50`) or with two dots
    (`1.2.3`) is read as a version and is not a number here, so `3.10` never equals `3.1`.
    """
    t = text.strip().replace(",", "")
    if not t or _VERSION.match(t.lstrip("+-")):
        return None
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    d = d.normalize()
    if d == 0:
        return "0"
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


_DIGIT = re.compile(r"\d")


def _numbers_to_canonical(text: str) -> str:
    if not _DIGIT.search(text):  # most clauses have no number: skip the costlier pattern
        return text

    def repl(m: re.Match[str]) -> str:
        canon = canonical_number(m.group("num"))
        return f" {canon} " if canon is not None else m.group(0)

    return _NUMBER.sub(repl, text)


def prepare(text: str) -> str:
    """Unicode, quotes, case and contractions unified; punctuation still in place."""
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).casefold()
    if "'" in text:  # every contraction has one
        for rx, rep in _CONTRACTIONS:
            text = rx.sub(rep, text)
    return text


def _words(prepared: str) -> list[str]:
    prepared = _numbers_to_canonical(prepared)
    out: list[str] = []
    for m in _WORD.finditer(prepared):
        w = m.group(0)
        out.append(_NUMBER_WORDS.get(w, w))
    return out


def normalise(text: str) -> str:
    """Case, unicode quotes, punctuation, whitespace and articles ironed out; numbers canonical.

    >>> normalise("The “Global”  Interpreter-Lock!")
    'global interpreter lock'
    >>> normalise("3.0 seconds")
    '3 seconds'
    """
    return " ".join(w for w in _words(prepare(text)) if w not in ARTICLES)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of one lower-case word; numbers stay as they are."""
    if not word or word[0].isdigit() or len(word) <= 2:
        return word
    return _stemmer.stemWord(word)


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    stem: str
    clause: int
    literal: bool = False  # Python's `None`: a value, never a denial


# Python's None, as written in an answer: in backticks, or capitalised inside a sentence
# ("it returns None when the key is missing"). "None of them" opening a sentence is English.
_PY_NONE = re.compile(r"`None`|(?<=[^\s.!?]\s)None\b|(?<=[(\[=,])None\b")
_PY_NONE_MARK = "pyliteralnone"


TOKENS_CACHED = 2048  # texts whose tokens are kept: a batch repeats its questions, references
TOKENS_CACHED_CHARS = 400  # and claims, and the rubric reads each answer sentence once per claim;
# only texts up to this long, so that the cache stays a few MB


def tokens(text: str) -> tuple[Token, ...]:
    """Words with their stems and the clause each sits in (for negation scope)."""
    text = text or ""
    return _tokens_kept(text) if len(text) <= TOKENS_CACHED_CHARS else _tokens(text)


def _tokens(text: str) -> tuple[Token, ...]:
    out: list[Token] = []
    prepared = prepare(_PY_NONE.sub(f" {_PY_NONE_MARK} ", text) if "None" in text else text)
    for clause_no, clause in enumerate(_CLAUSE_BREAK.split(prepared)):
        for w in _words(clause):
            if w in ARTICLES:
                continue
            if w == _PY_NONE_MARK:
                out.append(Token("none", stem("none"), clause_no, literal=True))
            else:
                out.append(Token(w, stem(w), clause_no))
    return tuple(out)


_tokens_kept = lru_cache(maxsize=TOKENS_CACHED)(_tokens)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stopwords), in order."""
    return [t.stem for t in tokens(text) if t.word not in STOPWORDS]


def is_negated(toks: Sequence[Token], index: int) -> bool:
    """Whether a negation cue shortly before `toks[index]`, in the same clause, denies it."""
    clause = toks[index].clause
    for j in range(index - 1, max(-1, index - 1 - NEGATION_WINDOW), -1):
        t = toks[j]
        if t.clause != clause:
            return False
        if t.word in NEGATIONS and not t.literal:
            if t.word in _NOT_NEGATING_AFTER_OR and j > 0 and toks[j - 1].word == "or":
                continue  # "all or nothing", "one or none": a quantity, not a denial
            nxt = toks[j + 1].word if j + 1 < len(toks) else ""
            return nxt not in _NOT_NEGATING_AFTER
    return False


def has_negation(words: list[str] | tuple[str, ...]) -> bool:
    return any(w in NEGATIONS for w in words)


def split_sentences(text: str) -> list[str]:
    """Sentences of a reference answer (split on . ! ? ; and line breaks)."""
    parts = re.split(r"(?<=[.!?;])\s+|\n+", (text or "").strip())
    return [p.strip() for p in parts if p and p.strip()]
