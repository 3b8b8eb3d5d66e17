"""Which configuration file applies to a path: the nearest one up the folders, as ruff finds it.

From the file's folder up to the file system's root, the first folder with a
``cjdsl.toml``, or a ``pyproject.toml`` that has a ``[tool.cjdsl]`` table, wins; in one
folder ``cjdsl.toml`` comes first, and a ``pyproject.toml`` without the table is passed
over. A ``Finder`` remembers the answer for every folder it walked through, so the
journeys of a whole tree cost one look per folder.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Callable
from typing import Final

from .. import codes, files
from ..diagnostics import Diagnostic
from ..source import SourceFile, Span
from .settings import Settings, defaults, parse

__all__ = ["CJDSL_TOML", "PYPROJECT", "Finder", "Found", "display", "load_file"]

CJDSL_TOML: Final = "cjdsl.toml"
PYPROJECT: Final = "pyproject.toml"
MAX_CONFIG_BYTES: Final = 1024 * 1024
_TABLE: Final = ("tool", "cjdsl")

Reader = Callable[[pathlib.Path], bytes]


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """The settings in force, and what is wrong with the file they came from."""

    settings: Settings
    diagnostics: tuple[Diagnostic, ...] = ()


def _read(path: pathlib.Path) -> bytes:
    return files.read_regular(path, limit=MAX_CONFIG_BYTES + 1)


class Finder:
    """Finds the settings for paths, each folder's answer found once."""

    def __init__(
        self,
        read: Reader = _read,
        *,
        cwd: pathlib.Path | None = None,
        fixed: Found | None = None,
    ) -> None:
        self._read = read
        self._cwd = (cwd or pathlib.Path.cwd()).absolute()
        self._folders: dict[pathlib.Path, Found] = {}
        self._fixed = fixed

    @classmethod
    def isolated(cls, cwd: pathlib.Path | None = None) -> Finder:
        """A finder that finds nothing: the defaults everywhere (``--isolated``)."""
        return cls(fixed=Found(defaults((cwd or pathlib.Path.cwd()).absolute())))

    @classmethod
    def of_file(cls, path: pathlib.Path, cwd: pathlib.Path | None = None) -> Finder:
        """A finder that gives one file's settings everywhere (``--config FILE``): its
        keys at the top level, or under ``[tool.cjdsl]`` for a ``pyproject.toml``."""
        table = _TABLE if path.name == PYPROJECT else ()
        found = load_file(path.absolute(), table, cwd=cwd)
        return cls(fixed=found or Found(defaults(path.absolute().parent)))

    def for_path(self, path: str | pathlib.Path) -> Found:
        """The settings for a file or folder (``-``: the working directory)."""
        if self._fixed is not None:
            return self._fixed
        where = self._cwd if str(path) == "-" else pathlib.Path(os.path.abspath(path))
        folder = where if where.is_dir() else where.parent
        walked: list[pathlib.Path] = []
        found: Found | None = None
        for candidate in (folder, *folder.parents):
            if candidate in self._folders:
                found = self._folders[candidate]
                break
            walked.append(candidate)
            found = self._look(candidate)
            if found is not None:
                break
        if found is None:
            found = Found(defaults(self._cwd))
        for candidate in walked:
            self._folders[candidate] = found
        return found

    def _look(self, folder: pathlib.Path) -> Found | None:
        own = folder / CJDSL_TOML
        if own.is_file():
            return load_file(own, (), self._read, self._cwd)
        project = folder / PYPROJECT
        if project.is_file():
            return load_file(project, _TABLE, self._read, self._cwd)
        return None


def load_file(
    path: pathlib.Path,
    table: tuple[str, ...],
    read: Reader = _read,
    cwd: pathlib.Path | None = None,
) -> Found | None:
    """The settings of one file (``None``: a ``pyproject.toml`` without ``[tool.cjdsl]``);
    a file that cannot be read or decoded is a CJ701 and sets nothing."""
    shown = display(path, cwd or pathlib.Path.cwd())
    try:
        data = read(path)
    except OSError as error:
        return _broken(shown, path.parent, f"cannot read it: {error.strerror or error}")
    if len(data) > MAX_CONFIG_BYTES:
        return _broken(shown, path.parent, "the configuration file is larger than 1 MiB")
    if table and b"tool.cjdsl" not in data and b'"cjdsl"' not in data:
        return None  # most pyproject.toml files: no need to parse them
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _broken(shown, path.parent, "the configuration file is not valid UTF-8")
    settings, diagnostics = parse(text, shown, table=table)
    if settings is None:
        return None
    return Found(dataclasses.replace(settings, folder=path.parent), diagnostics)


def _broken(shown: str, folder: pathlib.Path, message: str) -> Found:
    source = SourceFile(shown, "")
    problem = Diagnostic(
        codes.INVALID_CONFIG,
        message,
        Span(source, 0, 0),
        label="not read",
        hint="cjdsl reads no setting of this file until it is fixed",
    )
    return Found(dataclasses.replace(defaults(folder), path=shown), (problem,))


def display(path: pathlib.Path, cwd: pathlib.Path) -> str:
    """A path as messages show it: relative to the working directory when under it."""
    try:
        return path.relative_to(cwd).as_posix()
    except ValueError:
        return str(path)
