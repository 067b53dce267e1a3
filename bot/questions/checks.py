"""Checks that a pack is fair to answer: no choice that gives itself away by its length, no
key-point term that any answer earns, no accepted answer that accepts a wrong one, no
duplicate question, no code question whose cases are unsound.

Each check returns messages `file:line: field: message`, found the way the schema's errors are
(bot/questions/). A shipped pack's messages are errors (`questions validate` exits 1); a team
pack's are warnings shown to the admin who uploads it. The checks look at each term the way the
grader reads it (bot/grading/keypoints.py, bot/grading/short.py), so what they report is what a
player would get.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from bot.domain.questions import Kind, Question
from bot.grading import keypoints
from bot.grading.keypoints import GENERIC, AnswerIndex, Point, Rubric, match_points
from bot.grading.short import match_short
from bot.grading.text import NEGATIONS, STOPWORDS, content_stems, normalise, stem, tokens
from bot.questions.parse import _line_of, _loc_text
from bot.questions.schema import Pack
from bot.sandbox import Sandbox, SandboxBusy, SandboxUnavailable

LENGTH_FACTOR = 1.3  # a right choice this much longer than every wrong one stands out
LONGEST_MAX_SHARE = 0.35  # "always pick the longest" may score at most this on a bank
LONGEST_MIN_QUESTIONS = 10  # fewer choice questions than this: the share says nothing
DUPLICATE_RATIO = 95  # rapidfuzz token_set_ratio of two prompts that ask the same thing
DUPLICATE_MIN_OVERLAP = 0.75  # ... when the shorter prompt has this share of the longer's words
COMMON_SHARE = 0.03  # a word in this share of the bank's questions is common...
COMMON_MIN = 5  # ... and in at least this many
MAX_LETTERS = 2  # an accepted answer this short is found inside unrelated answers
SAME_ANSWER = 90  # rapidfuzz ratio of a right choice to an accepted answer: the same question

Loc = tuple[int | str, ...]


@dataclass(frozen=True, slots=True)
class PackText:
    """A loaded pack with its YAML node tree, to name the line of each field."""

    pack: Pack
    node: yaml.Node | None

    @classmethod
    def of(cls, pack: Pack, text: str | None = None) -> PackText:
        """`text` is the pack's YAML (default: read from its source file)."""
        if text is None:
            text = Path(pack.source).read_text("utf-8")
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # parse_pack read it; a line is only lost here, never a check
            node = None
        return cls(pack, node)

    def at(self, *loc: int | str) -> str:
        """`file:line: field` of one place in the pack."""
        return f"{self.pack.source}:{_line_of(self.node, loc)}: {_loc_text(loc)}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- choices ---------------------------------------------------------------------------------


def long_right_choice(doc: PackText) -> list[str]:
    """The right choice is the longest by LENGTH_FACTOR or more over the longest wrong one."""
    out = []
    for i, q in enumerate(doc.pack.questions):
        right = q.right_choice
        if q.kind is not Kind.CHOICE or right is None or len(q.choices) < 2:
            continue
        n_right = len(q.choices[right].text.strip())
        n_wrong = max(len(c.text.strip()) for c in q.choices if not c.correct)
        factor = n_right / max(n_wrong, 1)
        if factor >= LENGTH_FACTOR:
            out.append(
                f"{doc.at('questions', i, 'choices', right, 'text')}: the right choice "
                f"stands out by its length: {n_right} characters, {factor:.1f}x "
                f"the longest wrong one ({n_wrong}); state it as a bare fact and move the "
                "reason into the explanation, or give the wrong ones the same detail"
            )
    return out


def longest_pick_score(questions: Iterable[Question]) -> tuple[float, int]:
    """What "always pick the longest choice" scores (ties split evenly), and of how many."""
    total, n = 0.0, 0
    for q in questions:
        if q.kind is not Kind.CHOICE or q.right_choice is None:
            continue
        n += 1
        lengths = [len(c.text.strip()) for c in q.choices]
        top = max(lengths)
        if lengths[q.right_choice] == top:
            total += 1 / lengths.count(top)
    return (total / n if n else 0.0), n


