"""File I/O at the edge: reading inputs (or stdin) and writing outputs atomically.

Only the CLI and the plugins call this; the library itself takes and returns values.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sys
import tempfile

__all__ = ["read_input", "same_file", "write_atomic", "write_output"]


def read_input(path: str) -> tuple[bytes, str]:
    """Return the bytes of ``path`` (``-``: stdin) and the name to show for it."""
    if path == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    return pathlib.Path(path).read_bytes(), path


def write_atomic(path: pathlib.Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a reader sees the old file or the whole new one.

    The bytes go to a temporary file beside the target, are flushed to disk,
    and replace the target in one rename; on any failure the target is untouched.
    """
    path = path.resolve()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # keep a rewritten file's mode (fmt, re-render)
            mode = path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask()
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_output(path: str, data: bytes) -> None:
    """Write to ``path`` atomically, or to stdout for ``-``."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(pathlib.Path(path), data)


def same_file(a: str, b: str) -> bool:
    """True if two paths name one existing file (an output must not overwrite its input)."""
    if "-" in (a, b):
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return pathlib.Path(a).resolve() == pathlib.Path(b).resolve()
