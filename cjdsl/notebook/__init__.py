"""Journeys in Jupyter: diagrams, journey maps and analysis tables inline, and ``%%journey``.

A ``Document`` is shown as its diagram (``display.Diagram``), ``cjdsl.journey_map``
as the map, an analysis ``Report`` as its tables (``reports.html``) and
``report.to_frame(name)`` gives a table as a pandas DataFrame (``reports.frame``).
``%load_ext cjdsl`` registers the ``%%journey`` cell magic (``magic``). Neither
IPython nor pandas is imported until a notebook asks: cjdsl depends on neither; and
showing a diagram does not import the analysis (NumPy, SciPy).
"""

from __future__ import annotations

from .display import Diagram, JourneyMap

__all__ = ["Diagram", "JourneyMap", "load_ipython_extension"]


def load_ipython_extension(shell: object) -> None:
    """Register the ``%%journey`` cell magic (``%load_ext cjdsl``)."""
    from . import magic

    magic.register(shell)  # type: ignore[arg-type]
