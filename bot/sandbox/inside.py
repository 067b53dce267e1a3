"""The program run inside the sandbox (`python -I -S -c <this file's text>`); standard library only.

It reads {code, setup, runs, limits} as JSON on stdin and sets the resource limits (hard, so
the answer cannot raise them again: CPU, memory, file size, open files, no new processes or
threads). For each `run` it executes the answer, the question's `setup` and that run in a fresh
namespace and writes one JSON line to the original stdout: what the run observed, as plain
data (the value of its last expression, the exception it raised by type names, what it
printed). It decides nothing: expected values and test names stay
with the bot, which compares. The answer can rewrite anything here, and gains nothing by it.
"""

import io
import json
import os
import resource
import sys
import traceback

_OUT = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
_PRINT_LIMIT = 4000
_REPR_LIMIT = 300
_DEPTH = 20


class _Capped(io.StringIO):
    def write(self, s):  # type: ignore[no-untyped-def]
        if self.tell() < _PRINT_LIMIT:
            super().write(str(s)[: _PRINT_LIMIT - self.tell()])
        return len(s)


def _emit(event):  # type: ignore[no-untyped-def]
    _OUT.write(json.dumps(event) + "\n")
    _OUT.flush()


def plain(v, depth=0):  # type: ignore[no-untyped-def]
    """Plain, JSON-able data for a value; exact types only, so no subclass can pose as one."""
    t = type(v)
    if v is None or t is bool or t is str:
        return v
    if t is int:
        return v if abs(v) < 2**53 else {"__int__": str(v)}
    if t is float:
        return v if v == v and v not in (float("inf"), float("-inf")) else {"__float__": repr(v)}
    if depth > _DEPTH:
        return {"__deep__": True}
    if t is list or t is tuple:
        return [plain(x, depth + 1) for x in v]
    if t is dict:
        pairs = [[plain(k, depth + 1), plain(x, depth + 1)] for k, x in v.items()]
        return {"__dict__": sorted(pairs, key=lambda p: json.dumps(p[0], sort_keys=True))}
    if t is set or t is frozenset:
        items = [plain(x, depth + 1) for x in v]
        return {"__set__": sorted(items, key=lambda x: json.dumps(x, sort_keys=True))}
    if t is bytes:
        return {"__bytes__": v.hex()}
    try:
        text = repr(v)
    except BaseException:
        text = "?"
    return {"__object__": t.__name__, "repr": str(text)[:_REPR_LIMIT]}


def _where(tb, answer_lines):  # type: ignore[no-untyped-def]
    for frame, lineno in reversed(list(traceback.walk_tb(tb))):
        if frame.f_code.co_filename == "<answer>" and 0 < lineno <= len(answer_lines):
            return f"line {lineno} of your code: {answer_lines[lineno - 1].strip()}"
    return ""


def _raised(e, answer_lines):  # type: ignore[no-untyped-def]
    names = [c.__name__ for c in type(e).__mro__ if c not in (object, BaseException)]
    if isinstance(e, MemoryError):
        message = "ran out of memory"
    elif isinstance(e, RecursionError):
        message = "recursion too deep"
    else:
        try:
            message = str(e)[:_REPR_LIMIT]
        except BaseException:
            message = ""
    return {"raised": names[:8], "message": message, "at": _where(e.__traceback__, answer_lines)}


def _observing(run):  # type: ignore[no-untyped-def]
    """The run's code, its last expression's value kept as `__observed__`."""
    import ast

    tree = ast.parse(run, "<test>", "exec")
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = tree.body[-1]
        assign = ast.Assign(targets=[ast.Name("__observed__", ast.Store())], value=last.value)
        tree.body[-1] = ast.copy_location(assign, last)
        ast.fix_missing_locations(tree)
    return compile(tree, "<test>", "exec")


