"""Noticing that a journey or one of its imports changed, by polling (no dependencies).

``compile`` checks a journey and notes the stamp of every file it reads (the
journey and each import, recursively, missing ones too) just before reading
it, so a save that lands while a run is under way is seen as a change, never
lost. A stamp is the size, the modification time and a digest of the bytes:
the digest catches a same-size save within one tick of a coarse file-system
clock (1 s on some network and FAT mounts), the time a bare ``touch``.
``Watcher`` compares stamps with the files now; ``watch`` is the loop that
sleeps, looks and calls back, with its clock injected for tests.

Polling rather than change notifications: it behaves the same on every OS and
on network and container mounts, where notifications often do not arrive, and
a journey and its imports are a handful of small files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pathlib
import stat
import time
from collections.abc import Callable, Iterable
from typing import Final

from .. import files, pipeline
from ..pipeline import Document

__all__ = [
    "INTERVAL",
    "Snapshot",
    "Stamp",
    "Watched",
    "Watcher",
    "compile_watched",
    "snapshot",
    "stamp",
    "watch",
]

INTERVAL: Final = 0.3
"""Seconds between two looks at the files."""

Stamp = tuple[int, int, bytes] | None
"""Modification time (ns), size and digest of a file; ``None`` when it cannot be read."""
Snapshot = dict[pathlib.Path, Stamp]


def stamp(path: pathlib.Path) -> Stamp:
    """The stamp of one file; ``None`` if it is missing or unreadable.

    Only regular files are read for the digest: opening a FIFO would block.
    """
    try:
        status = os.stat(path)
        data = files.read_bounded(path) if stat.S_ISREG(status.st_mode) else b""
    except OSError:
        return None
    return _stamp(status, data)


def _stamp(status: os.stat_result, data: bytes) -> Stamp:
    return status.st_mtime_ns, status.st_size, hashlib.blake2b(data, digest_size=16).digest()


def snapshot(paths: Iterable[pathlib.Path]) -> Snapshot:
    """The stamp of each file."""
    return {p: stamp(p) for p in paths}


class Watcher:
    """The last seen state of some files; ``changed()`` compares and remembers anew."""

    def __init__(self, seen: Snapshot) -> None:
        self._seen = dict(seen)

    @property
    def paths(self) -> tuple[pathlib.Path, ...]:
        """The files watched."""
        return tuple(self._seen)

    def changed(self) -> bool:
        """True if any file was created, changed or removed since the last look."""
        now = snapshot(self._seen)
        different = now != self._seen
        self._seen = now
        return different


@dataclasses.dataclass(frozen=True, slots=True)
class Watched:
    """One run's view of a journey file: its checked ``document`` (``None`` with the
    ``error`` that kept it from being read) and the stamps of the files it read."""

    document: Document | None
    error: OSError | None
    seen: Snapshot


def compile_watched(path: pathlib.Path, *, scenario: str | None = None) -> Watched:
    """Read and check the journey at ``path`` (its ``scenario``, when given) and stamp every
    file it read.

    Diagnostics name the file as ``path`` is written; imports resolve beside
    it. Imports that cannot be read are noted as missing, so creating them is
    a change too. The main file is stamped before it is read, each import from the
    very bytes compiled: a save while a run is under way shows as a change.

    >>> import tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.journey").write_text('journey "A"\\nimport "b.journey"\\n')
    >>> found = compile_watched(folder / "a.journey")
    >>> sorted((p.name, s is not None) for p, s in found.seen.items())
    [('a.journey', True), ('b.journey', False)]
    >>> [d.code.id for d in found.document.diagnostics]
    ['CJ109']
    """
    try:
        status = os.stat(path)  # before the read: a save during it shows as a change
        data = files.read_bounded(path)
    except OSError as error:
        return Watched(None, error, {path: stamp(path)})
    seen: Snapshot = {path: _stamp(status, data)}
    source, problem = pipeline.decode(data, str(path))
    if problem is not None:
        return Watched(Document(source, None, (problem,)), None, seen)
    compiled = pipeline.compile(source, scenario=scenario)
    for read in compiled.reads:
        seen.setdefault(read.path, _stamp_read(read.path, read.data))
    return Watched(compiled.document, None, seen)


def _stamp_read(path: pathlib.Path, data: bytes | None) -> Stamp:
    """The stamp of an import compiling asked for, its digest from the very bytes compiled
    (``None``: it could not be read, so it is stamped as the watcher will see it)."""
    if data is None:
        return stamp(path)
    try:
        return _stamp(os.stat(path), data)
    except OSError:
        return None


def watch(
    build: Callable[[], Snapshot],
    *,
    interval: float = INTERVAL,
    sleep: Callable[[float], object] = time.sleep,
    running: Callable[[], bool] = lambda: True,
) -> None:
    """Call ``build`` now and after every change of the files it read, while ``running()``.

    ``build`` does the work and returns the snapshot of the files it read,
    taken before it read them (``compile_watched`` makes one). A change is acted
    on once the files have stayed the same for one more interval, so an
    editor's save (write a temporary file, remove the old one, rename) is one
    change, not two, and never seen half done.

    >>> import tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "j.journey"
    >>> _ = path.write_text("a")
    >>> runs, naps = [], []
    >>> def build():
    ...     seen = snapshot([path])
    ...     runs.append(path.read_text())
    ...     return seen
    >>> def nap(seconds):  # the user saves during the first pause
    ...     naps.append(seconds)
    ...     if len(naps) == 1:
    ...         _ = path.write_text("ab")
    >>> watch(build, sleep=nap, running=lambda: len(naps) < 4)
    >>> runs
    ['a', 'ab']
    """
    watcher = Watcher(build())
    while running():
        sleep(interval)
        if not watcher.changed():
            continue
        while running():
            sleep(interval)
            if not watcher.changed():
                break
        if running():
            watcher = Watcher(build())
