"""The event-log layer on DuckDB: reading every format, column mapping, the journey cut and
the transition counts, held to the independent pandas reference; bad logs get clear errors."""

from __future__ import annotations

import pathlib
from typing import Any

import pandas as pd
import pytest

from cjdsl import observed
from cjdsl.observed.columns import Columns, LogError, parse_mapping
from cjdsl.observed.sources import expand

from .observed_reference import assert_same, generate, reference, write

ROLES = {"value": "revenue"}


def rows(log: observed.Log, **cut: Any) -> list[tuple[Any, ...]]:
    return [
        (c.segment, c.source, c.target, c.n, c.median_s, c.mean_s)
        for c in observed.counts(log, **cut)
    ]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(users=300, seed=11)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_every_format_and_several_files_equal_the_reference(
    frame: pd.DataFrame, tmp_path: pathlib.Path, fmt: str
) -> None:
    write(frame, tmp_path / "log", fmt, parts=3)
    log = observed.open_log(str(tmp_path / "log"), roles=ROLES)
    assert_same(rows(log), reference(frame))


@pytest.mark.parametrize(
    "cut", [{}, {"cut_at_conversion": False}, {"session_gap": 1800.0, "cut_at_conversion": False}]
)
def test_cut_settings_and_segments_equal_the_reference(
    frame: pd.DataFrame, tmp_path: pathlib.Path, cut: dict[str, Any]
) -> None:
    [path] = write(frame, tmp_path, "parquet")
    log = observed.open_log(path, roles=ROLES)
    assert_same(rows(log, **cut), reference(frame, **cut))
    assert_same(rows(log, by_segment=True, **cut), reference(frame, by_segment=True, **cut))


def test_the_generated_log_has_what_the_pitfalls_need(frame: pd.DataFrame) -> None:
    """Ties, self-loops and several conversions per user, or the equality proves little."""
    assert frame.duplicated(["user_id", "timestamp"]).sum() > 50
    ref = reference(frame, cut_at_conversion=False)
    assert any(a == b for _, a, b, *_ in ref)
    assert (frame.groupby("user_id")["conversion"].sum() >= 2).sum() > 10


def test_ties_keep_the_file_order_across_files(tmp_path: pathlib.Path) -> None:
    """Same second, split over two files: path order, then row order, decides."""
    (tmp_path / "a.csv").write_text("user_id,timestamp,event\nu,2024-03-01 10:00:00,zwei\n")
    (tmp_path / "0.csv").write_text("user_id,timestamp,event\nu,2024-03-01 10:00:00,eins\n")
    (tmp_path / "b.csv").write_text(
        "user_id,timestamp,event\nu,2024-03-01 10:00:00,drei\nu,2024-03-01 10:00:00,vier\n"
    )
    log = observed.open_log(str(tmp_path / "*.csv"))
    cut = observed.touches(log).order_by("seq").to_pyarrow().to_pylist()
    assert [r["event"] for r in cut] == ["eins", "zwei", "drei", "vier"]


def test_touches_follow_the_contract(tmp_path: pathlib.Path) -> None:
    (tmp_path / "l.csv").write_text(
        "user_id,timestamp,event,conversion,value,segment\n"
        "u1,2024-03-01T12:00:00+02:00,Website,1,30,b2c\n"  # 10:00 UTC
        "u1,2024-03-01 09:00:00,Anzeige,0,,b2c\n"
        "u1,2024-03-01 11:00:00,Filiale,no,5,\n"
    )
    log = observed.open_log(str(tmp_path / "l.csv"))
    got = observed.touches(log).order_by(["journey", "seq"]).to_pyarrow().to_pylist()
    assert [(r["journey"], r["seq"], r["length"], r["event"]) for r in got] == [
        (1, 1, 2, "Anzeige"),
        (1, 2, 2, "Website"),
        (2, 1, 1, "Filiale"),
    ]
    assert [r["time"].hour for r in got] == [9, 10, 11]
    assert [(r["conversion"], r["value"], r["journey_value"]) for r in got] == [
        (0, 0.0, 30.0),
        (1, 30.0, 30.0),
        (0, 0.0, 0.0),
    ]
    assert [r["segment"] for r in got] == ["b2c", "b2c", None]
    assert got[0]["next_event"] == "Website" and got[1]["next_event"] is None
    assert got[0]["next_us"] - got[0]["ts_us"] == 3600 * 10**6


