"""Question packs the tests read: the test bank on disk, and a small valid team pack."""

from __future__ import annotations

from pathlib import Path

TEST_PACKS = Path(__file__).resolve().parent.parent / "data" / "packs"

# one valid choice question; tests derive broken packs from it with str.replace
GOOD = """\
id: team
title: Team pack
topic: internal
version: 1
questions:
  - id: team-deploy
    kind: choice
    difficulty: 1
    prompt: Where do we deploy?
    choices:
      - {text: Heroku}
      - {text: Our cluster, correct: true}
      - {text: A laptop}
    explanation: We run our own cluster.
"""