def longest_pick_rate(docs: Sequence[PackText]) -> list[str]:
    """Bank level: "always pick the longest" must score at most LONGEST_MAX_SHARE."""
    score, n = longest_pick_score(q for d in docs for q in d.pack.questions)
    if n < LONGEST_MIN_QUESTIONS or score <= LONGEST_MAX_SHARE:
        return []
    sources = [d.pack.source for d in docs]
    where = sources[0] if len(sources) == 1 else os.path.commonpath(sources)
    worst = sorted(
        ((longest_pick_score(d.pack.questions), d.pack.source) for d in docs),
        key=lambda x: -x[0][0],
    )[:3]
    detail = ", ".join(f"{Path(s).name} {sc:.0%} of {k}" for (sc, k), s in worst if k)
    return [
        f"{where}:1: (bank): always picking the longest choice scores {score:.0%} over "
        f"{n} choice questions; at most {LONGEST_MAX_SHARE:.0%} ({detail})"
    ]


# --- key-point terms -------------------------------------------------------------------------


def _terms(doc: PackText) -> Iterable[tuple[int, Question, int, int, str]]:
    """(question index, question, key point index, term index, term) of every open term."""
    for i, q in enumerate(doc.pack.questions):
        if q.kind is not Kind.OPEN:
            continue
        for k, kp in enumerate(q.key_points):
            for t, term in enumerate(kp.terms):
                yield i, q, k, t, term


def _term_at(doc: PackText, i: int, k: int, t: int) -> str:
    return doc.at("questions", i, "key_points", k, "terms", t)


def _is_vacuous(term: str) -> bool:
    words = [tok.word for tok in tokens(term)]
    return bool(words) and all(
        w in STOPWORDS or w in NEGATIONS or stem(w) in GENERIC for w in words
    )


def vacuous_terms(doc: PackText) -> list[str]:
    """A term made only of stop-words or generic words: any answer says them."""
    out = []
    for i, _q, k, t, term in _terms(doc):
        if _is_vacuous(term):
            out.append(
                f"{_term_at(doc, i, k, t)}: term '{_quote(term)}' is only stop-words or "
                "generic words, so almost any answer earns the point; use a word that "
                "names the idea"
            )
    return out


def common_stems(questions: Iterable[Question]) -> frozenset[str]:
    """Content stems found in many questions' texts (COMMON_SHARE, at least COMMON_MIN)."""
    df: Counter[str] = Counter()
    n = 0
    for q in questions:
        n += 1
        text = " ".join(
            [q.prompt, q.reference, q.explanation, *q.accepted, *(c.text for c in q.choices)]
        )
        df.update(set(content_stems(text)))
    floor = max(COMMON_MIN, COMMON_SHARE * n)
    return frozenset(s for s, c in df.items() if c >= floor) | GENERIC


def collapsed_terms(doc: PackText, common: frozenset[str]) -> list[str]:
    """A multi-word term whose other words are stop-words: the grader looks for one word."""
    out = []
    for i, _q, k, t, term in _terms(doc):
        toks = tokens(term)
        if len(toks) < 2 or _is_vacuous(term) or any(tok.word in NEGATIONS for tok in toks):
            continue  # a negative term keeps its "not": see contradicting_terms
        content = [tok for tok in toks if tok.word not in STOPWORDS]
        if len({tok.stem for tok in content}) != 1:
            continue
        word = content[0]
        if "_" in word.word or not (word.stem in common or word.word[0].isdigit()):
            continue
        out.append(
            f"{_term_at(doc, i, k, t)}: term '{_quote(term)}' collapses to the one common "
            f"word '{word.word}' once its stop-words are dropped, so any answer that says "
            f"'{word.word}' earns the point; use two content words or one distinctive word"
        )
    return out


def _graded(term: str, prompt_stems: frozenset[str]) -> keypoints.Term | None:
    """The term as the grader prepares it."""
    return keypoints._term(term, prompt_stems)


def echo_terms(doc: PackText) -> list[str]:
    """A term whose words are all in the prompt: answering by repeating the question earns it."""
    out = []
    for i, q, k, t, term in _terms(doc):
        if _is_vacuous(term):
            continue
        g = _graded(term, frozenset(content_stems(q.prompt)))
        if g is not None and g.echo and not g.negative:
            out.append(
                f"{_term_at(doc, i, k, t)}: term '{_quote(term)}' only echoes the prompt "
                "(all its words are in the question), so repeating the question earns "
                "credit; use words a right answer adds"
            )
    return out