def test_hive_partitions_become_columns(frame: pd.DataFrame, tmp_path: pathlib.Path) -> None:
    for seg in ("b2b", "b2c"):
        part = frame[frame["segment"] == seg].drop(columns="segment")
        write(part, tmp_path / f"segment={seg}", "parquet")
    log = observed.open_log(str(tmp_path), roles=ROLES)
    assert log.columns.segment == "segment"
    assert {c.segment for c in observed.counts(log, by_segment=True)} == {"b2b", "b2c"}


def test_common_names_flags_and_the_mapping_file() -> None:
    assert Columns.find(["Kunde", "Zeit", "Kanal", "Umsatz"]) == Columns(
        "Kunde", "Zeit", "Kanal", None, "Umsatz"
    )
    given = parse_mapping('user = "kd"\nevent = "was"', "m.toml")
    assert Columns.find(["kd", "ts", "was"], **given).user == "kd"
    with pytest.raises(LogError, match=r"unknown role 'evnt'.*did you mean 'event'"):
        parse_mapping('evnt = "x"', "m.toml")


def test_a_missing_column_is_named_with_the_columns_there(tmp_path: pathlib.Path) -> None:
    (tmp_path / "l.csv").write_text("kunde,zeit,ereignis_typ\nu,2024-03-01,a\n")
    with pytest.raises(LogError) as caught:
        observed.open_log(str(tmp_path / "l.csv"), roles={"event": "ereignis"})
    assert str(caught.value) == (
        "the log has no column 'ereignis' (--event); its columns: kunde, zeit, ereignis_typ; "
        "did you mean 'ereignis_typ'?"
    )
    with pytest.raises(LogError, match=r"no column for the event .*--event COLUMN"):
        observed.open_log(str(tmp_path / "l.csv"))


def test_unparsable_times_name_their_rows(tmp_path: pathlib.Path) -> None:
    (tmp_path / "l.csv").write_text(
        "user_id,timestamp,event\nu,2024-03-01,a\nu,gestern,b\nu,,c\nu,31.12.2024,d\n"
    )
    with pytest.raises(LogError) as caught:
        observed.open_log(str(tmp_path / "l.csv"))
    message = str(caught.value)
    assert message.startswith("2 timestamps in column 'timestamp' do not parse")
    assert "l.csv row 2: 'gestern'" in message and "l.csv row 4: '31.12.2024'" in message


def test_empty_logs_and_missing_files_are_errors(tmp_path: pathlib.Path) -> None:
    (tmp_path / "l.csv").write_text("user_id,timestamp,event\n,2024-03-01,a\n")
    log = observed.open_log(str(tmp_path / "l.csv"))
    with pytest.raises(LogError, match="no events with a user, a time and an event"):
        observed.counts(log)
    with pytest.raises(LogError, match="no such file"):
        expand([str(tmp_path / "nope.csv")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(LogError, match="no event files in this folder"):
        expand([str(tmp_path / "empty")])
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(LogError, match="cjdsl reads event logs ending in"):
        expand([str(tmp_path / "x.txt")])


def test_duplicates_are_counted(tmp_path: pathlib.Path) -> None:
    (tmp_path / "l.csv").write_text(
        "user_id,timestamp,event\nu,2024-03-01 10:00,a\nu,2024-03-01 10:00,a\n"
        "u,2024-03-01 10:00,a\nu,2024-03-01 10:00,b\nv,2024-03-01 10:00,a\n"
    )
    assert observed.open_log(str(tmp_path / "l.csv")).duplicates() == 2
