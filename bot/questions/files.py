"""Where packs live and how a folder of them is read: the shipped bank is package data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path

import yaml

from bot.questions.parse import PackLoader, parse_pack
from bot.questions.schema import Pack, PackError


# The shipped packs: `questions/` in the source tree, installed as the package data of
# `bot.questions.shipped` (pyproject.toml), so an installed bot finds them without settings.
def _shipped() -> Path:
    try:
        return Path(str(files("bot.questions.shipped"))).resolve()
    except ModuleNotFoundError:  # a source checkout run without installing it
        return Path(__file__).resolve().parents[2] / "questions"


QUESTIONS_DIR = _shipped()
SOURCES_FILE = "sources.yaml"


def load_sources(directory: Path = QUESTIONS_DIR) -> dict[str, dict[str, str]]:
    """The seed index (`questions/sources.yaml`): id -> {topic, text, file}."""
    path = directory / SOURCES_FILE
    if not path.exists():
        return {}
    items = yaml.load(path.read_text("utf-8"), Loader=PackLoader) or []
    return {str(it["id"]): {k: str(v) for k, v in it.items()} for it in items}


def pack_files(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.glob("*.yaml") if f.name != SOURCES_FILE))
        else:
            out.append(p)
    return out


def load_packs(paths: Iterable[Path], known_seeds: set[str] | None = None) -> list[Pack]:
    """Load and validate packs; any error anywhere refuses them all (PackError)."""
    errors: list[str] = []
    packs: list[Pack] = []
    for f in pack_files(paths):
        try:
            packs.append(parse_pack(f.read_text("utf-8"), str(f), known_seeds))
        except PackError as e:
            errors.extend(e.errors)
        except (OSError, UnicodeDecodeError) as e:
            errors.append(f"{f}:1: (file): {e}")
    errors.extend(cross_pack_errors(packs))
    if errors:
        raise PackError(errors)
    return packs


def cross_pack_errors(packs: Sequence[Pack], taken: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Ids must be unique across packs (and not clash with `taken` ones)."""
    errors: list[str] = []
    owner: dict[str, str] = {}
    for p in packs:
        for q in p.questions:
            if q.id in taken or q.id in owner:
                where = owner.get(q.id, "the shipped bank")
                errors.append(f"{p.source}:1: questions.id: id '{q.id}' is already used in {where}")
            owner.setdefault(q.id, p.source)
    return errors
