"""Fair turns at the sandbox: teams take turns, one run per person at a time, bounded waits.

A person's second answer waits behind their first; a team with many waiting runs does not hold
up a team with one (the next free slot goes to the team served longest ago). Past
`per_person` waiting runs, or `total` waiting runs in all, a new one is refused at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field


class SandboxBusy(Exception):
    """Too many code runs are waiting: the person is told to try again shortly."""


@dataclass
class _Waiter:
    person: str
    ready: asyncio.Future[None]


@dataclass
class FairQueue:
    slots: int = 2
    per_person: int = 3
    total: int = 200
    _running: int = 0
    _by_person: dict[tuple[str, str], int] = field(default_factory=dict)  # running + waiting
    _busy_people: set[tuple[str, str]] = field(default_factory=set)
    _teams: OrderedDict[str, deque[_Waiter]] = field(default_factory=OrderedDict)
    _served: dict[str, int] = field(default_factory=dict)  # team -> when it was last served
    _turns: int = 0

    @property
    def waiting(self) -> int:
        return sum(len(q) for q in self._teams.values())

    @contextlib.asynccontextmanager
    async def turn(self, team: str, person: str) -> AsyncIterator[None]:
        key = (team, person)
        if self._by_person.get(key, 0) >= self.per_person:
            raise SandboxBusy(
                f"you already have {self.per_person} code answers being graded; "
                "try again when they are done"
            )
        if self.waiting >= self.total:
            raise SandboxBusy("the code runner is busy; try again in a minute")
        self._by_person[key] = self._by_person.get(key, 0) + 1
        waiter = _Waiter(person, asyncio.get_running_loop().create_future())
        self._teams.setdefault(team, deque()).append(waiter)
        self._wake()
        try:
            try:
                await waiter.ready
            except asyncio.CancelledError:
                if waiter.ready.done() and not waiter.ready.cancelled():
                    self._release(key)  # handed a slot just as it was cancelled
                else:
                    self._forget(team, waiter)
                raise
            try:
                yield
            finally:
                self._release(key)
        finally:
            left = self._by_person.get(key, 1) - 1
            if left:
                self._by_person[key] = left
            else:
                self._by_person.pop(key, None)

    def _forget(self, team: str, waiter: _Waiter) -> None:
        q = self._teams.get(team)
        if q is not None and waiter in q:
            q.remove(waiter)
            if not q:
                del self._teams[team]

    def _release(self, key: tuple[str, str]) -> None:
        self._running -= 1
        self._busy_people.discard(key)
        self._wake()

    def _wake(self) -> None:
        """Hand free slots out: the team served longest ago first, skipping people who
        already have a run going."""
        while self._running < self.slots:
            picked: tuple[str, _Waiter] | None = None
            for team, q in sorted(self._teams.items(), key=lambda kv: self._served.get(kv[0], -1)):
                w = next((w for w in q if (team, w.person) not in self._busy_people), None)
                if w is not None:
                    picked = team, w
                    break
            if picked is None:
                return
            team, w = picked
            q = self._teams[team]
            q.remove(w)
            if not q:
                del self._teams[team]
            self._turns += 1
            self._served[team] = self._turns
            if len(self._served) > 10_000:  # forget long-idle teams
                for old in sorted(self._served, key=self._served.__getitem__)[:5_000]:
                    del self._served[old]
            self._running += 1
            self._busy_people.add((team, w.person))
            w.ready.set_result(None)
