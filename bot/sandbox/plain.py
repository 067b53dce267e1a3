"""Plain data as the sandbox reports it (see inside.py): what expected values are compared in.

JSON types only, with tagged forms for what JSON lacks: `{"__dict__": [[k, v], ...]}` (sorted,
keys of any type), `{"__set__": [...]}`, `{"__int__": "..."}` for big ints, `{"__float__": "nan"}`,
`{"__bytes__": hex}`, `{"__object__": TypeName, "repr": ...}`. Idempotent: a tagged form passes
through, so a pack can store the encoded value and read it back unchanged.
"""

from __future__ import annotations

import json
from typing import Any

_TAGS = (
    {"__dict__"},
    {"__set__"},
    {"__int__"},
    {"__float__"},
    {"__bytes__"},
    {"__deep__"},
    {"__object__", "repr"},
)


def plain(v: Any) -> Any:
    """Expected data in the form the sandbox reports observations (see sandbox/inside.py)."""
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else {"__int__": str(v)}
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else {"__float__": repr(v)}
    if isinstance(v, list | tuple):
        return [plain(x) for x in v]
    if isinstance(v, dict) and set(v) in _TAGS:
        return dict(v)  # already in this form (e.g. {__object__: T, repr: ...} written by hand)
    if isinstance(v, dict):
        pairs = [[plain(k), plain(x)] for k, x in v.items()]
        return {"__dict__": sorted(pairs, key=lambda p: json.dumps(p[0], sort_keys=True))}
    if isinstance(v, set | frozenset):
        return {"__set__": sorted((plain(x) for x in v), key=lambda x: json.dumps(x))}
    raise TypeError(f"not plain data: {type(v).__name__}")