def _contradicted(
    terms: tuple[keypoints.Term, ...],
    point: str,
    prompt_stems: frozenset[str],
    reference: AnswerIndex,
) -> bool:
    rubric = Rubric((Point(point, terms),), False, prompt_stems, frozenset())
    return match_points(rubric, reference)[0].contradicted


def contradicting_terms(doc: PackText) -> list[str]:
    """A negative term that fires on the question's own reference answer as a contradiction
    (and a point whose terms all do): the reference itself would be told it says the opposite."""
    out = []
    for i, q in enumerate(doc.pack.questions):
        if q.kind is not Kind.OPEN or not q.reference:
            continue
        prompt_stems = frozenset(content_stems(q.prompt))
        reference = AnswerIndex(q.reference)
        for k, kp in enumerate(q.key_points):
            graded = [(t, term, _graded(term, prompt_stems)) for t, term in enumerate(kp.terms)]
            terms = tuple(g for _, _, g in graded if g is not None)
            whole = bool(terms) and _contradicted(terms, kp.point, prompt_stems, reference)
            for t, term, g in graded:
                if g is None or not (g.negative or whole):
                    continue
                if _contradicted((g,), kp.point, prompt_stems, reference):
                    what = "negative term" if g.negative else "term"
                    out.append(
                        f"{_term_at(doc, i, k, t)}: {what} '{_quote(term)}' fires on the "
                        "reference answer as a contradiction, so a right answer is told "
                        f"it says the opposite of '{_quote(kp.point)}'; drop or reword it"
                    )
    return out


# --- accepted short answers ------------------------------------------------------------------


_LETTERS = re.compile(rf"[^\W\d_]{{1,{MAX_LETTERS}}}")


def short_accepted(doc: PackText) -> list[str]:
    """An accepted answer of one or two letters: found inside unrelated answers."""
    out = []
    for i, q in enumerate(doc.pack.questions):
        if q.kind is not Kind.SHORT:
            continue
        for a, form in enumerate(q.accepted):
            if _LETTERS.fullmatch(normalise(form).replace(" ", "")):
                n = len(normalise(form).replace(" ", ""))
                out.append(
                    f"{doc.at('questions', i, 'accepted', a)}: accepted answer "
                    f"'{_quote(form)}' is only {n} letter{'s' if n > 1 else ''}, so a "
                    "short answer that has it anywhere as a word scores; spell it out "
                    "or drop it"
                )
    return out


def accepted_wrong(doc: PackText, others: Sequence[Question] = ()) -> list[str]:
    """An accepted answer that also accepts a wrong answer listed in the pack (or the bank):
    a wrong choice of a choice question that asks the same thing (its right choice is, near
    enough, one of this question's accepted answers)."""
    out = []
    choice_qs = [
        (o, normalise(o.choices[o.right_choice].text))
        for o in [*doc.pack.questions, *others]
        if o.kind is Kind.CHOICE and o.right_choice is not None
    ]
    for i, q in enumerate(doc.pack.questions):
        if q.kind is not Kind.SHORT:
            continue
        forms = [normalise(a) for a in q.accepted]
        wrongs = [
            (c.text, other.id)
            for other, right in choice_qs
            if other.id != q.id and any(fuzz.ratio(f, right) >= SAME_ANSWER for f in forms if f)
            for c in other.choices
            if not c.correct
        ]
        for a, form in enumerate(q.accepted):
            for text, qid in wrongs:
                if match_short((form,), text)[0] and not match_short((text,), form)[0]:
                    out.append(
                        f"{doc.at('questions', i, 'accepted', a)}: accepted answer "
                        f"'{_quote(form)}' also accepts '{_quote(text)}', a wrong choice "
                        f"of {qid}; make it more specific"
                    )
                    break
    return out


# --- duplicates ------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(normalise(text).split())


