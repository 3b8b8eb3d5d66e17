"""Where the events are counted: DuckDB in this process, or Apache Spark.

Both run the same Ibis expressions (``events``, ``journeys``); what differs between them is
only here: how a file is read as it is, and how its rows are numbered (DuckDB's Parquet
reader numbers rows per file; CSV and JSON rows are numbered in scan order; Spark's
``monotonically_increasing_id`` rises in file order within one file, which is read alone,
because Spark orders the files of a folder by size, not by name). Every session runs in
UTC, so naive timestamps mean UTC on both.

The extras install the engines: ``pip install 'cjdsl[data]'`` (DuckDB) and
``'cjdsl[spark]'`` (PySpark; Spark needs a Java runtime).
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import tempfile
from typing import TYPE_CHECKING, Any, Final, Literal

from .columns import LogError
from .sources import Source

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["ENGINES", "Engine", "EngineName", "connect", "require_ibis"]

EngineName = Literal["duckdb", "spark"]
ENGINES: Final[tuple[EngineName, ...]] = ("duckdb", "spark")

_VIEWS = itertools.count()


def require_ibis() -> None:
    """Raise ``LogError`` with the install line when the data extra is missing."""
    try:
        import duckdb  # noqa: F401
        import ibis  # noqa: F401
    except ImportError as error:
        raise LogError(
            f"reading event logs needs the data extra ({error.name} is missing): "
            "pip install 'cjdsl[data]'"
        ) from error


@dataclasses.dataclass(frozen=True, slots=True)
class Engine:
    """A connection to one engine; ``spark`` is the SparkSession on the Spark route."""

    name: EngineName
    backend: Any
    spark: Any = None

    def read(self, source: Source) -> ir.Table:
        """The file as it is, with ``_row``: its rows' order in the file (0-based)."""
        try:
            if self.name == "duckdb":
                return _read_duckdb(self.backend, source)
            return _read_spark(self.backend, self.spark, source)
        except LogError:
            raise
        except Exception as error:  # the engines' own errors name the file and the reason
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            raise LogError(f"{source.path}: cannot read it as {source.format}: {first}") from error

    def parse_time(self, text: ir.StringValue, time_format: str) -> ir.TimestampValue:
        """``text`` read with a strptime ``time_format`` (``%d.%m.%Y %H:%M``), in the engine:
        DuckDB's ``try_strptime``, Spark's ``try_to_timestamp`` with the pattern in Java's
        letters. A value that does not fit is ``NULL`` (``events`` names its rows); with
        ``%z`` the offset is converted to UTC, without it the time is read as UTC."""
        return _parse_time(self.name, text, time_format)


def connect(
    name: EngineName = "duckdb",
    *,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    spark_master: str | None = None,
    spark: Any = None,
) -> Engine:
    """Open an engine. DuckDB: in memory, spilling to ``temp_directory`` past
    ``memory_limit`` (``"2GB"``). Spark: ``spark`` if given, else the active session,
    else a local one (``spark_master``, default ``local[2]``), all pinned to UTC."""
    require_ibis()
    import ibis

    if name == "duckdb":
        config: dict[str, str] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if temp_directory:
            config["temp_directory"] = temp_directory
        try:
            backend = ibis.duckdb.connect(**config)
        except Exception as error:
            raise LogError(f"cannot start DuckDB: {str(error).splitlines()[0]}") from error
        # With the ICU extension DuckDB has a session zone; without it, it knows only UTC.
        with contextlib.suppress(Exception):
            backend.raw_sql("SET TimeZone = 'UTC'")
        return Engine("duckdb", backend)
    session = spark if spark is not None else spark_session(spark_master)
    session.conf.set("spark.sql.session.timeZone", "UTC")
    return Engine("spark", ibis.pyspark.connect(session), session)


def spark_session(master: str | None = None, *, memory: str = "2g", partitions: int = 4) -> Any:
    """The active SparkSession, or a small local one: ``local[2]``, few shuffle
    partitions, capped driver memory, UI off, the driver on loopback."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise LogError(
            "--engine spark needs the spark extra: pip install 'cjdsl[spark]' (and Java)"
        ) from error
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master or "local[2]")
        .appName("cjdsl")
        .config("spark.driver.memory", memory)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.default.parallelism", str(partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.local.dir", tempfile.mkdtemp(prefix="cjdsl-spark-"))
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:  # no Java, or a master that is not there
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise LogError(f"cannot start Spark: {first}") from error
    session.sparkContext.setLogLevel("ERROR")
    return session


def _parse_time(name: EngineName, text: ir.StringValue, time_format: str) -> ir.TimestampValue:
    import ibis
    import ibis.expr.datatypes as dt

    if name == "duckdb":
        function, pattern = "try_strptime", time_format
    else:
        from sqlglot import time
        from sqlglot.dialects.spark import Spark

        function = "try_to_timestamp"
        pattern = str(
            time.format_time(time_format, Spark.INVERSE_TIME_MAPPING, Spark.INVERSE_TIME_TRIE)
        )
    parse = ibis.udf.scalar.builtin(
        name=function, signature=((dt.string, dt.string), dt.Timestamp(timezone="UTC"))
    )(_builtin)
    return parse(text, pattern).cast("timestamp")


def _builtin(text: str, pattern: str) -> Any:
    """The signature of an engine's own time parser (``_parse_time``); never called."""


def _read_duckdb(backend: Any, source: Source) -> ir.Table:
    import ibis

    if source.format == "parquet":
        table = backend.read_parquet(source.path, file_row_number=True)
        return table.rename(_row="file_row_number")
    if source.format == "csv":
        delim = "\t" if source.path.lower().endswith(".tsv") else ","
        table = backend.read_csv(source.path, all_varchar=True, header=True, delim=delim)
    else:
        table = backend.read_json(source.path, format="newline_delimited")
    return table.mutate(_row=ibis.row_number())


def _read_spark(backend: Any, spark: Any, source: Source) -> ir.Table:
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    reader = spark.read
    if source.format == "parquet":
        frame = reader.parquet(source.path)
    elif source.format == "csv":
        sep = "\t" if source.path.lower().endswith(".tsv") else ","
        frame = reader.option("header", True).option("sep", sep).csv(source.path)
    else:
        frame = reader.json(source.path)
    for field in frame.schema.fields:  # naive Parquet timestamps: TIMESTAMP_NTZ; UTC session
        if isinstance(field.dataType, T.TimestampNTZType):
            frame = frame.withColumn(field.name, F.col(field.name).cast(T.TimestampType()))
    frame = frame.withColumn("_row", F.monotonically_increasing_id())
    name = f"cjdsl_log_{os.getpid()}_{next(_VIEWS)}"
    frame.createOrReplaceTempView(name)
    return backend.table(name)
