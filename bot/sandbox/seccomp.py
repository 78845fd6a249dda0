"""A small seccomp deny-list, assembled by hand as classic BPF, for ``bwrap --seccomp FD``.

The namespaces already hide the host; this filter shrinks the kernel surface a submission can
reach (the syscalls behind most container escapes and kernel exploits: ptrace, new
namespaces and mounts, keyrings, eBPF, perf, userfaultfd, io_uring, module loading) and
closes one memory side door (``memfd_create`` files are not counted by RLIMIT_AS).  A denied
call fails with EPERM, which Python reports as an ordinary ``PermissionError``.

It also keeps a run to ONE process: ``fork``, ``vfork`` and a ``clone`` without
``CLONE_THREAD`` are refused (threads are allowed; ``clone3``, whose flags a classic filter
cannot read, answers ENOSYS, and the C library then falls back to ``clone``).  RLIMIT_AS is per
process, so with one process it bounds the whole run, and that process's peak resident size,
which the bot reads from the kernel, is the run's real peak (see ``limits.py``).

No dependency is needed: a filter is an array of 8-byte ``sock_filter`` instructions.  Only
x86_64 and aarch64 are known here; on any other machine :func:`program` returns None and the
sandbox runs without the filter (the probe says so).
"""

from __future__ import annotations

import errno
import platform
import struct

_LOAD_WORD = 0x20  # BPF_LD | BPF_W | BPF_ABS
_JUMP_EQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
_JUMP_GE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
_JUMP_SET = 0x45  # BPF_JMP | BPF_JSET | BPF_K
_ARG0_LOW = 16  # seccomp_data.args[0], its low 32 bits on a little-endian machine
CLONE_THREAD = 0x00010000
_RETURN = 0x06  # BPF_RET | BPF_K
_ALLOW = 0x7FFF0000
_ERRNO = 0x00050000
_KILL_PROCESS = 0x80000000
_X32_BIT = 0x40000000  # x86_64 syscalls made through the x32 ABI carry this bit

_CLONE = {"x86_64": 56, "aarch64": 220}
_CLONE3 = 435  # the same number on both

# (audit arch, {syscall: number})
_TABLES: dict[str, tuple[int, dict[str, int]]] = {
    "x86_64": (0xC000003E, {
        "ptrace": 101, "syslog": 103, "personality": 135, "pivot_root": 155, "acct": 163, "mount": 165,
        "umount2": 166, "swapon": 167, "swapoff": 168, "reboot": 169, "init_module": 175, "delete_module": 176,
        "kexec_load": 246, "add_key": 248, "request_key": 249, "keyctl": 250, "unshare": 272,
        "perf_event_open": 298, "fanotify_init": 300, "name_to_handle_at": 303, "open_by_handle_at": 304,
        "setns": 308, "process_vm_readv": 310, "process_vm_writev": 311, "kcmp": 312, "finit_module": 313,
        "memfd_create": 319, "kexec_file_load": 320, "bpf": 321, "userfaultfd": 323,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "pidfd_getfd": 438,
        "fork": 57, "vfork": 58,
    }),
    "aarch64": (0xC00000B7, {
        "umount2": 39, "mount": 40, "pivot_root": 41, "acct": 89, "unshare": 97, "kexec_load": 104,
        "init_module": 105, "delete_module": 106, "syslog": 116, "ptrace": 117, "reboot": 142,
        "add_key": 217, "request_key": 218, "keyctl": 219, "swapon": 224, "swapoff": 225,
        "perf_event_open": 241, "fanotify_init": 262, "name_to_handle_at": 264, "open_by_handle_at": 265,
        "setns": 268, "process_vm_readv": 270, "process_vm_writev": 271, "kcmp": 272, "finit_module": 273,
        "memfd_create": 279, "bpf": 280, "userfaultfd": 282, "kexec_file_load": 294,
        "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "pidfd_getfd": 438,
    }),
}


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine: str | None = None) -> bytes | None:
    """The compiled filter for this machine, or None when its syscall table is not known here."""
    machine = machine or platform.machine()
    table = _TABLES.get(machine)
    if table is None:
        return None
    arch, numbers = table
    deny = _RETURN, _ERRNO | errno.EPERM
    code = [
        _op(_LOAD_WORD, 4),  # seccomp_data.arch
        _op(_JUMP_EQ, arch, jt=1),
        _op(_RETURN, _KILL_PROCESS),  # a foreign ABI could dodge the numbers below
        _op(_LOAD_WORD, 0),  # seccomp_data.nr
    ]
    if arch == 0xC000003E:
        code += [_op(_JUMP_GE, _X32_BIT, jf=1), _op(*deny)]
    for number in sorted(numbers.values()):
        code += [_op(_JUMP_EQ, number, jf=1), _op(*deny)]
    code += [_op(_JUMP_EQ, _CLONE3, jf=1), _op(_RETURN, _ERRNO | errno.ENOSYS)]
    code += [
        _op(_JUMP_EQ, _CLONE[machine], jf=3),  # not clone: allowed
        _op(_LOAD_WORD, _ARG0_LOW),  # clone's flags
        _op(_JUMP_SET, CLONE_THREAD, jt=1),  # a thread: allowed
        _op(*deny),  # a new process: refused
        _op(_RETURN, _ALLOW),
    ]
    return b"".join(code)


def denied(machine: str | None = None) -> list[str]:
    """Names of the syscalls the filter refuses on this machine (for the probe and the docs)."""
    table = _TABLES.get(machine or platform.machine())
    return sorted(table[1]) if table else []
