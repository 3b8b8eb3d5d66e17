"""`cjdsl attribute LOG`: the journeys of an event log, cut by cjdsl.observed on DuckDB,
held to an independent pandas reference of the paths (lookback, conversion events), and
time decay on a log with hand-computed times."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from cjdsl import observed
from cjdsl.cli import cli
from cjdsl.observed import attribution, logpaths, pathtables

from .observed_reference import generate, write

ROLES = {"value": "revenue"}


def reference_paths(
    frame: pd.DataFrame, *, lookback: float | None = None, conversion_events: tuple[str, ...] = ()
) -> pathtables.Paths:
    """Paths from the frame by plain pandas: the documented cut, independent of the package."""
    e = frame.assign(_pos=np.arange(len(frame))).dropna(subset=["user_id", "timestamp", "event"])
    e = e.sort_values(["user_id", "timestamp", "_pos"], kind="mergesort")
    rows: list[tuple[list[str], float, float, float]] = []
    for _, user in e.groupby("user_id", sort=True):
        journey: list[Any] = []
        for record in user.itertuples():
            journey.append(record)
            if record.conversion == 1:
                rows.append(_row(journey, lookback, conversion_events))
                journey = []
        if journey:
            rows.append(_row(journey, lookback, conversion_events))
    return pathtables.build(r for r in rows if r[0])


def _row(
    journey: list[Any], lookback: float | None, conversion_events: tuple[str, ...]
) -> tuple[list[str], float, float, float]:
    converted = journey[-1].conversion == 1
    end = journey[-1].timestamp
    value = float(journey[-1].revenue) if converted and pd.notna(journey[-1].revenue) else 0.0
    steps = [
        r.event
        for r in journey
        if r.event not in conversion_events
        and (lookback is None or (end - r.timestamp).total_seconds() <= lookback)
    ]
    return steps, float(converted), value, float(not converted)


def same_paths(a: pathtables.Paths, b: pathtables.Paths) -> None:
    def rows(p: pathtables.Paths) -> list[tuple[Any, ...]]:
        return sorted(
            (p.steps(i), p.conversions[i], round(float(p.value[i]), 6), p.null[i])
            for i in range(p.size)
        )

    assert a.channels == b.channels
    assert rows(a) == rows(b)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return generate(users=250, seed=5)


@pytest.mark.parametrize(
    "cut",
    [{}, {"lookback": 3600.0}, {"conversion_events": ("Kündigung",)}],
    ids=["plain", "lookback", "conversion-events"],
)
def test_log_paths_equal_the_reference(
    frame: pd.DataFrame, tmp_path: pathlib.Path, cut: dict[str, Any]
) -> None:
    [path] = write(frame, tmp_path, "parquet")
    log = observed.open_log(path, roles=ROLES)
    got, left = logpaths.paths(log, **cut)
    want = reference_paths(frame, **cut)
    same_paths(got, want)
    journeys = float((got.conversions + got.null).sum())
    assert left.journeys == pytest.approx(_journeys(frame) - journeys)
    per_journey, _ = logpaths.paths(log, with_times=True, **cut)
    assert float(per_journey.conversions.sum()) == float(got.conversions.sum())
    assert per_journey.size == journeys


def _journeys(frame: pd.DataFrame) -> int:
    e = frame.dropna(subset=["user_id", "timestamp", "event"])
    ends = int(e["conversion"].sum())
    tails = sum(
        1
        for _, user in e.groupby("user_id")
        if user.sort_values("timestamp", kind="mergesort").iloc[-1].conversion == 0
    )
    return ends + tails


def test_cli_on_a_log_equals_the_models_on_the_reference(
    frame: pd.DataFrame, tmp_path: pathlib.Path
) -> None:
    [path] = write(frame, tmp_path, "csv")
    result = CliRunner().invoke(
        cli, ["attribute", path, "--value", "revenue", "--order", "1-2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    want = attribution.attribute(reference_paths(frame), attribution.Settings(orders=(1, 2)))
    assert got["totals"]["conversions"] == want.conversions
    for model in want.models:
        shown = next(m for m in got["models"] if m["model"] == model.model)
        expected = dict(zip(want.channels, model.conversions, strict=True))
        assert shown["conversions"] == pytest.approx(expected, abs=1e-9), model.model


LOG = """user_id,timestamp,event,conversion,revenue
u1,2024-03-01 00:00:00,Suche,0,
u1,2024-03-02 00:00:00,Newsletter,0,
u1,2024-03-03 00:00:00,Kauf,1,90
u2,2024-03-01 00:00:00,Suche,0,
u2,2024-03-01 12:00:00,Kauf,1,10
u3,2024-03-05 00:00:00,Newsletter,0,
"""


def run(tmp_path: pathlib.Path, *args: str) -> dict[str, Any]:
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["attribute", str(tmp_path / "log.csv"), "--value", "revenue", "-o", "-", *args]
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def credit(data: dict[str, Any], model: str) -> dict[str, float]:
    found: dict[str, float] = next(m for m in data["models"] if m["model"] == model)["conversions"]
    return found


def test_time_decay_by_hand(tmp_path: pathlib.Path) -> None:
    common = ("--format", "json", "--model", "time-decay", "--half-life", "1d")
    to_conversion = run(tmp_path, *common, "--conversion-event", "Kauf")
    # u1: Suche 2 days, Newsletter 1 day before the purchase: ¼ : ½ → 1/3, 2/3.
    # u2: Suche alone gets its conversion.
    assert credit(to_conversion, "time-decay") == pytest.approx(
        {"Newsletter": 2 / 3, "Suche": 1 / 3 + 1}
    )
    # To the last touch: Suche 1 day before Newsletter, ½ : 1 — the same shares, as the
    # common factor 2^(−Δ/h) between the last touch and the conversion cancels out.
    to_last = run(tmp_path, *common, "--conversion-event", "Kauf", "--decay-to", "last-touch")
    assert credit(to_last, "time-decay") == pytest.approx(credit(to_conversion, "time-decay"))
    half = ("--format", "json", "--model", "time-decay", "--half-life", "12h")
    # Half the half-life: ⅛ : ½ for u1 → 1/5, 4/5.
    assert credit(run(tmp_path, *half, "--conversion-event", "Kauf"), "time-decay") == (
        pytest.approx({"Newsletter": 4 / 5, "Suche": 1 / 5 + 1})
    )
    # Without --conversion-event the purchase is a touch of its own, the latest.
    assert set(credit(run(tmp_path, *common), "time-decay")) == {"Kauf", "Newsletter", "Suche"}


def test_lookback_leaves_old_touches_and_says_what_it_dropped(tmp_path: pathlib.Path) -> None:
    data = run(
        tmp_path, "--format", "json", "--model", "first-touch", "--lookback", "1d",
        "--conversion-event", "Kauf",
    )  # fmt: skip
    # u1 keeps Newsletter only (Suche is 2 days old); u2 keeps Suche (12 h).
    assert credit(data, "first-touch") == {"Newsletter": 1.0, "Suche": 1.0}
    short = run(
        tmp_path, "--format", "json", "--model", "first-touch", "--lookback", "1h",
        "--conversion-event", "Kauf",
    )  # fmt: skip
    assert credit(short, "first-touch") == {"Newsletter": 0.0}
    assert any("credited to no channel" in note for note in short["notes"])


def test_a_log_without_conversions_is_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "log.csv").write_text("user_id,timestamp,event\nu,2024-03-01,a\n", "utf-8")
    result = CliRunner().invoke(cli, ["attribute", str(tmp_path / "log.csv")])
    assert result.exit_code == 2 and "no conversion column" in result.output


def test_path_table_options_that_need_times_are_refused(tmp_path: pathlib.Path) -> None:
    (tmp_path / "p.csv").write_text("path;total_conversions\na;1\n", "utf-8")
    args = ["attribute", "--paths", str(tmp_path / "p.csv"), "--lookback", "7d"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "need the times of an event log" in result.output
