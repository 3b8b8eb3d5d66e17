"""Severity and Diagnostic: a problem found in a journey, as data."""

from __future__ import annotations

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
    """The names a misspelling may stand for, indexed once for many questions.

    ``closest`` first looks for choices one edit away (a letter added, dropped, changed
    or two swapped: the usual typos), through an index of each choice with one letter
    deleted, built at the first question. Only when none is that near does it compare
    ``name`` with every choice, as ``difflib`` does, and those full comparisons share a
    budget of ``SCAN_BUDGET`` for the index's life: a journey with a thousand misspelt
    ids among a thousand touchpoints is checked in linear time, where comparing each
    with each took 42 s. Answers are kept, so a name asked twice costs nothing.

    >>> Suggestions(["checkout", "cart", "shop"]).hint("chekout")
    'did you mean `checkout`?'
    """

    __slots__ = ("_answers", "_budget", "_choices", "_near")

    def __init__(self, choices: Iterable[str]) -> None:
        self._choices = tuple(dict.fromkeys(choices))
        self._near: dict[str, list[int]] | None = None
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
        near = self._index()
        candidates = dict.fromkeys(
            index for variant in _variants(name) for index in near.get(variant, ())
        )
        found = _best(name, [self._choices[i] for i in itertools.islice(candidates, _NEAREST)])
        if found is None and self._budget >= len(self._choices):
            self._budget -= len(self._choices)
            found = _scan(name, self._choices)
        return found

    def _index(self) -> dict[str, list[int]]:
        if self._near is None:
            self._near = {}
            for index, choice in enumerate(self._choices):
                if len(choice) <= _LONGEST:
                    for variant in dict.fromkeys(_variants(choice)):
                        self._near.setdefault(variant, []).append(index)
        return self._near


SCAN_BUDGET: Final = 5_000
"""How many full comparisons one ``Suggestions`` makes in all, after the near lookups fail
(about 0.2 s for similar ids)."""
_FEW: Final = 64  # this few choices are compared one by one, as difflib does
_LONGEST: Final = 64  # longer names are neither indexed nor suggested for
_NEAREST: Final = 32  # near candidates compared for one name
_CUTOFF: Final = 0.6  # difflib's


def _variants(name: str) -> Iterator[str]:
    """``name`` and ``name`` with each one letter deleted: two names one edit apart share one."""
    yield name
    for at in range(len(name)):
        yield name[:at] + name[at + 1 :]


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
