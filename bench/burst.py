"""1,000 people click an answer on one quiz round at the same moment, over real HTTP.

The Slack adapter is served as in production (bolt's aiohttp web app on 127.0.0.1, signature
checked) and every click is a correctly signed `block_actions` request. Its Web API client
and the clicks' response_urls point at the local fake Slack (tests/support/fakes/slack_api.py). In
the same run the same burst goes to a bare slack-bolt AsyncApp whose action handler only
acks, served the same way: the ratio of the two p99 ack latencies is what the adapter costs.
Afterwards every answer must be in the store exactly once (and a replay of some clicks, as
Slack's retries would send them, must change nothing).

Three processes, so neither side's work is counted against the other: this one serves both
apps (and the bot's core on a temporary SQLite file); `--fake-slack` runs the fake Slack;
`--fire` sends one burst and prints the latencies it measured.

Five bursts on each app by default; the JSON line has the median p99 of each.
Usage: python bench/burst.py [--users 1000] [--repeat 3] [--warmup 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.platform import EVENTS_PATH, LISTEN_BACKLOG, SlackPlatform, make_client
from bot.domain.values import Where
from bot.services.container import build_core
from interview_bot.config import Settings
from interview_bot.platforms import slack_config
from tests.support.fakes.slack_api import TEAM, FakeSlack
from tests.support.fakes.slack_requests import (
    SECRET,
    block_action,
    interactive_body,
    signed,
)

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "tests" / "data" / "packs"
CHANNEL = "CBURST"
TARGET_RATIO = 1.5


# --- the load generator (its own process) --------------------------------------------------


async def fire(
    url: str, action_id: str, value: str, users: list[str], respond: str
) -> list[tuple[float, int]]:
    """Every user clicks at once; (ms until the ack arrived, HTTP status) per click."""
    bodies = []
    for u in users:
        payload = block_action(
            action_id, value, user=u, channel=CHANNEL, response_url=f"{respond}/{u}"
        )
        bodies.append(interactive_body(payload))
    go = asyncio.Event()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

        async def click(body: str) -> tuple[float, int]:
            headers = signed(body)  # signed now: the timestamp must be fresh
            await go.wait()
            t0 = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as resp:
                await resp.read()
                return (time.perf_counter() - t0) * 1000, resp.status

        tasks = [asyncio.create_task(click(b)) for b in bodies]
        await asyncio.sleep(0.05)  # every task is waiting at the line
        go.set()
        return list(await asyncio.gather(*tasks))


def fire_main(args: argparse.Namespace) -> None:
    users = [f"{args.prefix}{i:05d}" for i in range(args.users)]
    out = asyncio.run(fire(args.fire, args.action, args.value, users, args.respond))
    print(json.dumps(out))


async def run_child(*argv: str) -> Any:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, __file__, *argv, stdout=asyncio.subprocess.PIPE, cwd=str(ROOT)
    )
    out, _ = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{argv[0]} failed with exit code {proc.returncode}")
    return json.loads(out)


async def burst(
    url: str, action_id: str, value: str, users: int, prefix: str, respond: str
) -> list[tuple[float, int]]:
    return list(
        map(
            tuple,
            await run_child(  # type: ignore[arg-type]
                "--fire",
                url,
                "--action",
                action_id,
                "--value",
                value,
                "--users",
                str(users),
                "--prefix",
                prefix,
                "--respond",
                respond,
            ),
        )
    )


# --- the fake Slack (its own process) ------------------------------------------------------


async def fake_main() -> None:
    """Serve the fake Slack; print its port; answer `counts` lines; stop at end of input."""
    fake = await FakeSlack().start()
    print(fake.port, flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        if line.strip() == b"counts":
            counts: dict[str, int] = {}
            replies: dict[str, int] = {}
            for c in fake.calls:
                counts[c.method] = counts.get(c.method, 0) + 1
                if c.method == "response":
                    verdict = _verdict(c.args)
                    replies[verdict] = replies.get(verdict, 0) + 1
            print(json.dumps({"calls": counts, "replies": replies}), flush=True)
    await fake.stop()


def _verdict(reply: dict[str, Any]) -> str:
    text = json.dumps(reply)
    for word in (
        "Right!",
        "Not this time",
        "Partly right",
        "already answered",
        "Something went wrong",
    ):
        if word in text:
            return word
    return "other"


class FakeSlackProcess:
    async def start(self) -> FakeSlackProcess:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--fake-slack",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=str(ROOT),
        )
        assert self.proc.stdout is not None
        self.port = int(await self.proc.stdout.readline())
        return self

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def respond(self) -> str:
        return f"http://127.0.0.1:{self.port}/respond"

    async def counts(self) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"counts\n")
        await self.proc.stdin.drain()
        return dict(json.loads(await self.proc.stdout.readline()))

    async def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        await self.proc.wait()


# --- the two apps under test, served in this process ---------------------------------------


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Served as SlackPlatform serves bolt's web app (see adapters/slack/platform.py)."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=LISTEN_BACKLOG)
    await site.start()
    port = int(runner.addresses[0][1])
    return runner, f"http://127.0.0.1:{port}{EVENTS_PATH}"


def bare_app(api_url: str) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-test", base_url=api_url),
        signing_secret=SECRET,
        name="bare",
    )

    async def only_ack(args: AsyncArgs) -> None:
        await args.ack()

    app.action(re.compile("^ib:"))(only_ack)
    return app


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def summary(name: str, results: list[tuple[float, int]]) -> tuple[float, float]:
    ms = [m for m, _ in results]
    bad = sum(1 for _, s in results if s != 200)
    p50, p99 = pct(ms, 50), pct(ms, 99)
    print(
        f"{name:>8}: {len(ms)} clicks, p50 {p50:7.1f} ms, p99 {p99:7.1f} ms, "
        f"max {max(ms):7.1f} ms, mean {statistics.fmean(ms):6.1f} ms"
        + (f", {bad} not 200" if bad else "")
    )
    return p50, p99


async def wait_stored(db: Path, context: str, n: int, seconds: float = 120.0) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if count_rows(db, context)[0] >= n:
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - t0


def count_rows(db: Path, context: str) -> tuple[int, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM answers "
            "WHERE platform='slack' AND team=? AND context=?",
            (TEAM, context),
        ).fetchone()
    finally:
        con.close()
    return int(row[0]), int(row[1])


async def main(args: argparse.Namespace) -> None:
    fake = await FakeSlackProcess().start()
    bare: list[list[tuple[float, int]]] = []
    bot: list[list[tuple[float, int]]] = []
    stored: list[tuple[int, int, float, float]] = []  # rows, people, stored s, done s
    replay = max(1, args.users // 10)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "burst.db"
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{db}",  # type: ignore[call-arg]
            questions_dir=PACKS,
            quiz_seconds=3600,
            health_port=0,
            slack_bot_token=SecretStr("xoxb-test"),
            slack_signing_secret=SecretStr(SECRET),
            slack_port=0,
        )
        core = await build_core(settings)
        platform = SlackPlatform(
            core,
            slack_config(settings),
            client=make_client("xoxb-test", fake.api_url),
            host="127.0.0.1",
            admin_ids=frozenset(),
        )
        core.outbox.register("slack", platform.poster)
        task = asyncio.create_task(platform.run())
        await asyncio.wait_for(platform.started.wait(), 10)
        bot_url = f"http://127.0.0.1:{platform.port}{EVENTS_PATH}"
        bare_runner, bare_url = await serve(bare_app(fake.api_url).web_app(path=EVENTS_PATH))

        async def open_round(channel: str) -> str:
            reply = await core.quizzes.start(Where("slack", TEAM, channel, "UHOST"), "web")
            return reply.cards[0].action  # quiz:<round id>; `A` is its right answer

        try:
            if args.warmup:  # connections, caches and bolt's auth.test, on another round
                warm = await open_round("CWARM")
                await burst(bare_url, f"ib:{warm}:A", "A", args.warmup, "W", fake.respond)
                await burst(bot_url, f"ib:{warm}:A", "A", args.warmup, "W", fake.respond)
                await wait_stored(db, warm, args.warmup)
                await platform.handlers.drain(60)
            for n in range(args.repeat):
                action = await open_round(f"{CHANNEL}{n}")
                action_id = f"ib:{action}:A"
                who = f"R{n}U"  # new people each round: their names are looked up (users.info)
                bare.append(await burst(bare_url, action_id, "A", args.users, who, fake.respond))
                t0 = time.perf_counter()
                bot.append(await burst(bot_url, action_id, "A", args.users, who, fake.respond))
                stored_s = await wait_stored(db, action, args.users)
                await platform.handlers.drain(60)
                done_s = time.perf_counter() - t0
                # Slack re-sends a delivery it thinks failed: replay a tenth of the clicks
                await burst(bot_url, action_id, "A", replay, who, fake.respond)
                await platform.handlers.drain(60)
                stored.append((*count_rows(db, action), stored_s, done_s))
            counts = await fake.counts()
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await platform.close()
            await bare_runner.cleanup()
            await core.close()
            await fake.stop()

    print(
        f"burst: {args.users} users click at once on one quiz round, signed block_actions "
        f"over HTTP on 127.0.0.1; {args.repeat} round(s), {os.cpu_count()} CPU(s)"
    )
    bare_p99s, bot_p99s = [], []
    for n in range(args.repeat):
        bare_p99s.append(summary(f"bare {n + 1}", bare[n])[1])
        bot_p99s.append(summary(f"bot {n + 1}", bot[n])[1])
        rows, people, stored_s, done_s = stored[n]
        print(
            f"{'':>8}  ratio {bot_p99s[-1] / bare_p99s[-1]:.2f}; {rows} rows for {people} "
            f"users; all stored after {stored_s:.2f} s, every turn answered after "
            f"{done_s:.2f} s"
        )
    p99, bare_p99 = statistics.median(bot_p99s), statistics.median(bare_p99s)
    ratio = p99 / bare_p99
    print(
        f"median p99: bot {p99:.1f} ms, bare {bare_p99:.1f} ms, ratio {ratio:.2f} "
        f"(target <= {TARGET_RATIO})"
    )
    replies = counts["replies"]
    print(f"fake Slack received: {counts['calls']}")
    print(f"answers sent to the clickers: {replies} ({replay} clicks replayed per round)")
    exactly_once = (
        all(rows == people == args.users for rows, people, _, _ in stored)
        and replies.get("already answered", 0) == replay * args.repeat
        and replies.get("Something went wrong", 0) == 0
    )
    print(f"every answer stored exactly once: {exactly_once}")
    print(
        json.dumps(
            {
                "p99_ms": round(p99, 1),
                "bare_p99_ms": round(bare_p99, 1),
                "p99_ratio": round(ratio, 2),
                "stored_exactly_once": exactly_once,
            }
        )
    )


def parse() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5, help="bursts on each app (median p99)")
    ap.add_argument("--fake-slack", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--fire", help=argparse.SUPPRESS)
    ap.add_argument("--action", help=argparse.SUPPRESS)
    ap.add_argument("--value", help=argparse.SUPPRESS)
    ap.add_argument("--prefix", default="U", help=argparse.SUPPRESS)
    ap.add_argument("--respond", help=argparse.SUPPRESS)
    return ap.parse_args()


if __name__ == "__main__":
    a = parse()
    if a.fake_slack:
        asyncio.run(fake_main())
    elif a.fire:
        fire_main(a)
    else:
        asyncio.run(main(a))
