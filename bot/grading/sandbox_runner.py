"""The program the sandbox runs (`python -I -S -c <this file's text>`); standard library only.

It reads {code, tests, nonce, uid, gid} as JSON on stdin, then: drops root to
`nobody` when started as root, redirects the answer's prints into a capped buffer, installs an
audit hook that refuses (with PermissionError) starting processes, signals to other processes,
sockets, ctypes, writing or deleting outside the working directory and reading outside it and
the standard library, and replaces `os.fork` & co. with functions that refuse. Then it runs the
answer and each `test_*` function, writing one line per event to the original stdout as
`<nonce> <json>`, flushed at once, so the parent knows what passed even if the run is killed.
"""

import io
import json
import os
import sys
import traceback

_STDOUT = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
_write, _flush, _dumps = _STDOUT.write, _STDOUT.flush, json.dumps
_realpath, _fsdecode, _getpid = os.path.realpath, os.fsdecode, os.getpid
_PRINT_LIMIT = 4000
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class _Capped(io.StringIO):
    """What the answer prints, kept up to a limit."""

    def write(self, s):  # type: ignore[no-untyped-def]
        if self.tell() < _PRINT_LIMIT:
            super().write(s[: _PRINT_LIMIT - self.tell()])
        return len(s)


def main() -> None:
    cfg = json.loads(sys.stdin.read())
    sys.stdin.close()
    nonce = cfg["nonce"]

    def emit(event: dict) -> None:  # type: ignore[type-arg]
        _write(nonce + " " + _dumps(event) + "\n")
        _flush()

    if cfg.get("uid") is not None and os.geteuid() == 0:
        os.setgroups([])
        os.setgid(cfg["gid"])
        os.setuid(cfg["uid"])
    # A fresh copy of _posixsubprocess (importlib can make one) would fork without an audit
    # event: as a non-root user RLIMIT_NPROC (set by the parent) refuses that fork; this
    # replacement refuses the ordinary route first.
    import _posixsubprocess
    emit({"event": "user", "uid": os.getuid()})

    root = _realpath(os.getcwd())
    stdlib = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, *sys.path}
    readable = (*(_realpath(p) for p in stdlib if p), root,
                "/dev/null", "/dev/urandom", "/usr/share/zoneinfo")
    prints = _Capped()
    sys.stdout = sys.stderr = prints

    try:
        code = compile(cfg["code"], "<answer>", "exec")
    except SyntaxError as e:
        emit({"event": "load_error", "error": f"SyntaxError: {e.msg} (line {e.lineno})"})
        return
    tests = compile(cfg["tests"], "<tests>", "exec")
    tests_lines = cfg["tests"].splitlines()
    answer_lines = cfg["code"].splitlines()

    blocked_events = {
        "os.fork": "starting processes", "os.forkpty": "starting processes",
        "os.system": "starting processes", "os.exec": "starting processes",
        "os.posix_spawn": "starting processes", "os.spawn": "starting processes",
        "subprocess.Popen": "starting processes", "pty.spawn": "starting processes",
        "os.kill": "signalling other processes", "os.killpg": "signalling other processes",
        "os.symlink": "creating links", "os.link": "creating links",
        "resource.setrlimit": "changing resource limits",
        "resource.prlimit": "changing resource limits",
        "gc.get_objects": "inspecting the sandbox", "gc.get_referrers": "inspecting the sandbox",
        "gc.get_referents": "inspecting the sandbox",
        "sys._current_frames": "inspecting the sandbox",
    }
    blocked_imports = {"ctypes", "_ctypes", "_xxsubinterpreters"}
    path_events = {"os.remove", "os.rmdir", "os.rename", "os.replace", "os.mkdir", "os.chmod",
                   "os.chown", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile",
                   "shutil.copytree", "shutil.move", "os.chdir", "os.chflags", "os.lchown"}
    listing_events = {"os.listdir", "os.scandir"}
    busy = [False]

    def inside(path: object, roots: tuple[str, ...]) -> bool:
        if isinstance(path, int) or path is None:
            return True
        try:
            p = _realpath(_fsdecode(path))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)

    def refuse(what: str, event: str) -> None:
        emit({"event": "blocked", "what": what, "audit": event})
        raise PermissionError(f"not allowed in the sandbox: {what}")

    def hook(event: str, args: tuple) -> None:  # type: ignore[type-arg]
        if busy[0]:
            return
        busy[0] = True
        try:
            if event == "open":
                path, mode, flags = (*args, None, None, None)[:3]
                writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                    isinstance(flags, int) and flags & _WRITE_FLAGS)
                if writing and not inside(path, (root,)):
                    refuse("writing outside its own directory", event)
                if not writing and not inside(path, readable):
                    refuse("reading files outside its own directory", event)
            elif event in blocked_events:
                refuse(blocked_events[event], event)
            elif event.startswith("socket."):
                refuse("using the network", event)
            elif event.startswith("ctypes."):
                refuse("using ctypes", event)
            elif event == "import" and args and str(args[0]).split(".")[0] in blocked_imports:
                refuse(f"importing {args[0]}", event)
            elif event in path_events:
                if not all(inside(a, (root,)) for a in args[:2] if isinstance(a, str | bytes)):
                    refuse("changing files outside its own directory", event)
            elif event in listing_events and args and not inside(args[0], readable):
                refuse("listing folders outside its own directory", event)
            elif event == "sqlite3.connect" and args:
                db = args[0]
                memory = isinstance(db, str) and (db == ":memory:" or db.startswith("file::"))
                if not memory and not inside(db, (root,)):
                    refuse("opening a database outside its own directory", event)
            elif event.startswith("sqlite3.") and "extension" in event:
                refuse("loading database extensions", event)
        finally:
            busy[0] = False

    sys.addaudithook(hook)

    def refuser(what: str, name: str):  # type: ignore[no-untyped-def]
        def refused(*_a, **_k):  # type: ignore[no-untyped-def]
            refuse(what, "os." + name)

        return refused

    for name in ("fork", "forkpty", "system", "execv", "execve", "execl", "execle", "execlp",
                 "execlpe", "execvp", "execvpe", "posix_spawn", "posix_spawnp", "spawnv",
                 "spawnve", "spawnl", "spawnle", "popen", "kill", "killpg"):
        if hasattr(os, name):
            what = "signalling other processes" if "kill" in name else "starting processes"
            setattr(os, name, refuser(what, name))
    _posixsubprocess.fork_exec = refuser("starting processes", "fork_exec")

    def where(tb: object) -> str:
        """The line of the tests (or of the answer) where it failed."""
        for frame, lineno in reversed(list(traceback.walk_tb(tb))):  # type: ignore[arg-type]
            name = frame.f_code.co_filename
            src = tests_lines if name == "<tests>" else answer_lines if name == "<answer>" else None
            if src is not None and 0 < lineno <= len(src):
                text = src[lineno - 1].strip()
                return f"{text}" if name == "<tests>" else f"line {lineno} of your code: {text}"
        return ""

    def describe(e: BaseException) -> str:
        if isinstance(e, MemoryError):
            return "ran out of memory"
        if isinstance(e, RecursionError):
            return "recursion too deep"
        msg = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
        at = where(e.__traceback__)
        if isinstance(e, AssertionError):
            return f"failed: {at}" + (f" ({e})" if str(e) else "") if at else "assertion failed"
        return f"{msg} at {at}" if at else msg

    ns: dict = {"__name__": "__answer__", "__builtins__": __builtins__}  # type: ignore[type-arg]
    try:
        exec(code, ns)
    except BaseException as e:  # anything the answer raises is reported
        emit({"event": "load_error", "error": describe(e)})
        emit({"event": "output", "text": prints.getvalue()})
        return
    try:
        exec(tests, ns)
    except BaseException as e:  # a broken question, not the answer's fault
        emit({"event": "load_error", "error": f"the question's tests failed to load: "
                                              f"{describe(e)}"})
        return
    names = [n for n, v in ns.items() if n.startswith("test_") and callable(v)
             and getattr(getattr(v, "__code__", None), "co_filename", "") == "<tests>"]
    emit({"event": "tests", "names": names})
    for name in names:
        emit({"event": "start", "name": name})
        try:
            ns[name]()
        except BaseException as e:
            emit({"event": "result", "name": name, "passed": False, "detail": describe(e)})
        else:
            emit({"event": "result", "name": name, "passed": True, "detail": ""})
    emit({"event": "output", "text": prints.getvalue()})
    emit({"event": "done"})


if __name__ == "__main__":
    main()
