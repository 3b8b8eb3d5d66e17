"""`cjdsl attribute LOG --engine spark`: the journeys' paths from PySpark ``local[2]`` equal
DuckDB's (lookback, conversion events, per-journey times). Needs Java and pyspark: skips
locally without them, fails under CI=true (``.ci/run`` installs a JRE)."""

from __future__ import annotations

import importlib.util
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from cjdsl import observed
from cjdsl.observed import engines, logpaths, pathtables

from .conftest import need
from .observed_reference import generate, write

ROLES = {"value": "revenue"}


@pytest.fixture(scope="module")
def spark() -> Iterator[observed.Engine]:
    need(shutil.which("java") is not None, "a Java runtime for Spark")
    need(importlib.util.find_spec("pyspark") is not None, "pyspark (the spark extra)")
    session = engines.spark_session(partitions=2, memory="1g")
    try:
        yield engines.connect("spark", spark=session)
    finally:
        session.stop()


def rows(paths: pathtables.Paths) -> list[tuple[Any, ...]]:
    return sorted(
        (paths.steps(i), paths.conversions[i], round(float(paths.value[i]), 6), paths.null[i])
        for i in range(paths.size)
    )


@pytest.mark.parametrize(
    "cut",
    [{}, {"lookback": 7200.0, "conversion_events": ("Kündigung",)}, {"with_times": True}],
    ids=["plain", "lookback-and-conversion-events", "times"],
)
def test_spark_gives_duckdbs_paths(
    spark: observed.Engine, tmp_path: pathlib.Path, cut: dict[str, Any]
) -> None:
    paths = write(generate(users=200, seed=9), tmp_path, "parquet", parts=2)
    on_duckdb, left_duckdb = logpaths.paths(observed.open_log(paths, roles=ROLES), **cut)
    on_spark, left_spark = logpaths.paths(
        observed.open_log(paths, engine=spark, roles=ROLES), **cut
    )
    assert rows(on_spark) == rows(on_duckdb)
    assert left_spark.journeys == left_duckdb.journeys
    assert left_spark.conversions == left_duckdb.conversions
    assert left_spark.value == pytest.approx(left_duckdb.value, abs=1e-6)
    if cut.get("with_times"):
        assert on_spark.times is not None and on_duckdb.times is not None
        assert np.sort(on_spark.times).tolist() == np.sort(on_duckdb.times).tolist()
