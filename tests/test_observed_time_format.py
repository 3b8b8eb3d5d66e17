"""``--time-format``: logs with non-ISO timestamps (``31.12.2024 14:30``) read in the engine
with a strptime format, on every command that reads a log, with the rows named when a value
does not fit."""

from __future__ import annotations

import pathlib

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from cjdsl import observed
from cjdsl.cli import cli
from cjdsl.observed.columns import LogError

from .observed_reference import assert_same, generate, reference

GERMAN = "%d.%m.%Y %H:%M:%S"

JOURNEY = """\
journey "Kasse"
stage s "Suche" {
  entry touchpoint suche "Suche" { reach 10 }
  goal kauf "Kauf" { event "Kasse" }
}
suche -> kauf 50%
"""


def german(frame: pd.DataFrame, path: pathlib.Path) -> str:
    frame.assign(timestamp=frame["timestamp"].dt.strftime(GERMAN)).to_csv(path, index=False)
    return str(path)


def test_a_german_log_counts_as_its_reference(tmp_path: pathlib.Path) -> None:
    frame = generate(users=200, seed=3)
    log = observed.open_log(
        german(frame, tmp_path / "de.csv"), roles={"value": "revenue"}, time_format=GERMAN
    )
    got = [(c.segment, c.source, c.target, c.n, c.median_s, c.mean_s) for c in observed.counts(log)]
    assert_same(got, reference(frame))


def test_offsets_in_the_format_become_utc(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "z.csv"
    path.write_text("user_id,timestamp,event\nu,01.03.2024 10:00 +0100,a\nu,01.03.2024 09:30,b\n")
    with pytest.raises(LogError, match=r"row 2: '01.03.2024 09:30'"):
        observed.open_log(str(path), time_format="%d.%m.%Y %H:%M %z")
    path.write_text(
        "user_id,timestamp,event\nu,01.03.2024 10:00 +0100,a\nu,01.03.2024 09:30 +0000,b\n"
    )
    log = observed.open_log(str(path), time_format="%d.%m.%Y %H:%M %z")
    hours = [
        (r["event"], r["time"].hour, r["time"].minute) for r in log.table.to_pyarrow().to_pylist()
    ]
    assert sorted(hours) == [("a", 9, 0), ("b", 9, 30)]


def test_a_value_that_does_not_fit_names_its_row(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text("kunde,zeit,kanal\nu,31.12.2024 14:30,a\nu,2024-12-31 14:35,b\nu,gestern,c\n")
    with pytest.raises(LogError) as caught:
        observed.open_log(str(path), time_format="%d.%m.%Y %H:%M")
    message = str(caught.value)
    assert message.startswith("2 timestamps in column 'zeit' do not parse")
    assert "l.csv row 2: '2024-12-31 14:35'" in message and "row 3: 'gestern'" in message
    assert "--time-format '%d.%m.%Y %H:%M'" in message
    with pytest.raises(LogError, match=r"does not parse .*--time-format '%d\.%m\.%Y %H:%M'"):
        path.write_text("kunde,zeit,kanal\nu,2024-12-31 14:30,a\nu,31.12.2024,b\n")
        observed.open_log(str(path))


def test_every_command_that_reads_a_log_takes_it(tmp_path: pathlib.Path) -> None:
    group = cli
    assert isinstance(group, click.Group)
    for name, option in [
        ("discover", "--time-format"),
        ("fit", "--time-format"),
        ("score", "--time-format"),
        ("attribute", "--time-format"),
        ("analyze", "--events-time-format"),
        ("render", "--events-time-format"),
    ]:
        command = group.get_command(click.Context(group), name)
        assert command is not None
        assert any(option in p.opts for p in command.params), name
    log = tmp_path / "l.csv"
    log.write_text(
        "kunde,zeit,kanal\n"
        "u1,31.12.2024 14:30,Suche\nu1,31.12.2024 14:35,Kasse\n"
        "u2,01.01.2025 09:00,Suche\nu3,01.01.2025 09:10,Suche\nu3,01.01.2025 09:20,Kasse\n"
    )
    journey = tmp_path / "kasse.journey"
    journey.write_text(JOURNEY, "utf-8")
    fmt = "%d.%m.%Y %H:%M"
    runner = CliRunner()
    found = runner.invoke(cli, ["fit", str(journey), str(log), "--time-format", fmt])
    assert found.exit_code == 0, found.output
    plain = runner.invoke(cli, ["fit", str(journey), str(log)])
    assert (
        plain.exit_code == 2 and "--time-format" in plain.output and "Traceback" not in plain.output
    )
    shown = runner.invoke(
        cli,
        [
            "analyze",
            str(journey),
            "--events",
            str(log),
            "--events-time-format",
            fmt,
            "--format",
            "json",
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert '"probability": 0.6666' in shown.stdout
    drafted = runner.invoke(cli, ["discover", str(log), "--time-format", fmt])
    assert drafted.exit_code == 0 and "Suche -> Kasse  66.66%  after 7.5m" in drafted.stdout
    log.write_text("kunde,zeit,kanal,konversion\nu1,31.12.2024 14:30,Suche,1\n")
    credit = runner.invoke(
        cli,
        [
            "attribute",
            str(log),
            "--time-format",
            fmt,
            "--format",
            "csv",
        ],
    )
    assert credit.exit_code == 0 and "Suche" in credit.stdout, credit.output
    bad = runner.invoke(cli, ["attribute", str(log), "--time-format", "%Y-%m-%d"])
    assert bad.exit_code == 2 and "l.csv row 1: '31.12.2024 14:30'" in bad.output
    assert journey.read_text("utf-8") == JOURNEY
