"""Short answers: a word or phrase, compared after normalisation, with typos forgiven.

Whole words only ("air" never matches inside "chair"), numbers compared as numbers ("3.0" is
"3"), and a short sentence around the right phrase is fine ("I think it's the GIL") unless it
negates it, hedges between several answers, or goes on with a word that makes it another thing
("list comprehension" is not "list", "GIL-free" is not "GIL"). Plurals, gerunds and common
abbreviations of an accepted form count as it ("decorators", "caching", "db"); identifiers and
acronyms ("select_related", "WSGI") must be spelled exactly.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bot.domain.questions import Grade, Question, Verdict
from bot.grading.text import NEGATIONS, STOPWORDS, canonical_number, normalise

EXTRA_WORDS = 5  # words allowed around the right phrase ("it is the ...")
_HEDGES = frozenset({"or", "either", "maybe", "perhaps", "possibly"})
_CHANGING_PREFIXES = frozenset(
    {
        "non",
        "anti",
        "pseudo",
        "semi",
        "quasi",
        "un",
        "sub",
        "super",
        "multi",
        "de",
        "dis",
        "pre",
        "post",
    }
)
# Common abbreviations, read as the word they stand for.
ABBREVIATIONS = {
    "db": "database",
    "dbs": "databases",
    "repo": "repository",
    "repos": "repositories",
    "config": "configuration",
    "env": "environment",
    "auth": "authentication",
    "app": "application",
    "apps": "applications",
    "info": "information",
    "dir": "directory",
    "func": "function",
    "fn": "function",
    "var": "variable",
    "vars": "variables",
    "arg": "argument",
    "args": "arguments",
    "param": "parameter",
    "params": "parameters",
    "impl": "implementation",
    "lib": "library",
    "libs": "libraries",
    "pkg": "package",
    "msg": "message",
    "req": "request",
    "async": "asynchronous",
    "sync": "synchronous",
    "dict": "dictionary",
    "dicts": "dictionaries",
    "int": "integer",
    "ints": "integers",
    "str": "string",
    "obj": "object",
    "objs": "objects",
    "attr": "attribute",
    "attrs": "attributes",
    "regex": "regular expression",
    "docs": "documentation",
    "admin": "administrator",
    "dev": "development",
    "prod": "production",
    "spec": "specification",
    "max": "maximum",
    "min": "minimum",
    "num": "number",
    "tmp": "temporary",
    "temp": "temporary",
    "perf": "performance",
    "op": "operation",
    "ops": "operations",
    "ref": "reference",
    "refs": "references",
    "val": "value",
    "vals": "values",
}
_IDENTIFIER = re.compile(r"[_()\[\]./<>=:`]|[a-z][A-Z]|^[A-Z][A-Z0-9]+s?$|\w\d|\d\w")


def typos_allowed(text: str) -> int:
    """Edits forgiven in a phrase of this length: none for short words, 1-2 for longer ones."""
    n = len(text.replace(" ", ""))
    return 0 if n <= 4 else 1 if n <= 9 else 2 if n <= 16 else n // 8


def is_identifier(accepted: str) -> bool:
    """Code names and acronyms ("select_related", "__init__", "WSGI", "HTTP/2"): no typos."""
    return bool(_IDENTIFIER.search(accepted.strip()))


def _bases(word: str) -> set[str]:
    """The word and what it is the plural or gerund of: caching -> cache, proxies -> proxy."""
    out = {word}
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        out.add(word[:-1])
        if word.endswith("es"):
            out.add(word[:-2])
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
    if len(word) > 5 and word.endswith("ing"):
        root = word[:-3]
        out.update({root, root + "e"})
        if len(root) > 2 and root[-1] == root[-2]:
            out.add(root[:-1])
    return out


def _expand(words: list[str]) -> list[str]:
    out: list[str] = []
    for w in words:
        out.extend(ABBREVIATIONS.get(w, w).split())
    return out


def _same_words(a: str, b: str) -> bool:
    """Equal once abbreviations are spelled out and plurals and gerunds reduced."""
    wa, wb = _expand(a.split()), _expand(b.split())
    return len(wa) == len(wb) and all(_bases(x) & _bases(y) for x, y in zip(wa, wb, strict=True))


def _numbers(words: list[str]) -> list[str]:
    return [w for w in words if canonical_number(w) is not None]


def _close(a: str, b: str, exact: bool = False) -> tuple[bool, bool]:
    """(same, typo): equal, or within the typo budget of `b` (the accepted form); `exact` (an
    identifier or acronym) forgives no typo."""
    if a == b:
        return True, False
    if _numbers(a.split()) != _numbers(b.split()):
        return False, False
    if _same_words(a, b):
        return True, False
    if exact:
        return False, False
    budget = typos_allowed(b)
    ok = budget > 0 and OSA.distance(a, b, score_cutoff=budget) <= budget
    return ok, ok


def match_short(accepted: tuple[str, ...], answer: str) -> tuple[bool, bool, str]:
    """(matched, with a typo, the accepted form it matched)."""
    words = normalise(answer).split()
    if not words:
        return False, False, ""
    joined = " ".join(words)
    alts = [(a, normalise(a)) for a in accepted if normalise(a)]
    for raw, alt in alts:  # whole answer
        same, typo = _close(joined, alt, is_identifier(raw))
        if same:
            return True, typo, raw
    alt_words = {w for _, alt in alts for w in alt.split()}
    negated = any(w in NEGATIONS and w not in alt_words for w in words)
    hedged = bool(_HEDGES & set(words)) and any(
        w not in alt_words and w not in STOPWORDS for w in words
    )
    if negated or hedged:
        return False, False, ""
    for raw, alt in alts:  # the phrase inside a short sentence, as whole words
        k = len(alt.split())
        if len(words) > k + EXTRA_WORDS:
            continue
        for i in range(len(words) - k + 1):
            same, typo = _close(" ".join(words[i : i + k]), alt, is_identifier(raw))
            if same and not _changes_meaning(words, i, i + k, alt_words):
                return True, typo, raw
    return False, False, ""


def _changes_meaning(words: list[str], start: int, end: int, alt_words: set[str]) -> bool:
    """Whether the words around a match make it another thing: a content word right after it
    ("list comprehension", "GIL-free") or a prefix right before it ("non-blocking")."""
    after = words[end] if end < len(words) else ""
    before = words[start - 1] if start > 0 else ""
    if (
        after
        and after not in STOPWORDS
        and after not in alt_words
        and canonical_number(after) is None
    ):
        return True
    return before in _CHANGING_PREFIXES


def grade_short(question: Question, answer: str) -> Grade:
    """Right (1.0) or wrong (0.0), with a word when a typo was forgiven or it was close."""
    if not normalise(answer):
        return Grade(0.0, Verdict.WRONG, "No answer.", missing=(question.answer_text,))
    ok, typo, form = match_short(question.accepted, answer)
    if ok:
        note = f" (spelled \u201c{form}\u201d)" if typo else ""
        return Grade(1.0, Verdict.CORRECT, f"Right{note}.", right=(form,))
    na = normalise(answer)
    near = max((fuzz.ratio(na, normalise(a)) for a in question.accepted), default=0)
    hint = "Close, but not quite" if near >= 70 else "Not quite"
    return Grade(
        0.0,
        Verdict.WRONG,
        f"{hint}: the answer is {question.answer_text}.",
        missing=(question.answer_text,),
    )
