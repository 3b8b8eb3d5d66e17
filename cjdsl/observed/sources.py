"""Which files a log names: one file, a glob, or a folder (hive-partitioned or not).

The files are taken in the order of their paths, and that order is the first half of the
tie-break between events with the same timestamp (the row within the file is the second),
so a log gives the same journeys on every engine and every run. ``key=value`` folders on
the way to a file (hive partitioning, ``segment=b2b/part-0.parquet``) become columns.

>>> Source.of("logs/segment=b2b/day=2024-03-01/part-0.parquet").partitions
(('segment', 'b2b'), ('day', '2024-03-01'))
"""

from __future__ import annotations

import dataclasses
import glob
import os
import pathlib
import urllib.parse
from collections.abc import Sequence
from typing import Final, Literal

from .columns import LogError

__all__ = ["FORMATS", "Format", "Source", "expand"]

Format = Literal["csv", "parquet", "jsonl"]

FORMATS: Final[dict[str, Format]] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".jsonl.gz": "jsonl",
}
"""File endings cjdsl reads, and as what (``.json`` is read as one object a line)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """One file of a log: where it is, how it is read, the partition columns of its path."""

    path: str
    format: Format
    partitions: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, path: str) -> Source:
        """The source for ``path``, its format from its ending."""
        fmt = _format(path)
        if fmt is None:
            endings = ", ".join(sorted(FORMATS))
            raise LogError(f"{path}: cjdsl reads event logs ending in {endings}")
        parts = []
        for part in pathlib.PurePath(path).parent.parts:
            key, eq, value = part.partition("=")
            if eq and key and "=" not in value:
                parts.append((urllib.parse.unquote(key), urllib.parse.unquote(value)))
        return cls(path, fmt, tuple(parts))


def expand(specs: Sequence[str]) -> list[Source]:
    """The files of ``specs`` (files, globs, folders), in path order, each once."""
    paths: list[str] = []
    for spec in specs:
        if os.path.isdir(spec):
            found = sorted(
                str(p)
                for p in pathlib.Path(spec).rglob("*")
                if p.is_file() and _format(p.name) and not _hidden(p.relative_to(spec))
            )
            if not found:
                raise LogError(f"{spec}: no event files in this folder (*.csv, *.parquet, *.jsonl)")
            paths += found
        elif glob.has_magic(spec):
            found = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
            if not found:
                raise LogError(f"{spec}: no file matches")
            paths += found
        elif os.path.isfile(spec):
            paths.append(spec)
        elif os.path.exists(spec):
            raise LogError(f"{spec}: not a file or a folder")
        else:
            raise LogError(f"{spec}: no such file")
    seen: set[str] = set()
    unique = [p for p in paths if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]
    return [Source.of(p) for p in unique]


def _format(name: str) -> Format | None:
    lower = name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if lower.endswith(ending):
            return FORMATS[ending]
    return None


def _hidden(relative: pathlib.Path) -> bool:
    """Spark's and Hadoop's markers (``_SUCCESS``, ``.crc``) and hidden folders."""
    return any(part.startswith((".", "_")) for part in relative.parts)
