"""File I/O at the edge: reading inputs (or stdin) and writing outputs atomically.

Only the CLI and the plugins call this; the library itself takes and returns values.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, Final

from .errors import CjdslError
from .source import MAX_SOURCE_BYTES

__all__ = [
    "MAX_LINE_BYTES",
    "read_blocks",
    "read_bounded",
    "read_input",
    "read_lines",
    "read_regular",
    "refuse_input",
    "write_atomic",
    "write_output",
]


def read_input(path: str) -> tuple[bytes, str]:
    """Return the bytes of ``path`` (``-``: stdin) and the name to show for it; never
    more than one byte past the size cjdsl compiles (a larger input is CJ007). A path
    must name a regular file (``read_regular``); a pipe is read as ``-``."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1), "<stdin>"
    return read_bounded(pathlib.Path(path)), path


def read_bounded(path: pathlib.Path) -> bytes:
    """The bytes of a journey file, but never more than one byte past ``MAX_SOURCE_BYTES``:
    a file that large (a log, an image) is refused (CJ007) without being read whole.
    Only a regular file is read (``read_regular``): a FIFO or a device would block
    forever, and a directory is refused too (``OSError``). The default reader of imports.
    """
    return read_regular(path, limit=MAX_SOURCE_BYTES + 1)


def read_regular(path: pathlib.Path, *, limit: int = MAX_SOURCE_BYTES + 1) -> bytes:
    """At most ``limit`` bytes (``-1``: all) of the regular file at ``path``; anything
    else is refused before a byte is read.

    A FIFO without a writer, a terminal or a device such as ``/dev/ptmx`` never ends a
    read: ``import "/dev/ptmx"``, or a FIFO named ``*.journey`` in a folder given to
    ``fmt``, hung the command, the docs builds and the language server. So the path is
    looked at first (symbolic links followed: a link to a device is a device), and a
    device is not even opened; the open then cannot wait (``O_NONBLOCK``), and the open
    descriptor is looked at again, in case the path changed in between.

    Raises:
        OSError: the path is missing or unreadable, a directory (``EISDIR``), or not a
            regular file (``strerror``: "is not a regular file (a FIFO)" and the like).
    """
    with _open_regular(path) as handle:
        return handle.read(limit)


MAX_LINE_BYTES: Final = 1 << 20
"""The longest line ``read_lines`` hands out (1 MiB): a longer one is refused, not buffered."""