def duplicates(docs: Sequence[PackText], others: Sequence[Question] = ()) -> list[str]:
    """Two questions with the same or nearly the same prompt (within or across packs, or
    against `others`, the bank a team pack joins)."""
    mine = [(d, i, q, normalise(q.prompt)) for d in docs for i, q in enumerate(d.pack.questions)]
    theirs = [(f"{q.id} ({q.pack or 'the bank'})", q.id, normalise(q.prompt)) for q in others]
    out = []
    for a, (d, i, q, prompt) in enumerate(mine):
        later = [(f"{q2.id} ({d2.pack.source})", q2.id, p2) for d2, _, q2, p2 in mine[a + 1 :]]
        for name, qid, other in [*later, *theirs]:
            if qid == q.id:
                continue
            ratio = fuzz.token_set_ratio(prompt, other, score_cutoff=DUPLICATE_RATIO)
            if not ratio:
                continue
            wa, wb = _words(prompt), _words(other)
            if len(wa & wb) < DUPLICATE_MIN_OVERLAP * max(len(wa), len(wb)):
                continue  # one prompt inside a much longer one asks something else
            out.append(
                f"{d.at('questions', i, 'prompt')}: asks the same as {name} "
                f"(prompts {ratio:.0f}% alike); drop one or make them differ"
            )
    return out


# --- all of them -----------------------------------------------------------------------------


def check_packs(
    docs: Sequence[PackText], others: Sequence[Question] = (), bank_level: bool = True
) -> list[str]:
    """Every text check on `docs`; `others` is the bank they join (duplicates, common words).
    `bank_level` adds the whole-bank "pick the longest" check."""
    common = common_stems([*(q for d in docs for q in d.pack.questions), *others])
    out: list[str] = []
    for d in docs:
        out += long_right_choice(d)
        out += vacuous_terms(d)
        out += collapsed_terms(d, common)
        out += echo_terms(d)
        out += contradicting_terms(d)
        out += short_accepted(d)
        others_of_d = [*(q for e in docs if e is not d for q in e.pack.questions), *others]
        out += accepted_wrong(d, others_of_d)
    out += duplicates(docs, others)
    if bank_level:
        out += longest_pick_rate(docs)
    return out


async def code_problems(docs: Sequence[PackText], sandbox: Sandbox) -> tuple[list[str], str]:
    """Each code question's reference solution must pass, and a do-nothing stub and each listed
    wrong solution must fail (bot/grading/code.py `problems`), run in `sandbox`. Returns the
    messages and, when the sandbox cannot run here, why nothing was checked."""
    from bot.grading.code import problems

    code = [(d, i, q) for d in docs for i, q in enumerate(d.pack.questions) if q.code]
    if not code:
        return [], ""
    if not await sandbox.probe():
        return [], f"{len(code)} code question(s) not checked: {sandbox.reason}"
    out: list[str] = []
    for n, (d, i, q) in enumerate(code):  # one at a time: one person's turns at the sandbox
        try:
            msgs = await problems(q, sandbox)
        except (SandboxBusy, SandboxUnavailable) as e:
            return out, f"{len(code) - n} code question(s) not checked: {e or type(e).__name__}"
        out += [f"{d.at('questions', i, 'code')}: {msg}" for msg in msgs]
    return out, ""


async def team_pack_warnings(
    pack: Pack, text: str, bank: Iterable[Question], sandbox: Sandbox | None = None
) -> list[str]:
    """Everything the checks find in a team pack joining `bank`: the text checks off the event
    loop, the code questions in the sandbox answers run in (a line saying so when it cannot)."""
    from bot.grading.code import default_sandbox

    doc = PackText.of(pack, text)
    found = await asyncio.to_thread(check_packs, [doc], list(bank))
    bad, skipped = await code_problems([doc], sandbox or default_sandbox())
    return [*found, *bad, *([f"{pack.source}:1: code: {skipped}"] if skipped else [])]


def warnings_text(warnings: Sequence[str], shown: int = 10) -> str:
    """The warnings as the admin's import reply lists them."""
    if not warnings:
        return ""
    more = f"\n…and {len(warnings) - shown} more" if len(warnings) > shown else ""
    return (
        f"\n\n{len(warnings)} warning(s): players will notice these; fix the pack and import "
        "it again:\n" + "\n".join(warnings[:shown]) + more
    )
