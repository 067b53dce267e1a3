"""The bubblewrap command line that confines one run, and the probe that finds out if it works.

What the code inside gets: new user, pid, network, ipc, uts and cgroup namespaces; uid/gid 65534
inside; no capabilities; the seccomp filter; a read-only `/usr` (the interpreter and its standard
library: the site-packages folders are hidden) with the `/bin`, `/lib*` links beside it; three
device nodes; a private tmpfs at `/work`, capped in size and file count, as its only writable
place (mounted by the program inside, which then drops every capability and loads the seccomp
filter before the answer runs: bubblewrap's own tmpfs cannot cap the file count). No `/proc`,
`/tmp`, `/run`, `/etc`, home, the bot's files or any socket of the host. When the bot runs as
root, bubblewrap itself is started as `nobody`, so the code never holds root's uid even outside
its user namespace, and RLIMIT_NPROC binds it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SANDBOX_ID = 65534  # the uid/gid inside; also who bubblewrap runs as when the bot is root
WORKDIR = "/work"
_DEVICES = ("/dev/null", "/dev/zero", "/dev/urandom")
_TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass(frozen=True, slots=True)
class Boundary:
    """How to start a confined run on this machine, as probed."""

    bwrap: str
    python: str
    drop_to: int | None  # uid/gid to start bubblewrap as (the bot is root), or None

    def command(self, *, program: str) -> list[str]:
        cmd = [
            self.bwrap,
            "--unshare-user",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            # Only for our own first steps inside (mount the capped scratch folder, then drop
            # every capability and load the seccomp filter) before the answer runs.
            "--cap-drop",
            "ALL",
            "--cap-add",
            "CAP_SYS_ADMIN",
            "--cap-add",
            "CAP_SETPCAP",
            "--uid",
            str(SANDBOX_ID),
            "--gid",
            str(SANDBOX_ID),
            "--hostname",
            "sandbox",
            "--clearenv",
            "--setenv",
            "PATH",
            "/usr/bin:/bin",
            "--setenv",
            "HOME",
            WORKDIR,
            "--setenv",
            "TMPDIR",
            WORKDIR,
            "--setenv",
            "LANG",
            "C.UTF-8",
        ]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for hidden in _package_dirs():
            cmd += ["--tmpfs", hidden, "--remount-ro", hidden]
        for top in _TOP_LINKS:
            if os.path.islink(top):
                cmd += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top) and not top.startswith("/usr"):
                cmd += ["--ro-bind", top, top]
        cmd += ["--dir", "/dev"]
        for dev in _DEVICES:
            cmd += ["--dev-bind", dev, dev]
        cmd += ["--dir", WORKDIR, "--remount-ro", "/", "--chdir", "/"]
        cmd += ["--", self.python, "-I", "-S", "-B", "-X", "utf8", "-c", program]
        return cmd


def _package_dirs() -> list[str]:
    """Third-party package folders under /usr: the code gets the standard library only."""
    found: set[str] = set()
    for pattern in (
        "/usr/lib/python3*/site-packages",
        "/usr/lib/python3*/dist-packages",
        "/usr/lib/python3/dist-packages",
        "/usr/local/lib/python3*/site-packages",
        "/usr/local/lib/python3*/dist-packages",
    ):
        found.update(p for p in glob.glob(pattern) if os.path.isdir(p))
    return sorted(found)


def find_python(configured: str | None = None) -> str | None:
    """A Python 3 under /usr whose standard library is under /usr too (all the sandbox shows)."""
    candidates = (
        [configured]
        if configured
        else [
            "/usr/local/bin/python3",
            "/usr/bin/python3",
            *sorted(glob.glob("/usr/bin/python3.*")),
        ]
    )
    for c in candidates:
        if not c or not os.access(c, os.X_OK):
            continue
        real = Path(c).resolve()
        if not str(real).startswith("/usr/") or real.name.endswith("-config"):
            continue
        try:
            out = subprocess.run(
                [str(real), "-I", "-S", "-c", "import os; print(os.__file__)"],
                capture_output=True,
                text=True,
                timeout=10,
                env={},
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0 and out.stdout.strip().startswith("/usr/"):
            return str(real)
    return None


def find_bwrap(configured: str | None = None) -> str | None:
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("bwrap")
