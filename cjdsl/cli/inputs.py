"""Which journey files the path arguments of `check` and `fmt` stand for.

A file is itself (named on the command line, it is read whatever the patterns say, as
ruff does, and a folder named is searched even if a pattern names it); a folder stands
for the ``*.journey`` files under it, in sorted order, less what the ``exclude`` and
``extend-exclude`` settings name (hidden files and folders and ``node_modules`` by
default) and, unless ``respect-gitignore`` is false, what the ``.gitignore`` files name:
those of the folders walked and of the folders above, up to the repository's root. An
excluded folder is never entered, so walking costs one listing per folder searched.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator, Sequence

from ..configuration import Finder, Patterns
from ..configuration.discovery import MAX_CONFIG_BYTES
from ..files import read_regular

__all__ = ["GITIGNORE", "journeys"]

GITIGNORE = ".gitignore"
_SUFFIX = ".journey"


def journeys(paths: Sequence[str], finder: Finder) -> Iterator[str]:
    """The paths, each folder replaced by the journey files under it."""
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            yield path
        else:
            yield from sorted(_walk(pathlib.Path(path), finder))


class _Ignores:
    """The ``.gitignore`` files that apply in a folder, deepest first, each read once."""

    def __init__(self, top: pathlib.Path) -> None:
        self._top = top
        self._in_repo = any((c / ".git").exists() for c in (top, *top.parents))
        self._files: dict[pathlib.Path, Patterns | None] = {}
        self._chains: dict[pathlib.Path, list[tuple[pathlib.Path, Patterns]]] = {}

    def chain(self, folder: pathlib.Path) -> list[tuple[pathlib.Path, Patterns]]:
        """The patterns of ``folder`` and of each folder above it, up to the repository's
        root (a folder with ``.git``) or, outside a repository, up to the top folder."""
        if folder not in self._chains:
            found = []
            for candidate in (folder, *folder.parents):
                patterns = self._read(candidate)
                if patterns is not None:
                    found.append((candidate, patterns))
                if (candidate / ".git").exists() or (candidate == self._top and not self._in_repo):
                    break
            self._chains[folder] = found
        return self._chains[folder]

    def _read(self, folder: pathlib.Path) -> Patterns | None:
        if folder not in self._files:
            try:
                text = read_regular(folder / GITIGNORE, limit=MAX_CONFIG_BYTES)
            except OSError:
                self._files[folder] = None
            else:
                lines = text.decode("utf-8", "replace").splitlines()
                self._files[folder] = Patterns.parse(lines)
        return self._files[folder]


def _relative(path: pathlib.Path, base: pathlib.Path) -> str | None:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None


def _depth(top: pathlib.Path, base: pathlib.Path) -> int:
    """How many folders of ``top`` lie below ``base`` (0 when it is not under it): those
    the user named, which no pattern excludes."""
    relative = _relative(top, base)
    return len([p for p in relative.split("/") if p and p != "."]) if relative else 0


def _walk(top: pathlib.Path, finder: Finder) -> Iterator[str]:
    absolute_top = pathlib.Path(os.path.abspath(top))
    ignores = _Ignores(absolute_top)

    def excluded(path: pathlib.Path, folder: pathlib.Path, is_folder: bool) -> bool:
        settings = finder.for_path(folder).settings
        where = pathlib.Path(os.path.abspath(path))
        base = settings.folder if _relative(where, settings.folder) else absolute_top
        relative = _relative(where, base)
        given = _depth(absolute_top, base)
        if relative and settings.excludes.excluded(relative, is_folder=is_folder, given=given):
            return True
        if not settings["respect-gitignore"]:
            return False
        for base, patterns in ignores.chain(pathlib.Path(os.path.abspath(folder))):
            inside = _relative(where, base)
            decided = (
                patterns.excluded(inside, is_folder=is_folder, given=_depth(absolute_top, base))
                if inside
                else None
            )
            if decided is not None:
                return decided
        return False

    for folder, folders, names in os.walk(top):
        here = pathlib.Path(folder)
        folders[:] = [f for f in folders if not excluded(here / f, here, True)]
        for name in names:
            if name.endswith(_SUFFIX) and not excluded(here / name, here, False):
                yield str(here / name)
