"""A seccomp filter for the sandbox: a classic BPF program, loaded by the program inside
(bot/sandbox/inside.py) once it has set up its scratch folder, before the answer runs.

It refuses (EPERM) the system calls an answer has no use for and that widen the kernel's attack
surface: namespaces and mounts, tracing other processes, keyrings, BPF, perf, io_uring,
userfaultfd, module and reboot calls; `clone` is refused when asked for a new namespace, and
`clone3` (whose flags a classic filter cannot read) answers ENOSYS so libc falls back to `clone`.
Any other architecture (x32 and 32-bit calls included) is killed. Written by hand because it is
short and libseccomp's Python binding is not on PyPI.
"""

from __future__ import annotations

import errno
import platform
import struct

# BPF opcodes (linux/filter.h, linux/bpf_common.h) and seccomp return values.
_LD_W_ABS, _JEQ_K, _JGE_K, _JSET_K, _RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _KILL_PROCESS = 0x7FFF0000, 0x80000000
_ERRNO = 0x00050000
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16
_CLONE_NAMESPACES = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME(0x80)

_DENIED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "syslog",
    "chroot",
    "name_to_handle_at",
    "open_by_handle_at",
    "quotactl",
    "personality",
    "fsopen",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "lookup_dcookie",
    "ioperm",
    "iopl",
    "settimeofday",
    "clock_settime",
    "adjtimex",
    "vhangup",
    "pidfd_getfd",
)

# name -> number, for the two architectures we run on (asm/unistd_64.h, asm-generic/unistd.h).
_X86_64 = {
    "ptrace": 101,
    "process_vm_readv": 310,
    "process_vm_writev": 311,
    "mount": 165,
    "umount2": 166,
    "pivot_root": 155,
    "unshare": 272,
    "setns": 308,
    "keyctl": 250,
    "add_key": 248,
    "request_key": 249,
    "bpf": 321,
    "perf_event_open": 298,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "kexec_load": 246,
    "kexec_file_load": 320,
    "init_module": 175,
    "finit_module": 313,
    "delete_module": 176,
    "reboot": 169,
    "swapon": 167,
    "swapoff": 168,
    "acct": 163,
    "syslog": 103,
    "chroot": 161,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "quotactl": 179,
    "personality": 135,
    "fsopen": 430,
    "fsmount": 432,
    "fspick": 433,
    "move_mount": 429,
    "open_tree": 428,
    "mount_setattr": 442,
    "lookup_dcookie": 212,
    "ioperm": 173,
    "iopl": 172,
    "settimeofday": 164,
    "clock_settime": 227,
    "adjtimex": 159,
    "vhangup": 153,
    "pidfd_getfd": 438,
    "clone": 56,
    "clone3": 435,
}
_AARCH64 = {
    "ptrace": 117,
    "process_vm_readv": 270,
    "process_vm_writev": 271,
    "mount": 40,
    "umount2": 39,
    "pivot_root": 41,
    "unshare": 97,
    "setns": 268,
    "keyctl": 219,
    "add_key": 217,
    "request_key": 218,
    "bpf": 280,
    "perf_event_open": 241,
    "userfaultfd": 282,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "kexec_load": 104,
    "kexec_file_load": 294,
    "init_module": 105,
    "finit_module": 273,
    "delete_module": 106,
    "reboot": 142,
    "swapon": 224,
    "swapoff": 225,
    "acct": 89,
    "syslog": 116,
    "chroot": 51,
    "name_to_handle_at": 264,
    "open_by_handle_at": 265,
    "quotactl": 60,
    "personality": 92,
    "fsopen": 430,
    "fsmount": 432,
    "fspick": 433,
    "move_mount": 429,
    "open_tree": 428,
    "mount_setattr": 442,
    "lookup_dcookie": 18,
    "settimeofday": 170,
    "clock_settime": 112,
    "adjtimex": 171,
    "vhangup": 58,
    "pidfd_getfd": 438,
    "clone": 220,
    "clone3": 435,
}
_ARCHES = {"x86_64": (0xC000003E, _X86_64, 0x40000000), "aarch64": (0xC00000B7, _AARCH64, None)}


def _ins(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine: str | None = None) -> bytes | None:
    """The filter for this machine's architecture, or None where we have no table for it."""
    arch = _ARCHES.get(machine or platform.machine())
    if arch is None:
        return None
    audit_arch, table, x32_bit = arch
    checks: list[tuple[int, int, str]] = []  # (opcode, k, where a match jumps)
    if x32_bit is not None:
        checks.append((_JGE_K, x32_bit, "kill"))
    checks += [(_JEQ_K, table[name], "eperm") for name in _DENIED if name in table]
    checks.append((_JEQ_K, table["clone3"], "enosys"))
    first = 3  # after: load arch, check arch, load nr
    clone = first + len(checks)
    at = {"allow": clone + 3, "eperm": clone + 4, "enosys": clone + 5, "kill": clone + 6}

    def jump(i: int, target: str) -> int:
        return at[target] - i - 1

    ins = [
        _ins(_LD_W_ABS, _OFF_ARCH),
        _ins(_JEQ_K, audit_arch, 0, jump(1, "kill")),
        _ins(_LD_W_ABS, _OFF_NR),
    ]
    for i, (op, k, target) in enumerate(checks, start=first):
        ins.append(_ins(op, k, jump(i, target), 0))
    ins += [
        _ins(_JEQ_K, table["clone"], 0, jump(clone, "allow")),  # clone: look at its flags
        _ins(_LD_W_ABS, _OFF_ARG0),
        _ins(_JSET_K, _CLONE_NAMESPACES, jump(clone + 2, "eperm"), 0),
        _ins(_RET_K, _ALLOW),
        _ins(_RET_K, _ERRNO | errno.EPERM),
        _ins(_RET_K, _ERRNO | errno.ENOSYS),
        _ins(_RET_K, _KILL_PROCESS),
    ]
    return b"".join(ins)
