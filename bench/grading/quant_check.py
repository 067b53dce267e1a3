"""How far int8 versions of a float cross-encoder drift from it, on this CPU.

    python bench/grading/quant_check.py /tmp/m/cross-minilm-fp32.onnx [--pairs 450]

Needs a float ONNX file (`train_cross.py --keep-fp32`) and the `onnx` package. Makes each
dynamic-quantisation variant beside it (int8 or uint8 weights, per channel, with or without
`reduce_range`, all ops or MatMul only), scores the same (question, reference, answer) triples
of the bank's synthetic answers with each, and prints the mean and largest difference from the
float model and how many answers land on the other side of 0.3. onnxruntime's 8-bit kernels
differ by CPU (AVX-512 VNNI or AVX2 only),
so run it on each kind before choosing a recipe (bench/grading/README, fifteenth pass). Ends with
ONE JSON line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.grading.cross import CrossEncoder  # noqa: E402
from bot.questions.bank import QuestionBank  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splits import synthetic  # noqa: E402


def variants() -> dict[str, dict[str, Any]]:
    from onnxruntime.quantization import QuantType

    s8, u8 = QuantType.QInt8, QuantType.QUInt8
    mm = {"op_types_to_quantize": ["MatMul"]}
    return {
        "int8 (shipped recipe)": {"weight_type": s8},
        "int8 reduce_range": {"weight_type": s8, "reduce_range": True},
        "uint8": {"weight_type": u8},
        "int8 MatMul only": {"weight_type": s8, **mm},
        "uint8 MatMul only": {"weight_type": u8, **mm},
    }


def triples(limit: int) -> list[tuple[str, str, str]]:
    """Every `limit`-th (question, reference, answer) of the synthetic answers, both splits."""
    fit, held_out = synthetic(QuestionBank.from_dir(ROOT / "questions"))
    out = [(q.prompt, q.reference, a) for q, a, _ in fit + held_out]
    return out[:: max(1, len(out) // limit)][:limit]


def main() -> None:
    from onnxruntime.quantization import quantize_dynamic

    ap = argparse.ArgumentParser()
    ap.add_argument("fp32", type=Path)
    ap.add_argument("--pairs", type=int, default=450)
    args = ap.parse_args()
    pairs = triples(args.pairs)
    base = CrossEncoder(args.fp32, workers=1).scores_sync(pairs)
    assert base is not None, f"could not load {args.fp32}"
    result: dict[str, Any] = {"pairs": len(pairs)}
    print(f"{'variant':24s} {'MB':>5s} {'mean':>7s} {'max':>6s} {'cross 0.3':>9s}")
    for i, (name, kw) in enumerate(variants().items()):
        path = args.fp32.with_name(f"quant-check-{i}.onnx")
        quantize_dynamic(str(args.fp32), str(path), per_channel=True, **kw)
        got = CrossEncoder(path, workers=1).scores_sync(pairs)
        assert got is not None
        d = [abs(x - y) for x, y in zip(got, base, strict=True)]
        side = sum((x <= 0.3) != (y <= 0.3) for x, y in zip(got, base, strict=True))
        mb = path.stat().st_size / 1e6
        print(f"{name:24s} {mb:5.1f} {statistics.mean(d):7.4f} {max(d):6.3f} {side:9d}")
        result[name] = {
            "mb": round(mb, 1),
            "mean": round(statistics.mean(d), 4),
            "max": round(max(d), 3),
            "cross_0_3": side,
        }
        path.unlink()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
