"""Swapped roles: "`is` compares values, `==` compares identity".

Many interview questions contrast two things ("How do TCP and UDP differ?", "`is` and `==`").
A confident wrong answer often uses exactly the right words with the two things swapped, which
overlap and similarity cannot see. Here each word the reference says about one of the two
things (the thing named last before it) is compared with what the answer says: when the answer
ties several of them to the other thing, and hardly any to the same one, the roles are swapped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.grading.text import STOPWORDS, stem

_CODE = re.compile(r"`([^`]+)`")
_PAIR = re.compile(
    r"(?:`([^`]+)`|\b([a-z][\w-]*))(?:\s*,)?\s+(?:and|vs\.?|versus|or|from)\s+"
    r"(?:when\s+|calling\s+|a\s+|an\s+|the\s+)*(?:`([^`]+)`|([a-z][\w-]*)\b)"
)
_TOKEN = re.compile(r"`[^`]+`|==|!=|_*[^\W\d_][\w]*(?:\(\))?|\d+")
_CONTRAST = re.compile(
    r"\b(?:differ|differs|difference|differences|compare|compared|versus|vs"
    r"|contrast)\b"
)
MIN_SWAPS = 2


def _prep(text: str) -> str:
    """Case and unicode unified, backticks kept (they mark code)."""
    return (
        unicodedata.normalize("NFKC", text or "")
        .casefold()
        .replace("\u2018", "'")
        .replace("\u2019", "'")
    )


def _norm(code: str) -> str:
    """`git merge` -> merge, `get()` -> get, `__repr__` -> repr, `type(obj) == X` -> type."""
    c = code.strip().casefold()
    if c in ("==", "!="):
        return c
    m = re.match(r"[\w.]+", c.split()[-1] if "(" not in c else c)
    word = (m.group(0) if m else c).split(".")[-1].strip("_")
    return word if word in STOPWORDS else stem(word)


@lru_cache(maxsize=4096)
def subjects(prompt: str) -> tuple[str, str] | None:
    """The two things a question contrasts, when it names two."""
    text = _prep(prompt)
    codes = [_norm(c) for c in _CODE.findall(text)]
    codes = list(dict.fromkeys(c for c in codes if c))
    if len(codes) == 2:
        return codes[0], codes[1]
    if not _CONTRAST.search(text):
        return None
    # "git merge and git rebase" -> "merge and rebase"
    # "a Docker image and a Docker container" -> "image and container"
    text = re.sub(r"\b(\w+) (\w+) (and|or|vs\.?|versus) (?:an? |the )?\1 (\w+)", r"\2 \3 \4", text)
    for m in _PAIR.finditer(text):
        a = _norm(m.group(1)) if m.group(1) else m.group(2)
        b = _norm(m.group(3)) if m.group(3) else m.group(4)
        if (
            not a
            or not b
            or a == b
            or (a in STOPWORDS and not m.group(1))
            or (b in STOPWORDS and not m.group(3))
            or _CONTRAST.fullmatch(a)
        ):
            continue
        a, b = (a if m.group(1) else stem(a)), (b if m.group(3) else stem(b))
        if a != b:  # "an iterable and an iterator" are one stem: words cannot tell them apart
            return a, b
    return None


def _stream(text: str, subs: tuple[str, str]) -> list[tuple[str, bool]]:
    """(token, is a subject) in order; a subject that is an English word ("is") counts only
    when written as code."""
    out: list[tuple[str, bool]] = []
    for m in _TOKEN.finditer(_prep(text)):
        tok = m.group(0)
        if tok.startswith("`"):
            n = _norm(tok[1:-1])
            out.append((n, n in subs))
            continue
        if tok in ("==", "!="):
            out.append((tok, tok in subs))
            continue
        word = tok.removesuffix("()")
        if word in STOPWORDS:
            continue
        s = _norm(word) if tok.endswith("()") or word.startswith("_") else stem(word)
        out.append((s, s in subs))
    return out


def mentions(text: str, subs: tuple[str, str]) -> bool:
    """Whether `text` (a key point) names either of the two things."""
    return any(is_sub for _, is_sub in _stream(text, subs))


def _bindings(text: str, subs: tuple[str, str]) -> dict[str, set[str]]:
    """Each word -> the subjects named last before it."""
    out: dict[str, set[str]] = {}
    last: str | None = None
    for tok, is_sub in _stream(text, subs):
        if is_sub:
            last = tok
        elif last is not None:
            out.setdefault(tok, set()).add(last)
    return out


def swapped(
    prompt: str, reference: str, answer: str, vocabulary: frozenset[str] | None = None
) -> tuple[str, str] | None:
    """The two things, when the answer says of each what the reference says of the other.

    Only words in `vocabulary` (stems; the key points' terms) count when it is given. A word
    the answer ties to both things says nothing either way."""
    subs = subjects(prompt)
    if subs is None:
        return None
    ref = _bindings(reference, subs)
    ans = _bindings(answer, subs)
    named = {t for t, is_sub in _stream(answer, subs) if is_sub}
    if len(named) < 2:
        return None
    prompt_words = {t for t, _ in _stream(prompt, subs)}
    agree = swap = 0
    for word, ref_subs in ref.items():
        if word in prompt_words or len(ref_subs) != 1 or word not in ans or len(ans[word]) > 1:
            continue
        if vocabulary is not None and word not in vocabulary:
            continue
        if ans[word] & ref_subs:
            agree += 1
        else:
            swap += 1
    return subs if swap >= MIN_SWAPS and swap > agree else None


def _orientation(subs: tuple[str, str], claim: str, text: str) -> tuple[int, int]:
    """(agree, swap): how many words `text` ties to the same thing as `claim` does."""
    ref, ans = _bindings(claim, subs), _bindings(text, subs)
    agree = swap = 0
    for word, ref_subs in ref.items():
        if len(ref_subs) != 1 or word not in ans or len(ans[word]) > 1:
            continue
        if ans[word] & ref_subs:
            agree += 1
        else:
            swap += 1
    return agree, swap


def reverses(prompt: str, claim: str, text: str) -> bool:
    """Whether `text` ties more of the claim's words to the other of the question's two things
    than to the same one: "if only __repr__ is defined, str() falls back to it" does not state
    "if only __str__ is defined, repr() falls back to it", though it has the same words."""
    subs = subjects(prompt)
    if subs is None:
        return False
    agree, swap = _orientation(subs, claim, text)
    return swap > agree


CLAIM_SHARE = 0.75  # of the claim's content words, in one sentence of the answer


def states_claim(prompt: str, claim: str, answer: str, reference: str = "") -> bool:
    """Whether some sentence of the answer (or as many as the claim has) says the claim: most of
    its content words, each negated where the claim negates it and only there,
    including a word of the claim that the reference does not use (what makes it wrong), and,
    when the question contrasts two things, tied to the same one of them as in the claim."""
    from bot.grading.text import (
        NEGATIONS,
        content_stems,
        has_negation,
        is_negated,
        split_sentences,
        tokens,
    )

    ct = tokens(claim)
    polarity: dict[str, bool] = {}  # each content word of the claim: negated there or not
    for i, t in enumerate(ct):
        if t.word not in STOPWORDS and t.word not in NEGATIONS:
            polarity.setdefault(t.stem, is_negated(ct, i))
    want = set(polarity)
    if len(want) < 2:
        return False
    distinctive = want - set(content_stems(reference)) - set(content_stems(prompt))
    negative = has_negation([t.word for t in ct])
    subs = subjects(prompt)
    sentences = split_sentences(answer)
    span = max(1, len(split_sentences(claim)))  # a claim of two sentences may take two
    for k in range(len(sentences)):
        window = " ".join(sentences[k : k + span])
        st = tokens(window)
        have = {
            t.stem
            for i, t in enumerate(st)
            if t.stem in polarity and is_negated(st, i) == polarity[t.stem]
        }
        if negative and not has_negation([t.word for t in st]):
            continue
        found = len(want & have)
        if found < CLAIM_SHARE * len(want) or found < min(3, len(want)):
            continue
        if distinctive and not distinctive & have:
            continue
        if not distinctive and found < len(want):  # only the reference's words: all of them
            continue
        if subs is not None:
            agree, swap = _orientation(subs, claim, window)
            if swap > agree:
                continue
        return True
    return False