def _confine(lim, seccomp_hex):  # type: ignore[no-untyped-def]
    """Our first steps, while bubblewrap left us CAP_SYS_ADMIN in our own namespaces: mount the
    scratch folder capped in size and file count, drop every capability for good, load the
    seccomp filter. Any failure stops here: the answer never runs half-confined."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def check(ok, what):  # type: ignore[no-untyped-def]
        if ok != 0:
            raise OSError(ctypes.get_errno(), f"sandbox set-up failed: {what}")

    opts = f"size={lim['disk']},nr_inodes={lim['inodes']},mode=0700".encode()
    nosuid_nodev_noexec = 0x2 | 0x4 | 0x8
    check(libc.mount(b"tmpfs", b"/work", b"tmpfs", nosuid_nodev_noexec, opts), "mount")
    os.chdir("/work")
    pr_capbset_drop, pr_cap_ambient, clear_all, no_new_privs = 24, 47, 4, 38
    check(libc.prctl(no_new_privs, 1, 0, 0, 0), "no_new_privs")
    check(libc.prctl(pr_cap_ambient, clear_all, 0, 0, 0), "ambient capabilities")
    for cap in range(64):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0 and ctypes.get_errno() != 22:
            check(-1, "bounding set")

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    check(libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")
    if seccomp_hex:
        prog = bytes.fromhex(seccomp_hex)
        buf = ctypes.create_string_buffer(prog, len(prog))

        class Fprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        fprog = Fprog(len(prog) // 8, ctypes.cast(buf, ctypes.c_void_p))
        check(libc.prctl(22, 2, ctypes.byref(fprog), 0, 0), "seccomp")  # SET_SECCOMP, FILTER


def main():  # type: ignore[no-untyped-def]
    cfg = json.loads(sys.stdin.read())
    sys.stdin.close()
    lim = cfg["limits"]
    try:
        _confine(lim, cfg.get("seccomp", ""))
    except OSError as e:
        _emit({"event": "setup_error", "error": str(e)})
        return
    for which, n in (
        (resource.RLIMIT_AS, lim["memory"]),
        (resource.RLIMIT_FSIZE, lim["file"]),
        (resource.RLIMIT_NOFILE, lim["files"]),
        (resource.RLIMIT_NPROC, lim["nproc"]),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(which, (n, n))  # hard limits: the answer cannot raise them again
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu"], lim["cpu"] + 1))  # SIGXCPU, then KILL
    answer_lines = cfg["code"].splitlines()
    try:
        code = compile(cfg["code"], "<answer>", "exec")
    except SyntaxError as e:
        _emit({"event": "load_error", "error": f"SyntaxError: {e.msg} (line {e.lineno})"})
        return
    setup = compile(cfg.get("setup") or "", "<setup>", "exec")
    runs = [_observing(r) for r in cfg["runs"]]
    real_stdout, real_stderr = sys.stdout, sys.stderr
    for i, run in enumerate(runs):
        prints = _Capped()
        sys.stdout = sys.stderr = prints
        ns = {"__name__": "__answer__", "__builtins__": __builtins__}
        try:
            exec(code, ns)
        except BaseException as e:
            sys.stdout, sys.stderr = real_stdout, real_stderr
            err = _raised(e, answer_lines)
            text = f"{err['raised'][0] if err['raised'] else 'error'}: {err['message']}"
            _emit(
                {
                    "event": "load_error",
                    "error": text + (f" at {err['at']}" if err["at"] else ""),
                    "printed": prints.getvalue(),
                }
            )
            return
        obs = {"event": "observed", "index": i}
        try:
            exec(setup, ns)
            exec(run, ns)
            obs["value"] = plain(ns.get("__observed__"))
        except BaseException as e:
            obs.update(_raised(e, answer_lines))
        sys.stdout, sys.stderr = real_stdout, real_stderr
        obs["printed"] = prints.getvalue()
        _emit(obs)
    _emit({"event": "done"})


if __name__ == "__main__":
    main()
