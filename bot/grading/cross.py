"""A small cross-encoder: how well an answer says what the reference says, read as one input.

MiniLM-L6 (the transformer of all-MiniLM-L6-v2, Apache-2.0) with a regression head, fine-tuned
by `bench/grading/train_cross.py` on the `train` splits of SemEval-2013 Beetle and SciEntsBank
(CC BY-SA 3.0) and on pairs built from the bank's rubric, exported to ONNX and quantised to int8
(`data/cross-minilm-int8.onnx`). It reads "[CLS] question [SEP] reference [SEP] answer [SEP]"
and gives the probability that a person would give the answer full credit.

It runs on `onnxruntime` (no PyTorch); the tokeniser is BERT's uncased WordPiece over the
vocabulary that ships in the static model's table (`static.basic_words`, the same vocabulary as
MiniLM's). Each pair runs alone (batch of one, no padding): the int8 model quantises its
activations per call, so a batch would let one answer's grade depend on the others'. Loaded once
in a worker thread; when onnxruntime or the model file is missing it is off (one log line) and
the grader uses the static model alone.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.grading import static

log = logging.getLogger(__name__)

MODEL = Path(__file__).resolve().parent / "data" / "cross-minilm-int8.onnx"
MAX_LEN = 192  # tokens of the whole input, as in training: 84 to 99 left for the answer
MAX_QUESTION = 40  # the question's tokens kept (its start)
MAX_REFERENCE = 64  # the reference's tokens kept
WORKERS = 2  # pairs of a batch run on this many threads at once, each pair on one thread


class WordPiece(static.WordPiece):
    """The shared tokeniser, and the pair input the cross-encoder was trained on."""

    def encode(self, question: str, reference: str, answer: str) -> tuple[list[int], list[int]]:
        """(input ids, token type ids) for one triple, at most MAX_LEN tokens."""
        q = self.ids(question)[:MAX_QUESTION]
        r = self.ids(reference)[:MAX_REFERENCE]
        first = [self.cls, *q, self.sep, *r, self.sep]
        a = self.ids(answer)[: MAX_LEN - len(first) - 1]
        second = [*a, self.sep]
        return first + second, [0] * len(first) + [1] * len(second)


def available() -> bool:
    """Whether onnxruntime is installed and the model file is there (cheap)."""
    import importlib.util

    return MODEL.exists() and importlib.util.find_spec("onnxruntime") is not None


class CrossEncoder:
    """The int8 ONNX model, loaded on first use; thread-safe; `scores` off the event loop."""

    name = "cross-minilm-int8"

    def __init__(self, path: Path = MODEL, workers: int = WORKERS) -> None:
        self._path = path
        self._workers = workers
        self._session: Any = None
        self._tokenizer: WordPiece | None = None
        self._failed: str | None = None
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def loaded(self) -> bool:
        return self._session is not None

    @property
    def failed(self) -> str | None:
        return self._failed

    def load_sync(self) -> bool:
        with self._lock:
            if self._session is None and not self._failed:
                try:
                    import onnxruntime as ort

                    opts = ort.SessionOptions()
                    opts.intra_op_num_threads = 1  # the same kernels whatever the machine
                    opts.inter_op_num_threads = 1
                    opts.log_severity_level = 3
                    self._tokenizer = WordPiece.from_table()
                    self._session = ort.InferenceSession(
                        str(self._path), opts, providers=["CPUExecutionProvider"]
                    )
                    self._pool = ThreadPoolExecutor(self._workers, thread_name_prefix="cross")
                    log.info("cross-encoder loaded from %s", self._path)
                except Exception as e:  # any failure: grade with the static model alone
                    self._failed = f"{type(e).__name__}: {e}"
                    log.warning("cross-encoder off: could not load %s (%s)", self._path, e)
            return self._session is not None

    def _one(self, question: str, reference: str, answer: str) -> float:
        import numpy as np

        assert self._tokenizer is not None
        ids, types = self._tokenizer.encode(question, reference, answer)
        feed = {
            "input_ids": np.array([ids], dtype=np.int64),
            "attention_mask": np.ones((1, len(ids)), dtype=np.int64),
            "token_type_ids": np.array([types], dtype=np.int64),
        }
        (logit,) = self._session.run(["logit"], feed)  # thread-safe; releases the GIL
        z = float(logit.reshape(-1)[0])
        return round(1 / (1 + math.exp(-max(-30.0, min(30.0, z)))), 4)

    def scores_sync(self, triples: Sequence[tuple[str, str, str]]) -> list[float] | None:
        """P(full credit) for each (question, reference, answer); None when unavailable."""
        if not self.load_sync():
            return None
        if len(triples) == 1 or self._pool is None:
            return [self._one(q, r, a) for q, r, a in triples]
        return list(self._pool.map(lambda t: self._one(*t), triples))

    def submit(self, question: str, reference: str, answer: str) -> Future[float] | None:
        """Start scoring one triple on the model's threads and return at once (the caller goes
        on with the rubric meanwhile); None until the model is loaded. The score is the one
        `scores` gives: each pair runs alone."""
        if self._pool is None or self._session is None:
            return None
        return self._pool.submit(self._one, question, reference, answer)

    async def load(self) -> bool:
        if self._session is None and not self._failed:
            await asyncio.to_thread(self.load_sync)
        return self._session is not None

    async def scores(self, triples: Sequence[tuple[str, str, str]]) -> list[float] | None:
        if self._failed:
            return None
        return await asyncio.to_thread(self.scores_sync, list(triples))


_SHARED: list[CrossEncoder | None] = []
_SHARED_LOCK = threading.Lock()


def shared() -> CrossEncoder | None:
    """The process-wide cross-encoder, or None when onnxruntime or the model is missing (said
    once in the log)."""
    with _SHARED_LOCK:
        if not _SHARED:
            if available():
                _SHARED.append(CrossEncoder())
            else:
                log.info("cross-encoder off: onnxruntime or %s missing", MODEL.name)
                _SHARED.append(None)
        return _SHARED[0]
