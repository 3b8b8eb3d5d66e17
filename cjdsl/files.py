"""File I/O at the edge: reading inputs (or stdin) and writing outputs atomically.

Only the CLI and the plugins call this; the library itself takes and returns values.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import sys
import tempfile

from . import document
from .errors import CjdslError
from .source import MAX_SOURCE_BYTES

__all__ = ["read_input", "refuse_input", "write_atomic", "write_output"]


def read_input(path: str) -> tuple[bytes, str]:
    """Return the bytes of ``path`` (``-``: stdin) and the name to show for it; never
    more than one byte past the size cjdsl compiles (a larger input is CJ007)."""
    if path == "-":
        return sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1), "<stdin>"
    return document.read_bounded(pathlib.Path(path)), path


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
