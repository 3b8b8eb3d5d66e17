"""Source texts and the spans that point into them."""

from __future__ import annotations

import bisect
import dataclasses
from typing import Final

__all__ = ["MAX_COMMAS", "MAX_LINES", "MAX_SOURCE_BYTES", "SourceFile", "Span"]

MAX_SOURCE_BYTES: Final = 16 * 1024 * 1024
"""The largest file cjdsl reads (CJ007): a 100,000-touchpoint journey is about 14 MB. Compiling
takes up to 50 bytes of memory per byte of blank lines, comments or strings, some 90 per byte
of a journey and 180 per byte of the densest run the fuzzer makes (``bench/bench_memory.py``):
a file this size compiles within 4 GB, and a bigger one is almost surely no journey."""

MAX_LINES: Final = 3_000_000
"""The most lines cjdsl compiles (CJ007): a statement every line costs up to about 1 kB (a
token, a tree and a finding each); a 100,000-touchpoint journey has 450,000 lines. With this
and ``MAX_COMMAS`` even the densest runs the fuzzer makes (a line of ``x`` each, a run of
commas) compile within 4 GB at any size the byte limit allows."""
MAX_COMMAS: Final = 3_000_000
"""The most commas cjdsl compiles (CJ007): each is a token and a lowered value."""


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class SourceFile:
    """A ``.journey`` text with the path it is shown under.

    Compared by identity: a text is one file, and hashing it is not free.

    >>> SourceFile("x.journey", "ab\\ncd").line_col(3)
    (2, 1)
    """

    path: str
    text: str = dataclasses.field(repr=False)
    _line_starts: tuple[int, ...] = dataclasses.field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        index = find("\n")
        while index >= 0:
            starts.append(index + 1)
            index = find("\n", index + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    def line_col(self, offset: int) -> tuple[int, int]:
        """Return the 1-based ``(line, column)`` of a character offset.

        Columns count Unicode code points, as editors show them.
        """
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line without its line break."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def line_count(self) -> int:
        """Number of lines (a trailing newline opens an empty last line)."""
        return len(self._line_starts)

    def utf16_col(self, offset: int) -> tuple[int, int]:
        """Return the 0-based ``(line, character)`` in UTF-16 code units, as LSP counts."""
        line, col = self.line_col(offset)
        start = self._line_starts[line - 1]
        prefix = self.text[start : start + col - 1]
        return line - 1, len(prefix.encode("utf-16-le")) // 2


@dataclasses.dataclass(frozen=True, slots=True)
class Span:
    """Half-open ``[start, end)`` character offsets into ``file``."""

    file: SourceFile
    start: int
    end: int

    @property
    def line(self) -> int:
        """1-based line of the start."""
        return self.file.line_col(self.start)[0]

    @property
    def col(self) -> int:
        """1-based column of the start."""
        return self.file.line_col(self.start)[1]

    @property
    def end_line_col(self) -> tuple[int, int]:
        """1-based ``(line, column)`` of the end."""
        return self.file.line_col(self.end)

    @property
    def text(self) -> str:
        """The source text the span covers."""
        return self.file.text[self.start : self.end]

    def __str__(self) -> str:
        line, col = self.file.line_col(self.start)
        return f"{self.file.path}:{line}:{col}"
