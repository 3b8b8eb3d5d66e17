"""Gitignore-style patterns (``exclude``, ``extend-exclude``, ``.gitignore`` files), matched
without regular expressions.

The rules of ``gitignore(5)``: a pattern without a slash (but a trailing one) matches a
name at any depth; one with a slash is anchored to the folder it belongs to; ``*`` and
``?`` stay within a name, ``[a-z]`` is a class (``[!a]`` negated), ``**`` spans folders;
a trailing ``/`` matches folders only; ``!`` takes a later pattern back; ``\\`` quotes.
A match of a folder covers all under it. Names are compared segment by segment, each
with the classic two-pointer wildcard match, so a pattern costs time proportional to
its length times the path's, whatever the text: no backtracking blow-up.

>>> patterns = Patterns.parse(["build/", "*.draft.journey", "!keep.draft.journey"])
>>> patterns.excluded("a/b.draft.journey"), patterns.excluded("keep.draft.journey")
(True, False)
>>> patterns.excluded("build/x.journey"), patterns.excluded("shop.journey")
(True, None)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

__all__ = ["Pattern", "Patterns", "match_name"]


@dataclasses.dataclass(frozen=True, slots=True)
class Pattern:
    """One pattern: its segments, and how it applies."""

    text: str
    segments: tuple[str, ...]
    negated: bool = False
    folders_only: bool = False
    anchored: bool = False

    @classmethod
    def parse(cls, text: str) -> Pattern | None:
        """A pattern from one line; ``None`` for a blank line or a ``#`` comment."""
        line = _strip_trailing_spaces(text)
        if not line or line.startswith("#"):
            return None
        negated = line.startswith("!")
        if negated or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        folders_only = line.endswith("/") and not line.endswith("\\/")
        line = line.rstrip("/") if folders_only else line
        anchored = "/" in line
        segments = tuple(s for s in line.split("/") if s)
        if not segments:
            return None
        if not anchored and segments != ("**",):
            segments = ("**", *segments)
        return cls(text, segments, negated, folders_only, anchored)

    def matches(self, parts: Sequence[str], is_folder: bool) -> bool:
        """Whether the path ``parts`` (relative to the pattern's folder) is matched."""
        if self.folders_only and not is_folder:
            return False
        return _match_parts(self.segments, parts)


@dataclasses.dataclass(frozen=True, slots=True)
class Patterns:
    """Patterns in order: the last that matches a path decides, as in ``.gitignore``."""

    patterns: tuple[Pattern, ...] = ()

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Patterns:
        """Patterns from lines (of a file or a setting)."""
        return cls(tuple(p for p in map(Pattern.parse, lines) if p is not None))

    def __add__(self, other: Patterns) -> Patterns:
        return Patterns(self.patterns + other.patterns)

    def excluded(self, path: str, *, is_folder: bool = False, given: int = 0) -> bool | None:
        """Whether ``path`` (``/``-separated, relative) is excluded: ``True`` or ``False``
        when a pattern decides, ``None`` when none matches it.

        A folder matched excludes all under it (``git`` never looks inside), so the
        folders on the way are asked first, but the first ``given`` ones: a folder named
        on the command line is searched whatever the patterns say of it.
        """
        parts = [p for p in path.split("/") if p and p != "."]
        for depth in range(max(1, given + 1), len(parts)):
            if self._decide(parts[:depth], True):
                return True
        return self._decide(parts, is_folder)

    def _decide(self, parts: Sequence[str], is_folder: bool) -> bool | None:
        for pattern in reversed(self.patterns):
            if pattern.matches(parts, is_folder):
                return not pattern.negated
        return None


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces are dropped unless quoted with a backslash (gitignore)."""
    line = line.rstrip("\r\n")
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped + " "
    return stripped


def _match_parts(segments: Sequence[str], parts: Sequence[str]) -> bool:
    """Segments (``**`` spans any number of parts) against path parts: a table of which
    prefixes match, one row per segment (``len(segments) * len(parts)`` steps)."""
    reachable = [True] + [False] * len(parts)  # which prefixes of parts the segments so far match
    for segment in segments:
        following = [False] * (len(parts) + 1)
        if segment == "**":
            seen = False
            for at in range(len(parts) + 1):
                seen = seen or reachable[at]
                following[at] = seen
        else:
            for at in range(len(parts)):
                if reachable[at] and match_name(segment, parts[at]):
                    following[at + 1] = True
        reachable = following
    return reachable[len(parts)]


def match_name(pattern: str, name: str) -> bool:
    """``fnmatch`` for one name, without a regular expression: ``*`` any run, ``?`` one
    character, ``[…]`` a class, ``\\`` quotes. Greedy with one remembered star, so it is
    ``O(len(pattern) * len(name))`` at worst.

    >>> match_name("*.journey", "Kündigung.journey"), match_name("[!a]?", "ab")
    (True, False)
    """
    p = n = 0
    star_p = star_n = -1
    while n < len(name):
        if p < len(pattern) and pattern[p] == "*":
            star_p, star_n = p, n
            p += 1
            continue
        if p < len(pattern):
            step = _one(pattern, p, name[n])
            if step:
                p += step
                n += 1
                continue
        if star_p >= 0:
            star_n += 1
            p, n = star_p + 1, star_n
            continue
        return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _one(pattern: str, at: int, char: str) -> int:
    """How many pattern characters at ``at`` match ``char`` (0: no match)."""
    head = pattern[at]
    if head == "?":
        return 1
    if head == "\\" and at + 1 < len(pattern):
        return 2 if pattern[at + 1] == char else 0
    if head == "[":
        return _class(pattern, at, char)
    return 1 if head == char else 0


def _class(pattern: str, at: int, char: str) -> int:
    """A ``[…]`` class at ``at``: its length when ``char`` is in it, else 0; a ``[``
    without its ``]`` is a plain character."""
    i = at + 1
    negated = i < len(pattern) and pattern[i] in "!^"
    i += negated
    start = i
    found = False
    while i < len(pattern) and (pattern[i] != "]" or i == start):
        low = pattern[i]
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            found = found or low <= char <= pattern[i + 2]
            i += 3
        else:
            found = found or low == char
            i += 1
    if i >= len(pattern):
        return 1 if char == "[" else 0
    return i - at + 1 if found != negated else 0
