"""How the bot compares a code case's observation with what the case expects (no sandbox)."""

from __future__ import annotations

import pytest

from bot.domain.questions import NO_VALUE, CodeCase
from bot.grading.code import check, plain, stub_for
from bot.sandbox import Observation


def case(expect: object = NO_VALUE, raises: str = "") -> CodeCase:
    return CodeCase("a case", "x", expect, raises)


def test_an_object_is_expected_in_the_form_the_sandbox_reports_it() -> None:
    seen = Observation(value=[{"__object__": "Point", "repr": "Point(x=1, y=2)"}])
    assert check(case([{"__object__": "Point", "repr": "Point(x=1, y=2)"}]), seen, "") == ""
    assert "expected" in check(case([{"__object__": "Point", "repr": "Point(x=2, y=1)"}]), seen, "")


def test_a_plain_dict_is_still_compared_by_content() -> None:
    seen = Observation(value={"__dict__": [["a", 1], ["b", 2]]})
    assert check(case({"b": 2, "a": 1}), seen, "") == ""
    other_keys = {"__object__": "P", "repr": "P()", "more": 1}
    assert "__dict__" in plain(other_keys)


def test_nan_and_infinity_are_expected_as_the_sandbox_reports_them() -> None:
    assert check(case(float("nan")), Observation(value={"__float__": "nan"}), "") == ""
    assert check(case(float("inf")), Observation(value={"__float__": "inf"}), "") == ""


@pytest.mark.parametrize(
    "signature",
    [
        "def f(x):",
        "class Point:",
        "def transfer(conn: sqlite3.Connection, n: int) -> None:",
        "def login_required(view):  # decorator\n"
        "def dashboard(request: dict) -> dict:  # decorated",
        "def g(x)  # no colon",
    ],
)
def test_the_do_nothing_stub_compiles_for_every_signature(signature: str) -> None:
    namespace: dict[str, object] = {}
    exec(compile(stub_for(signature), "<stub>", "exec"), namespace)
    names = [line.split()[1].split("(")[0].rstrip(":") for line in signature.splitlines()]
    assert all(n in namespace for n in names)