def read_lines(path: str, *, max_line: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of ``path`` (``-``: stdin) one at a time, each with its line ending, for
    tables too large to hold as one string (path tables, logs): memory stays one line.

    The same regular-file rule as ``read_regular``. A line longer than ``max_line`` bytes
    ends the reading with ``ValueError`` naming its line number, so a file without line
    breaks (a binary, a minified dump) is never buffered whole.

    Raises:
        OSError: as ``read_regular``.
        ValueError: a line is longer than ``max_line`` bytes.
    """
    with contextlib.ExitStack() as stack:
        if path == "-":
            handle: BinaryIO = sys.stdin.buffer
        else:
            handle = stack.enter_context(_open_regular(pathlib.Path(path)))
        number = 0
        while line := handle.readline(max_line + 1):
            number += 1
            if len(line) > max_line and not line.endswith(b"\n"):
                raise ValueError(f"line {number} is longer than {max_line:,} bytes")
            yield line


def read_blocks(
    path: str, *, size: int = 1 << 22, max_line: int = MAX_LINE_BYTES
) -> Iterator[bytes]:
    """``path`` (``-``: stdin) in blocks of about ``size`` bytes that each end at a line
    break (the last may not): whole lines for a reader that works a block at a time, in
    memory one block. The same rules as ``read_lines``; a line is checked against
    ``max_line`` where a block ends inside it, so memory stays ``size + max_line``.

    Raises:
        OSError: as ``read_regular``.
        ValueError: a line is longer than ``max_line`` bytes.
    """
    with contextlib.ExitStack() as stack:
        if path == "-":
            handle: BinaryIO = sys.stdin.buffer
        else:
            handle = stack.enter_context(_open_regular(pathlib.Path(path)))
        lines = 0
        while block := handle.read(size):
            tail = b"" if block.endswith(b"\n") else handle.readline(max_line + 1)
            if len(tail) > max_line and not tail.endswith(b"\n"):
                number = lines + block.count(b"\n") + 1
                raise ValueError(f"line {number} is longer than {max_line:,} bytes")
            block += tail
            lines += block.count(b"\n")
            yield block


def _open_regular(path: pathlib.Path) -> BinaryIO:
    """Open a regular file for reading; anything else is refused before it is opened."""
    _refuse_irregular(os.stat(path).st_mode, path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        _refuse_irregular(os.fstat(fd).st_mode, path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_KINDS: Final = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_irregular(mode: int, path: pathlib.Path) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    raise OSError(errno.EINVAL, f"is not a regular file ({kind})", str(path))


def write_atomic(path: pathlib.Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one.

    A regular file (or a new one) is replaced in one rename of a flushed temporary file
    beside it; on any failure the target is untouched, and its mode is kept. What is not a
    regular file is never replaced: a FIFO, a character device or a descriptor path
    (``/dev/stdout``, ``/dev/fd/N``) is opened and written, as a shell redirection would;
    a directory, a block device or a socket is refused. A symlink stays a symlink (its
    target is written), a file with several hard links is rewritten in place so every link
    sees the new text, and a read-only file is refused rather than silently replaced.

    Raises:
        OSError: the target cannot or must not be written (``strerror`` says why).
    """
    try:
        status: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        status = None
    if _names_a_descriptor(path) or (status is not None and not stat.S_ISREG(status.st_mode)):
        _write_special(path, status, data)
        return
    path = path.resolve()
    if status is not None and not status.st_mode & stat.S_IWUSR:
        raise PermissionError(
            errno.EACCES, "the file is read-only (make it writable to replace it)", str(path)
        )
    if status is not None and status.st_nlink > 1:
        _write_in_place(path, data)
        return
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # keep a rewritten file's mode (fmt, re-render)
            mode = status.st_mode & 0o7777 if status is not None else 0o666 & ~_umask()
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _names_a_descriptor(path: pathlib.Path) -> bool:
    """``/dev/stdout``, ``/dev/fd/1``, ``/proc/self/fd/1`` name an open descriptor, whatever
    it points at: they are written through, never resolved and replaced (that replaced
    ``/dev/null`` once)."""
    parts = pathlib.PurePath(os.path.abspath(path)).parts
    return (
        parts[:3] in {("/", "dev", "stdout"), ("/", "dev", "stderr")}
        or (len(parts) == 4 and parts[1:3] == ("dev", "fd"))
        or (len(parts) == 5 and parts[1] == "proc" and parts[3] == "fd")
    )


def _write_special(path: pathlib.Path, status: os.stat_result | None, data: bytes) -> None:
    """Write a target that must not be replaced by opening it, or refuse it."""
    mode = status.st_mode if status is not None else 0
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if status is not None and not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISREG(mode)):
        raise OSError(errno.EPERM, "is neither a file, a pipe nor a terminal", str(path))
    truncate = os.O_TRUNC if stat.S_ISREG(mode) else 0
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | truncate)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_in_place(path: pathlib.Path, data: bytes) -> None:
    """Rewrite a hard-linked file through its inode, so the other links keep up with it."""
    with open(path, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def refuse_input(source: str, target: str) -> None:
    """Refuse an output path that names the input: rendering over a journey destroys it.

    Call it before the work that makes the output, so nothing runs in vain;
    ``write_output(..., source=...)`` checks again at the moment of writing.

    Raises:
        CjdslError: ``target`` is ``source`` (also through a link or another spelling).
    """
    if _same_file(source, target):
        raise CjdslError(
            f"refusing to overwrite the input {source} with the output; choose another output path"
        )


def write_output(path: str, data: bytes, *, source: str | None = None) -> None:
    """Write to ``path`` atomically, or to stdout for ``-``.

    With ``source`` (the input it was made from), a ``path`` naming that input is
    refused (see ``refuse_input``).

    Raises:
        CjdslError: ``path`` is ``source``.
        OSError: the file cannot be written; the old one, if any, is left as it was.
    """
    if source is not None:
        refuse_input(source, path)
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(pathlib.Path(path), data)


def _same_file(a: str, b: str) -> bool:
    """True if two paths name one existing file (an output must not overwrite its input)."""
    if "-" in (a, b):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return pathlib.Path(a).resolve() == pathlib.Path(b).resolve()
