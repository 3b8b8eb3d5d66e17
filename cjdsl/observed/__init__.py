"""Event logs and what customers really did: one aggregation, DuckDB by default, Spark for scale.

``open_log`` reads CSV, Parquet or JSONL (a file, a glob, a hive-partitioned folder) into one
typed Ibis table (``events``); ``touches`` cuts it into journeys and ``transitions`` counts
the moves between touches (``journeys``, whose docstring is the contract the commands build
on). The expressions are defined once and run on DuckDB or on Spark (``engines``); only the
aggregated counts come back to Python. Needs ``pip install 'cjdsl[data]'``.
"""

from __future__ import annotations

from .columns import Columns, LogError
from .engines import Engine, connect
from .events import Log, open_log
from .journeys import CONVERSION, NULL, START, Count, counts, touches, transitions

__all__ = [
    "CONVERSION",
    "NULL",
    "START",
    "Columns",
    "Count",
    "Engine",
    "Log",
    "LogError",
    "connect",
    "counts",
    "open_log",
    "touches",
    "transitions",
]
