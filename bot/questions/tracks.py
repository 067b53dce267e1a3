"""Interview tracks: named plans (`questions/tracks/*.yaml`) of topics, kinds, a question
count and a time budget, read like packs (safe YAML, every error as `file:line: field`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from bot.domain.questions import Kind
from bot.questions.files import QUESTIONS_DIR
from bot.questions.parse import _line_of, _loc_text, _read_yaml
from bot.questions.schema import Ident, PackError, Text, _Strict

TRACKS_DIR = QUESTIONS_DIR / "tracks"
MAX_TRACK_QUESTIONS = 30
MAX_TRACK_BYTES = 20_000  # a team's track file: a plan, not a pack


class Level(StrEnum):
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"


LEVEL_DIFFICULTY = {Level.JUNIOR: 1, Level.MID: 2, Level.SENIOR: 3}


class MixIn(_Strict):
    topic: Ident
    kinds: list[Kind] = Field(default=[Kind.OPEN], min_length=1, max_length=4)
    weight: int = Field(default=1, ge=1, le=20)


class TrackIn(_Strict):
    id: Ident
    title: Text
    level: Level
    questions: int = Field(ge=1, le=MAX_TRACK_QUESTIONS)
    minutes: int = Field(ge=1, le=480)
    mix: list[MixIn] = Field(min_length=1, max_length=20)


@dataclass(frozen=True, slots=True)
class Mix:
    topic: str
    kinds: tuple[Kind, ...]
    weight: int


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    title: str
    level: Level
    questions: int
    minutes: int
    mix: tuple[Mix, ...]

    @property
    def difficulty(self) -> int:
        """Where the questions start (1-3); adaptive difficulty moves from there."""
        return LEVEL_DIFFICULTY[self.level]

    def slots(self) -> list[Mix]:
        """One mix entry per question, shared by weight (largest remainder), interleaved."""
        total = sum(m.weight for m in self.mix)
        exact = [self.questions * m.weight / total for m in self.mix]
        counts = [int(x) for x in exact]
        by_rest = sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))
        for i in by_rest[: self.questions - sum(counts)]:
            counts[i] += 1
        out: list[Mix] = []
        while len(out) < self.questions:
            for i, m in enumerate(self.mix):
                if counts[i]:
                    out.append(m)
                    counts[i] -= 1
        return out


def parse_track(text: str, source: str) -> Track:
    """One track's YAML, validated; PackError lists every problem as `file:line: field: msg`."""
    return _parse(text, source)[0]


def _parse(text: str, source: str) -> tuple[Track, yaml.Node | None]:
    data, node = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise PackError(
            [
                f"{source}:1: (track): a track is a mapping with id, title, level, "
                "questions, minutes and mix"
            ]
        )
    try:
        t = TrackIn.model_validate(data)
    except ValidationError as e:
        errors = []
        for err in e.errors():
            loc: list[int | str] = list(err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            errors.append(f"{source}:{_line_of(node, loc)}: {_loc_text(loc)}: {msg}")
        raise PackError(errors) from None
    topics = [m.topic for m in t.mix]
    if len(set(topics)) != len(topics):
        raise PackError([f"{source}:{_line_of(node, ['mix'])}: mix: a topic is listed twice"])
    return _to_track(t), node


def _to_track(t: TrackIn) -> Track:
    return Track(
        t.id,
        t.title,
        t.level,
        t.questions,
        t.minutes,
        tuple(Mix(m.topic, tuple(dict.fromkeys(m.kinds)), m.weight) for m in t.mix),
    )


def load_tracks(paths: Iterable[Path] = (TRACKS_DIR,)) -> dict[str, Track]:
    """Every track in the folders (or files) given, by id; any error refuses them all."""
    errors: list[str] = []
    tracks: dict[str, Track] = {}
    for p in paths:
        files = sorted(p.glob("*.yaml")) if p.is_dir() else [p] if p.exists() else []
        for f in files:
            try:
                t = parse_track(f.read_text("utf-8"), str(f))
            except PackError as e:
                errors.extend(e.errors)
                continue
            except (OSError, UnicodeDecodeError) as e:
                errors.append(f"{f}:1: (file): {e}")
                continue
            if t.id in tracks:
                errors.append(f"{f}:1: id: duplicate track id '{t.id}'")
            tracks[t.id] = t
    if errors:
        raise PackError(errors)
    return tracks


def unknown_topics(tracks: dict[str, Track], topics: Iterable[str]) -> list[str]:
    """`track: topic` for each topic a track names that the bank does not have."""
    have = set(topics)
    return [f"{t.id}: {m.topic}" for t in tracks.values() for m in t.mix if m.topic not in have]


def track_problems(topics: Iterable[str], folder: Path = TRACKS_DIR) -> list[str]:
    """Every problem of the tracks in `folder`: their errors, and topics the bank lacks."""
    try:
        tracks = load_tracks([folder])
    except PackError as e:
        return list(e.errors)
    return [
        f"{folder}: track {u}: no such topic in the bank" for u in unknown_topics(tracks, topics)
    ]


# --- a team's own tracks (imported like a pack, bot/services/team_tracks.py) ---------------

_TOP_MIX = re.compile(r"^mix\s*:", re.MULTILINE)
_TOP_COUNT = re.compile(r"^questions\s*:\s*\d+\s*(#.*)?$", re.MULTILINE)


def looks_like_track(text: str) -> bool:
    """A YAML mapping with a top-level `mix:` and an integer `questions:` is a track (a pack's
    `questions:` is a list)."""
    return bool(_TOP_MIX.search(text) and _TOP_COUNT.search(text))


def parse_team_track(text: str, source: str, topics: Iterable[str]) -> Track:
    """A team's track, validated like the shipped ones, and every topic of its mix one of
    `topics` (the team's bank); PackError names each problem as `file:line: field: msg`."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_TRACK_BYTES:
        raise PackError([f"{source}:1: (track): larger than {MAX_TRACK_BYTES:,} bytes"])
    track, node = _parse(text, source)
    have = sorted(set(topics))
    errors = [
        f"{source}:{_line_of(node, ['mix', i, 'topic'])}: mix[{i}].topic: no topic "
        f"'{m.topic}' in this team's bank"
        for i, m in enumerate(track.mix)
        if m.topic not in have
    ]
    if errors:
        raise PackError([*errors, f"{source}: the bank's topics: {', '.join(have) or 'none'}"])
    return track
