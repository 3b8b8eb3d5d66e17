"""Severity and Diagnostic: a problem found in a journey, as data."""

from __future__ import annotations

import collections
import dataclasses
import difflib
import enum
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .codes import Code
    from .source import Span

__all__ = [
    "SCAN_BUDGET",
    "Diagnostic",
    "Related",
    "Reporter",
    "Severity",
    "Suggestions",
    "did_you_mean",
    "has_errors",
    "sort",
]


class Severity(enum.Enum):
    """How bad a diagnostic is; errors fail ``cjdsl check``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info (sort order)."""
        return ("error", "warning", "info").index(self.value)


@dataclasses.dataclass(frozen=True, slots=True)
class Related:
    """A second place a diagnostic points at ("first defined here")."""

    span: Span
    message: str


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem, anchored to a span of its source.

    ``message`` is a lowercase summary with names in backticks; ``label``
    says what is wrong at the caret; ``hint`` is the next step.
    """

    code: Code
    message: str
    span: Span
    label: str = ""
    hint: str | None = None
    related: tuple[Related, ...] = ()
    severity_override: Severity | None = None

    @property
    def severity(self) -> Severity:
        """The code's default severity unless this diagnostic overrides it."""
        return self.severity_override or self.code.severity


class Reporter:
    """What a stage that collects diagnostics shares: the list and ``report``."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def report(
        self,
        code: Code,
        message: str,
        at: Span,
        *,
        label: str = "",
        hint: str | None = None,
        related: tuple[Related, ...] = (),
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, at, label, hint, related))


def sort(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Order diagnostics by file, position and code, dropping exact repeats."""
    unique = dict.fromkeys(diagnostics)
    return tuple(
        sorted(unique, key=lambda d: (d.span.file.path, d.span.start, d.code.id, d.message))
    )


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """True if any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for the choice closest to a misspelt ``name``, if one is close.

    A few choices are compared with ``name`` one by one; many are looked up in an index
    (``Suggestions``) kept for the last few sets of choices, so a caller that asks once
    per unknown name among thousands stays linear. A caller with many names to suggest
    for builds one ``Suggestions`` and asks it instead.

    >>> did_you_mean("shpo", ["shop", "ad"]), did_you_mean("zz", ["shop"])
    ('did you mean `shop`?', None)
    """
    options = tuple(choices)
    if len(options) <= _FEW:
        return _hint(_scan(name, options))
    return _indexed(options).hint(name)


class Suggestions:
    """The names a misspelling may stand for, for many questions about one set of choices.

    ``closest`` first tries every string one edit away from ``name`` (a letter dropped,
    added or changed, or two neighbours swapped: the usual typos) against a set of the
    choices; the letters it adds or changes to are the ``_LETTERS`` most common in the
    choices. Only when none of them is a choice does it compare ``name`` with every
    choice, as ``difflib`` does, and those full comparisons share a budget of
    ``SCAN_BUDGET`` for the object's life. So a journey with a thousand misspelt ids
    among a thousand touchpoints is checked in linear time, where comparing each with
    each took 42 s. Answers are kept, so a name asked twice costs nothing.

    >>> Suggestions(["checkout", "cart", "shop"]).hint("chekout")
    'did you mean `checkout`?'
    """

    __slots__ = ("_answers", "_budget", "_choices", "_known", "_letters")

    def __init__(self, choices: Iterable[str]) -> None:
        self._choices = tuple(dict.fromkeys(choices))
        self._known: frozenset[str] = frozenset()
        self._letters = ""
        self._budget = SCAN_BUDGET
        self._answers: dict[str, str | None] = {}

    def hint(self, name: str) -> str | None:
        """``did you mean `x`?`` for the closest choice, or ``None``."""
        return _hint(self.closest(name))

    def closest(self, name: str) -> str | None:
        """The choice most like ``name`` (difflib's ratio of at least 0.6), or ``None``."""
        if name not in self._answers:
            self._answers[name] = self._find(name)
        return self._answers[name]

    def _find(self, name: str) -> str | None:
        if len(name) > _LONGEST:
            return None  # no typo of an id this long is worth the comparisons
        if not self._known:  # at the first question: most lists are never asked about
            self._known = frozenset(self._choices)
            counts = collections.Counter(itertools.chain.from_iterable(self._choices))
            self._letters = "".join(sorted(counts, key=lambda c: (-counts[c], c))[:_LETTERS])
        near = dict.fromkeys(e for e in _edits(name, self._letters) if e in self._known)
        found = _best(name, itertools.islice(near, _NEAREST))
        if found is None and self._budget >= len(self._choices):
            self._budget -= len(self._choices)
            found = _scan(name, self._choices)
        return found


SCAN_BUDGET: Final = 5_000
"""How many full comparisons one ``Suggestions`` makes in all, after the near lookups fail
(about 0.2 s for similar ids)."""
_FEW: Final = 64  # this few choices are compared one by one, as difflib does
_LONGEST: Final = 64  # no suggestion for a longer name
_LETTERS: Final = 40  # letters tried in edits: an id's [a-z0-9_] and a few more
_NEAREST: Final = 32  # near candidates compared for one name
_CUTOFF: Final = 0.6  # difflib's


def _edits(name: str, letters: str) -> Iterator[str]:
    """Every string one edit away from ``name``, inserting and substituting ``letters``."""
    for at in range(len(name) + 1):
        head, tail = name[:at], name[at:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
        for letter in letters:
            yield head + letter + tail
            if tail:
                yield head + letter + tail[1:]


def _best(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate of the highest difflib ratio (ties: the greater name, as difflib)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(name)
    scored = []
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() >= _CUTOFF and matcher.quick_ratio() >= _CUTOFF:
            score = matcher.ratio()
            if score >= _CUTOFF:
                scored.append((score, candidate))
    return max(scored)[1] if scored else None


def _scan(name: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=_CUTOFF)
    return close[0] if close else None


def _hint(close: str | None) -> str | None:
    return f"did you mean `{close}`?" if close else None


@functools.lru_cache(maxsize=4)
def _indexed(choices: tuple[str, ...]) -> Suggestions:
    """The index of a set of choices, kept while a check asks about it name by name."""
    return Suggestions(choices)
