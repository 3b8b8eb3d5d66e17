"""How far a docs build is with its diagrams: a line every so many renders and a summary.

Both plugins count each diagram (and journey map) as rendered now or taken from the cache
(``Cache.misses`` tells which) and log through their tool's own output: Sphinx's status
stream (``sphinx.util.logging``), MkDocs' ``logging`` (``INFO - cjdsl: …``), the summary
only once a site has ``every`` diagrams. So a long build says what it does on a terminal
and in a CI log alike; the spinner of
``cjdsl.cli.progress`` is added only where stderr is a terminal (MkDocs).
"""

from __future__ import annotations

import dataclasses
import time
from typing import Final

__all__ = ["EVERY", "Tally", "Timer"]

EVERY: Final = 25
"""Renders between two progress lines unless the site says otherwise."""


@dataclasses.dataclass(slots=True)
class Tally:
    """The diagrams of one build so far."""

    every: int = EVERY
    rendered: int = 0
    cached: int = 0
    seconds: float = 0.0

    def add(self, rendered: bool, seconds: float) -> str | None:
        """Count one diagram; the progress line when the ``every``-th render is done."""
        if not rendered:
            self.cached += 1
            return None
        self.rendered += 1
        self.seconds += seconds
        if self.every > 0 and self.rendered % self.every == 0:
            plural = "s" if self.rendered != 1 else ""
            return f"cjdsl: {self.rendered} diagram{plural} rendered ({self.seconds:.1f} s)"
        return None

    def merge(self, other: Tally) -> None:
        """Add the counts of another process's build (Sphinx's parallel reading)."""
        self.rendered += other.rendered
        self.cached += other.cached
        self.seconds += other.seconds

    def summary(self) -> str | None:
        """``cjdsl: 12 diagrams, 2 rendered (1.4 s), 10 from the cache``; ``None`` for a
        site with fewer diagrams than ``every`` (a small site builds as quietly as before)."""
        total = self.rendered + self.cached
        if not total or total < self.every:
            return None
        return (
            f"cjdsl: {total} diagram{'s' if total != 1 else ''}, {self.rendered} rendered "
            f"({self.seconds:.1f} s), {self.cached} from the cache"
        )


class Timer:
    """Seconds since it was made (``time.monotonic``)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self) -> float:
        return time.monotonic() - self.start
