"""Run one function in a forked child process with a bound on CPU time, memory and wall-clock time.

Used for work on untrusted uploads (signature verification) where the cost of a library call cannot be known
in advance. The child inherits the parent's loaded modules (fork, so nothing is imported or set up again),
gets RLIMIT_CPU and RLIMIT_AS on top of what it already maps, sends its result back pickled through a pipe
and leaves with os._exit: it never closes or uses the parent's database or cache connections, runs no atexit
handlers and flushes no buffers it shares with the parent. The parent waits at most `seconds` and then kills
the child by pid. This works the same under gunicorn sync workers, runserver's threads (only the calling
thread exists in the child) and the test client.
"""

import contextlib
import os
import pickle
import resource
import select
import signal
import time
from dataclasses import dataclass

# The result is our own dataclasses; anything far larger than that means the child went wrong.
MAX_RESULT_BYTES = 16 * 1024 * 1024
_REAP_TIMEOUT = 5.0  # seconds to wait for a child that closed its pipe to exit before it is killed

# Exit codes of the child, read by the parent.
_EXIT_OK = 0
_EXIT_MEMORY = 3
_EXIT_FAILED = 4


class LimitExceeded(Exception):  # noqa: N818 - a verdict about the input, not a programming error
    """The child was stopped or gave up: `limit` is "tijd", "rekentijd", "geheugen" or "afgebroken"."""

    def __init__(self, limit: str):
        super().__init__(limit)
        self.limit = limit


@dataclass(frozen=True)
class Bounds:
    seconds: float  # wall clock, enforced by the parent
    cpu_seconds: int  # RLIMIT_CPU in the child
    memory_bytes: int  # address space the child may add to what the parent already maps


def _mapped_bytes() -> int:
    """The address space this process maps now (VmSize), so the child's limit is relative to it."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _child(write_fd: int, bounds: Bounds, address_space: int, func, args) -> None:
    """Runs in the child and never returns."""
    code = _EXIT_FAILED
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (bounds.cpu_seconds, bounds.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        try:
            payload = pickle.dumps(("ok", func(*args)))
        except MemoryError:
            payload, code = b"", _EXIT_MEMORY
        if payload:
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view):]
            code = _EXIT_OK
    except MemoryError:
        code = _EXIT_MEMORY
    except BaseException:  # noqa: BLE001, S110 - whatever happened, the child must leave through os._exit
        pass
    finally:
        os._exit(code)


def _limit_from_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        # SIGXCPU at the soft CPU limit, SIGKILL at the hard one; our own kill on timeout is handled apart.
        return "rekentijd" if os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL) else "afgebroken"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _EXIT_MEMORY:
        return "geheugen"
    return "afgebroken"


def _reap(pid: int, *, kill: bool) -> int | None:
    """Wait for our child (killing it first if asked, or if it lingers); its wait status, or None."""
    if kill:
        _kill(pid)
    deadline = time.monotonic() + _REAP_TIMEOUT
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status
            if time.monotonic() >= deadline:
                _kill(pid)
                return os.waitpid(pid, 0)[1]
            time.sleep(0.01)
    except ChildProcessError:  # reaped elsewhere (SIGCHLD ignored): the status is lost
        return None


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run_bounded(func, *args, bounds: Bounds):
    """Return func(*args) computed in a bounded child; raise LimitExceeded when a bound stopped it.

    The result travels back pickled, so it must be plain data (dataclasses); func must not touch database or
    network connections inherited from the parent.
    """
    address_space = _mapped_bytes() + bounds.memory_bytes
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's lines are measured by its outcome in the parent
        os.close(read_fd)
        _child(write_fd, bounds, address_space, func, args)
    os.close(write_fd)
    chunks, size, timed_out = [], 0, False
    deadline = time.monotonic() + bounds.seconds
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([read_fd], [], [], remaining)[0]:
                timed_out = True
                break
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_RESULT_BYTES:
                timed_out = True  # treated as a runaway child: killed, and named for the memory it used
                break
    finally:
        os.close(read_fd)
        status = _reap(pid, kill=timed_out)
    if timed_out:
        raise LimitExceeded("geheugen" if size > MAX_RESULT_BYTES else "tijd")
    if status is not None and status != 0:
        raise LimitExceeded(_limit_from_status(status))
    if not chunks:
        raise LimitExceeded("afgebroken")
    _kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 - written by our own child, never by a client
    return value
