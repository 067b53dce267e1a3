"""The default semantic model: static token embeddings distilled from all-MiniLM-L6-v2.

A sentence's vector is the mean of its WordPiece tokens' rows in a table shipped with the
package (`data/minilm-static.npz`, 7 MB: 30,522 tokens x 256 dimensions, int8 with a scale per
row), built by `bench/grading/distill_static.py` the way Model2Vec distils a model: each token
through the transformer alone, PCA, Zipf/SIF weights. No torch, no download: numpy and this file.
The weights derive from sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0).

Loading takes about 0.1 s and some 40 MB; it runs in a worker thread, as does every encoding.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

log = logging.getLogger(__name__)

TABLE = Path(__file__).resolve().parent / "data" / "minilm-static.npz"
MAX_WORD_CHARS = 100  # as BERT: a longer "word" is one unknown token
MAX_TOKENS = 512
WORD_CACHE = 4096  # word vectors kept for the combiner's alignment (1 KB each, at most ~4 MB)
# Static cosines run higher than the transformer's; this maps them onto its scale (least squares
# over the 8,910 train-split answer/reference pairs of bench/grading/data, correlation 0.76), so
# the graders read either model's similarity the same way.
CALIBRATION = (1.0228, -0.1633)


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


# The same split for ASCII text, at C speed: control characters and spaces separate, each of
# the ASCII punctuation characters (33-47, 58-64, 91-96, 123-126) is a word, letters and digits
# run together.
_ASCII_WORDS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")


def basic_words(text: str) -> list[str]:
    """BERT's basic tokenisation (uncased): lower case, accents stripped, punctuation split."""
    if text.isascii():
        return _ASCII_WORDS.findall(text.lower())
    return _basic_words(text)


def _basic_words(text: str) -> list[str]:
    """`basic_words`, character by character (any text)."""
    text = unicodedata.normalize("NFD", text.lower())
    out: list[str] = []
    cur: list[str] = []
    for ch in text:
        if unicodedata.category(ch) == "Mn":
            continue
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            if cur:
                out.append("".join(cur))
                cur = []
        elif _is_punct(ch) or 0x4E00 <= ord(ch) <= 0x9FFF:
            if cur:
                out.append("".join(cur))
                cur = []
            out.append(ch)
        else:
            cur.append(ch)
    if cur:
        out.append("".join(cur))
    return out


