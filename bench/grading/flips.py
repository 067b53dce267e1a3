"""Minimal pairs for training: a right answer with one word turned to say the opposite.

`flips(text)` returns versions of `text` that each differ from it by one edit, a negation added
or taken away ("are still in a closed path" -> "are no longer in a closed path", "is" -> "is
not", "doesn't" -> "does") or a word swapped for its opposite (open/closed, same/different, the
hand-written pairs of `bot.grading.combiner`). Trained as wrong answers against the reference
they came from, they teach the cross-encoder that the words being the same is not the claim
being the same: on held-out SemEval `train` questions it read "bulb b and bulb c are still
contained in a closed path" as full credit (0.96) against "B and C are no longer in a closed
path". Both directions are made (negations added and removed), so "not" alone does not read as
wrong. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import re

from bot.grading.combiner import _OPPOSITES

# auxiliary -> its negation, and back; whole words, case kept by `_case`
_NEGATE = {
    "is": "is not",
    "are": "are not",
    "was": "was not",
    "were": "were not",
    "will": "will not",
    "can": "cannot",
    "does": "does not",
    "do": "do not",
    "still": "no longer",
}
_UNNEGATE = {
    "isn't": "is",
    "aren't": "are",
    "wasn't": "was",
    "weren't": "were",
    "won't": "will",
    "can't": "can",
    "cannot": "can",
    "doesn't": "does",
    "don't": "do",
    "didn't": "did",
    "no longer": "still",
    "never": "always",
    "not": "",
}
_NEGATED = frozenset({"not", "no", "never", "cannot", "longer"})  # an opposite here says the same
_SWAP: dict[str, str] = {}
for _pair in _OPPOSITES:
    _a, _b = _pair.split(":")
    _SWAP.setdefault(_a, _b)
    _SWAP.setdefault(_b, _a)

_WORD = re.compile(r"[A-Za-z']+(?: longer)?")


def _case(src: str, new: str) -> str:
    return new[:1].upper() + new[1:] if src[:1].isupper() and new else new


def _edits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for each single edit that turns the text's claim around."""
    out: list[tuple[int, int, str]] = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        if low.endswith(" longer") and low != "no longer":
            word, low = word.split(" ")[0], low.split(" ")[0]
        end = m.start() + len(word)
        if low == "no" and text[m.start() : m.start() + 9].lower() == "no longer":
            out.append((m.start(), m.start() + 9, _case(word, "still")))
            continue
        # "is not" / "does not": take the "not" away
        if low == "not":
            out.append((m.start() - 1 if m.start() else 0, end, ""))
        elif low in _UNNEGATE:
            out.append((m.start(), end, _case(word, _UNNEGATE[low])))
        elif low in _NEGATE:
            nxt = text[end : end + 5].lower()
            if not nxt.startswith((" not", " no ", "n't", " stil", " neve")):
                out.append((m.start(), end, _case(word, _NEGATE[low])))
        before = text[max(0, m.start() - 20) : m.start()].lower().split()[-3:]
        if low in _SWAP and not any(w in _NEGATED for w in before) and "n't" not in "".join(before):
            out.append((m.start(), end, _case(word, _SWAP[low])))
    return out


def flips(text: str, k: int, rng: random.Random) -> list[str]:
    """Up to `k` distinct one-edit versions of `text` that say the opposite of it."""
    edits = _edits(text)
    rng.shuffle(edits)
    out: list[str] = []
    for start, end, new in edits:
        flipped = re.sub(r"\s{2,}", " ", text[:start] + new + text[end:]).strip()
        if flipped and flipped != text and flipped not in out:
            out.append(flipped)
        if len(out) >= k:
            break
    return out
