"""The Spark route: the same Ibis expressions on PySpark ``local[2]`` give counts identical to
DuckDB's and to the pandas reference, on a log with ties, revisits, self-loops and several
conversions per user, split over files so the (file, row) tie-break matters. Needs Java and
pyspark: skips locally without them, fails under CI=true (``.ci/run`` installs a JRE)."""

from __future__ import annotations

import importlib.util
import pathlib
import shutil
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from cjdsl import observed
from cjdsl.observed import engines

from .conftest import need
from .observed_reference import assert_same, generate, reference, write

CUTS: list[dict[str, Any]] = [
    {"by_segment": True},
    {"cut_at_conversion": False, "session_gap": 1800.0},
]


@pytest.fixture(scope="module")
def spark() -> Iterator[observed.Engine]:
    need(shutil.which("java") is not None, "a Java runtime for Spark")
    need(importlib.util.find_spec("pyspark") is not None, "pyspark (the spark extra)")
    session = engines.spark_session(partitions=2, memory="1g")
    try:
        yield engines.connect("spark", spark=session)
    finally:
        session.stop()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(users=300, seed=23)


def table(log: observed.Log, cut: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (c.segment, c.source, c.target, c.n, c.median_s, c.mean_s)
        for c in observed.counts(log, **cut)
    ]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_spark_counts_equal_duckdb_and_the_reference(
    spark: observed.Engine, frame: pd.DataFrame, tmp_path: pathlib.Path, fmt: str
) -> None:
    write(frame, tmp_path, fmt, parts=3)
    on_spark = observed.open_log(str(tmp_path), engine=spark, roles={"value": "revenue"})
    on_duckdb = observed.open_log(str(tmp_path), roles={"value": "revenue"})
    for cut in CUTS:
        got = table(on_spark, cut)
        assert_same(got, table(on_duckdb, cut))
        assert_same(got, reference(frame, **cut))
        assert sum(r[3] for r in got) > 1000


def test_spark_reads_the_session_in_utc_and_names_bad_times(
    spark: observed.Engine, tmp_path: pathlib.Path
) -> None:
    (tmp_path / "l.csv").write_text(
        "user_id,timestamp,event\nu,2024-03-31T03:30:00+02:00,b\nu,2024-03-31 01:00:00,a\n"
    )
    log = observed.open_log(str(tmp_path / "l.csv"), engine=spark)
    [gap] = [c for c in observed.counts(log) if c.source == "a"]
    assert (gap.target, gap.median_s) == ("b", 1800.0)  # 01:30 UTC − 01:00 UTC
    (tmp_path / "l.csv").write_text("user_id,timestamp,event\nu,morgen,a\n")
    with pytest.raises(observed.LogError, match=r"l\.csv row 1: 'morgen'"):
        observed.open_log(str(tmp_path / "l.csv"), engine=spark)


def test_spark_reads_a_time_format_as_duckdb_does(
    spark: observed.Engine, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "de.csv"
    path.write_text(
        "user_id,timestamp,event\n"
        "u,31.12.2024 14:30,a\nu,31.12.2024 14:45,b\nv,01.01.2025 09:00,a\n"
    )
    fmt = "%d.%m.%Y %H:%M"
    on_spark = observed.open_log(str(path), engine=spark, time_format=fmt)
    assert_same(table(on_spark, {}), table(observed.open_log(str(path), time_format=fmt), {}))
    gaps = {c.target: c.median_s for c in observed.counts(on_spark) if c.source == "a"}
    assert gaps == {"b": 900.0, "(null)": None}
    path.write_text("user_id,timestamp,event\nu,31.12.2024 14:30,a\nu,2024-12-31,b\n")
    with pytest.raises(observed.LogError, match=r"de\.csv row 2: '2024-12-31'"):
        observed.open_log(str(path), engine=spark, time_format=fmt)