class WordPiece:
    """BERT's uncased tokeniser (basic split, then greedy longest-match WordPiece), over the
    table's vocabulary; the static model and the cross-encoder (`cross.py`) share it."""

    def __init__(self, vocab: Sequence[str]) -> None:
        self.vocab = {t: i for i, t in enumerate(vocab)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self._pieces = lru_cache(maxsize=65536)(self._wordpiece)

    @classmethod
    def from_table(cls, path: Path = TABLE) -> Self:
        """The vocabulary stored in the static model's table (read without its vectors)."""
        import numpy as np

        with np.load(path) as data:
            return cls(str(data["vocab"]).split("\n"))

    def _wordpiece(self, word: str) -> tuple[int, ...]:
        if len(word) > MAX_WORD_CHARS:
            return (self.unk,)
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            hit = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    hit = self.vocab[piece]
                    break
                end -= 1
            if hit is None:
                return (self.unk,)
            ids.append(hit)
            start = end
        return tuple(ids)

    def ids(self, text: str) -> list[int]:
        out: list[int] = []
        for w in basic_words(text):
            out.extend(self._pieces(w))
        return out


class StaticModel:
    """The table and a WordPiece tokeniser over its vocabulary; encoding is pure numpy."""

    def __init__(self, path: Path = TABLE) -> None:
        import numpy as np

        with np.load(path) as data:
            vectors = data["vectors"].astype(np.float32)
            vectors *= data["scales"][:, None]  # in place: no second 31 MB table meanwhile
            self.vectors = vectors
            vocab = str(data["vocab"]).split("\n")
        self.tokens = WordPiece(vocab)
        self.vocab = self.tokens.vocab
        self._words: dict[str, Any] = {}  # word -> its row of `encode([word])`, oldest first
        self._words_lock = threading.Lock()

    def token_ids(self, text: str) -> list[int]:
        return self.tokens.ids(text)[:MAX_TOKENS]

    def word_vectors(self, words: Sequence[str]) -> Any:
        """Unit vectors, one row per word: the mean of its WordPiece rows (a zero row for a word
        with no tokens). Used by the combiner to align an answer's words with the reference's.
        Each distinct word is encoded once and kept (the last WORD_CACHE words): a row of
        `encode` depends on its own text only, so the rows are the same as `encode(words)`."""
        import numpy as np

        if not words:
            return np.zeros((0, self.vectors.shape[1]), dtype=np.float32)
        with self._words_lock:
            got: dict[str, Any] = {w: self._words.get(w) for w in dict.fromkeys(words)}
        todo = [w for w, v in got.items() if v is None]
        if todo:
            fresh = [v.copy() for v in self.encode(todo)]
            got.update(zip(todo, fresh, strict=True))
            with self._words_lock:
                self._words.update(zip(todo, fresh, strict=True))
                while len(self._words) > WORD_CACHE:
                    del self._words[next(iter(self._words))]
        return np.stack([got[w] for w in words])

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit vectors, one row per text (a zero row for a text with no tokens)."""
        import numpy as np

        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        for i, t in enumerate(texts):
            ids = self.token_ids(t)
            if ids:
                v = self.vectors[ids].mean(axis=0)
                n = float(np.linalg.norm(v))
                if n > 0:
                    out[i] = v / n
        return out


_TABLES: dict[Path, StaticModel] = {}
_TABLES_LOCK = threading.Lock()


def shared_model(path: Path = TABLE) -> StaticModel:
    """The one StaticModel per table file: every StaticEmbedder of that file shares it (the
    table is 31 MB; the combiner's alignment and a model passed in the options use the same)."""
    with _TABLES_LOCK:
        model = _TABLES.get(path)
        if model is None:
            model = _TABLES[path] = StaticModel(path)
        return model


class StaticEmbedder:
    """Same interface as `semantic.Embedder`: loaded once off the event loop, thread-safe."""

    name = "minilm-static"

    def __init__(self, path: Path = TABLE) -> None:
        self._path = path
        self._model: StaticModel | None = None
        self._failed: str | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def failed(self) -> str | None:
        return self._failed

    @property
    def path(self) -> Path:
        return self._path

    def load_sync(self) -> StaticModel | None:
        with self._lock:
            if self._model is None and not self._failed:
                try:
                    self._model = shared_model(self._path)
                    log.info("semantic model loaded from %s", self._path)
                except Exception as e:  # any failure: grade without it
                    self._failed = f"{type(e).__name__}: {e}"
                    log.warning(
                        "semantic grading off: could not load %s (%s)", self._path, self._failed
                    )
            return self._model

    def similarities_sync(self, pairs: Sequence[tuple[str, str]]) -> list[float] | None:
        import numpy as np

        model = self.load_sync()
        if model is None:
            return None
        if not pairs:
            return []
        # each distinct text once: a batch repeats the reference and the rubric's sentences
        where = {t: i for i, t in enumerate(dict.fromkeys(t for p in pairs for t in p))}
        vectors = model.encode(list(where))
        a = vectors[[where[p[0]] for p in pairs]]
        r = vectors[[where[p[1]] for p in pairs]]
        k, c = CALIBRATION
        return [round(float(k * s + c), 6) for s in np.einsum("ij,ij->i", a, r)]

    def alignments_sync(
        self, triples: Sequence[tuple[str, str, str]]
    ) -> list[tuple[float, float]] | None:
        """`combiner.alignment` for each (prompt, reference, answer), in this model's word
        vectors."""
        from bot.grading.combiner import alignment

        model = self.load_sync()
        if model is None:
            return None
        return [alignment(q, r, a, model.word_vectors) for q, r, a in triples]

    def similarities_and_alignments_sync(
        self, pairs: Sequence[tuple[str, str]], triples: Sequence[tuple[str, str, str]]
    ) -> tuple[list[float] | None, list[tuple[float, float]] | None]:
        sims = self.similarities_sync(pairs)
        return sims, (self.alignments_sync(triples) if sims is not None and triples else None)

    async def similarities_and_alignments(
        self, pairs: Sequence[tuple[str, str]], triples: Sequence[tuple[str, str, str]]
    ) -> tuple[list[float] | None, list[tuple[float, float]] | None]:
        """`similarities(pairs)` and `alignments(triples)` in one worker-thread call."""
        if self._failed:
            return None, None
        return await asyncio.to_thread(
            self.similarities_and_alignments_sync, list(pairs), list(triples)
        )

    async def alignments(
        self, triples: Sequence[tuple[str, str, str]]
    ) -> list[tuple[float, float]] | None:
        if self._failed:
            return None
        return await asyncio.to_thread(self.alignments_sync, list(triples))

    async def load(self) -> bool:
        if self._model is None and not self._failed:
            await asyncio.to_thread(self.load_sync)
        return self._model is not None

    async def similarities(self, pairs: Sequence[tuple[str, str]]) -> list[float] | None:
        if self._failed:
            return None
        return await asyncio.to_thread(self.similarities_sync, list(pairs))

    async def similarity(self, answer: str, reference: str) -> float | None:
        sims = await self.similarities([(answer, reference)])
        return sims[0] if sims else None
