"""Every table of a test database as it is at run time (sqlite_master, information_schema),
so tables other branches add are covered by the checks that use this."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from bot.store import backend_of, sqlite_path
from bot.store.rows import NOT_TEAM_DATA, PERSONAL

Rows = dict[str, list[dict[str, Any]]]


async def table_columns(url: str) -> dict[str, list[str]]:
    """Every table of the database and its columns, read from the catalogue."""
    if backend_of(url) == "sqlite":
        con = sqlite3.connect(sqlite_path(url) or "")
        try:
            names = [
                r[0]
                for r in con.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {n: [c[1] for c in con.execute(f'PRAGMA table_info("{n}")')] for n in names}
        finally:
            con.close()
    import asyncpg

    pg = await asyncpg.connect(url)
    try:
        rows = await pg.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
    finally:
        await pg.close()
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["table_name"], []).append(r["column_name"])
    return out


async def all_rows(url: str) -> Rows:
    """Every row of every table, by column name."""
    tables = await table_columns(url)
    if backend_of(url) == "sqlite":
        con = sqlite3.connect(sqlite_path(url) or "")
        con.row_factory = sqlite3.Row
        try:
            return {t: [dict(r) for r in con.execute(f'SELECT * FROM "{t}"')] for t in tables}
        finally:
            con.close()
    import asyncpg

    pg = await asyncpg.connect(url)
    try:
        return {t: [dict(r) for r in await pg.fetch(f'SELECT * FROM "{t}"')] for t in tables}
    finally:
        await pg.close()


def unknown_tables(tables: dict[str, list[str]]) -> list[str]:
    """Why each table the deletion code does not know is a problem: every table must be in
    bot.store.rows.PERSONAL (with platform and team columns) or in NOT_TEAM_DATA."""
    problems = []
    for name, cols in sorted(tables.items()):
        if name in NOT_TEAM_DATA:
            continue
        if name not in PERSONAL:
            problems.append(
                f"table {name}: add it to bot.store.rows.PERSONAL (what in it is a person's) "
                "or to NOT_TEAM_DATA (why it holds no team's rows)"
            )
            continue
        if not {"platform", "team"} <= set(cols):
            problems.append(f"table {name}: has no platform and team columns")
        for column, _, _ in PERSONAL[name]:
            if column not in cols:
                problems.append(f"table {name}: PERSONAL names a column {column} it lacks")
    return problems


def rows_naming(rows: Rows, platform: str, team: str, values: set[str]) -> list[str]:
    """`table.column` for every cell of the team's rows that holds one of `values`, whole or
    as a word inside a longer text ("retired by BOB", a JSON document)."""
    word = re.compile("|".join(rf"(?<![\w:]){re.escape(v)}(?![\w:])" for v in sorted(values)))
    found = []
    for table, table_rows in rows.items():
        for r in table_rows:
            if r.get("platform") != platform or r.get("team") != team:
                continue
            found.extend(
                f"{table}.{c}" for c, v in r.items() if isinstance(v, str) and word.search(v)
            )
    return sorted(set(found))


def team_rows(rows: Rows, platform: str, team: str) -> Rows:
    """The rows of one team, table by table (tables without any left out)."""
    out: Rows = {}
    for table, table_rows in rows.items():
        mine = [r for r in table_rows if r.get("platform") == platform and r.get("team") == team]
        if mine:
            out[table] = mine
    return out
