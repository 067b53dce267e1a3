"""Questions teams already have, in other tools' formats, as our packs.

`convert(data, filename)` detects the format from the content (or takes `fmt`), reads every
question into one of our kinds, validates the result with the pack schema (a broken file
names file, line or sheet and row, and field; nothing of it is kept) and returns the pack
and its YAML: what `questions convert` writes and what an import stores."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from bot.questions.imports import aiken, csvfile, gift, kahoot, opentdb, red
from bot.questions.imports.draft import decode
from bot.questions.parse import parse_pack
from bot.questions.schema import MAX_PACK_BYTES, Pack, PackError

Reader = Callable[[bytes, str, str | None], tuple[Pack, str, tuple[str, ...]]]

FORMATS: dict[str, str] = {
    "pack": "our own pack YAML (questions/AUTHORING.md)",
    "red": "Red-DiscordBot trivia list (YAML)",
    "opentdb": "Open Trivia Database response (JSON)",
    "gift": "Moodle GIFT (text)",
    "aiken": "Moodle Aiken (text)",
    "kahoot": "Kahoot! quiz spreadsheet (.xlsx)",
    "csv": "our CSV (see the README)",
}
# the file names an upload may have (the content decides the format; these keep out the rest)
IMPORTABLE = (".yaml", ".yml", ".json", ".txt", ".gift", ".xlsx", ".csv")
_BY_EXTENSION = {
    ".yaml": "pack",
    ".yml": "pack",
    ".json": "opentdb",
    ".gift": "gift",
    ".xlsx": "kahoot",
    ".csv": "csv",
}


@dataclass(frozen=True, slots=True)
class Converted:
    format: str
    pack: Pack
    yaml: str  # our pack YAML: imports as exactly `pack`
    origins: tuple[str, ...] = ()  # where each question is in the source ("file:12")

    def relabel(self, message: str, source: str) -> str:
        """A message about the YAML (`source:40: questions[3].accepted[0]: …`, a check's
        warning) pointed at the question in the file the author wrote."""
        if not self.origins:
            return message

        def at(m: re.Match[str]) -> str:
            i = int(m[1])
            return f"{self.origins[i]}: " if i < len(self.origins) else m[0]

        return re.sub(re.escape(source) + r":\d+: questions\[(\d+)\]\.?", at, message)


def detect(data: bytes, filename: str) -> str:
    """The format, from the content first and the file's extension last."""
    if kahoot.looks_like(data):
        return "kahoot"
    text = decode(data[: MAX_PACK_BYTES + 1], filename)
    if opentdb.looks_like(text):
        return "opentdb"
    if csvfile.looks_like(text):
        return "csv"
    if aiken.looks_like(text):
        return "aiken"
    try:
        node = red.compose(text, filename)
    except PackError:
        node = None
    if node is not None and red.is_red(node):
        return "red"
    if gift.looks_like(text):
        return "gift"
    name = filename.lower()
    for ext, fmt in _BY_EXTENSION.items():
        if name.endswith(ext):
            return fmt
    if isinstance(node, yaml.MappingNode):
        return "pack"
    raise PackError(
        [
            f"{filename}:1: (file): cannot tell the format; name it with --format "
            f"({', '.join(FORMATS)})"
        ]
    )


def _pack(
    data: bytes, filename: str, pack_id: str | None = None
) -> tuple[Pack, str, tuple[str, ...]]:
    text = decode(data, filename)
    return parse_pack(text, filename), text, ()


_READERS: dict[str, Reader] = {
    "pack": _pack,
    "red": red.read,
    "opentdb": opentdb.read,
    "gift": gift.read,
    "aiken": aiken.read,
    "kahoot": kahoot.read,
    "csv": csvfile.read,
}


def convert(
    data: bytes, filename: str, fmt: str | None = None, *, pack_id: str | None = None
) -> Converted:
    """Our pack from a file of any known format. Raises PackError listing every problem."""
    if len(data) > MAX_PACK_BYTES:
        raise PackError([f"{filename}:1: (file): larger than {MAX_PACK_BYTES:,} bytes"])
    name = fmt.strip().lower() if fmt else detect(data, filename)
    reader = _READERS.get(name)
    if reader is None:
        raise PackError(
            [f"{filename}:1: (format): unknown format {name[:20]!r}; one of {', '.join(FORMATS)}"]
        )
    pack, text, origins = reader(data, filename, pack_id)
    return Converted(name, pack, text, origins)
