"""``cjdsl fit`` reports each persona's reach per entry (the journeys of its segment that
start there): the language has no per-persona ``reach``, so the conformance report carries
it, and the analysis gets it through the numbers seam."""

from __future__ import annotations

import json
import pathlib

from click.testing import CliRunner

from cjdsl.cli import cli

JOURNEY = """\
journey "Strom"
persona privat "Privatkunde"
persona gewerbe "Gewerbe"
stage s "Suche" {
  entry touchpoint anzeige "Anzeige" { reach 100 }
  entry touchpoint vergleich "Vergleichsportal" { reach 50 }
  goal vertrag "Vertrag" { event "Abschluss" }
}
anzeige -> vertrag 10%
vergleich -> vertrag 20%
"""

LOG = """\
kunde,zeit,kanal,segment
k1,2024-03-01 10:00,Anzeige,privat
k1,2024-03-01 10:05,Abschluss,privat
k2,2024-03-01 11:00,Anzeige,privat
k3,2024-03-01 12:00,Vergleichsportal,privat
k4,2024-03-02 09:00,Vergleichsportal,gewerbe
k4,2024-03-02 09:30,Abschluss,gewerbe
k5,2024-03-02 10:00,Vergleichsportal,gewerbe
k6,2024-03-02 11:00,Vergleichsportal,unbekannt
"""


def test_the_report_gives_each_personas_reach_per_entry(tmp_path: pathlib.Path) -> None:
    journey = tmp_path / "strom.journey"
    journey.write_text(JOURNEY, "utf-8")
    log = tmp_path / "log.csv"
    log.write_text(LOG, "utf-8")
    runner = CliRunner()
    text = runner.invoke(cli, ["fit", str(journey), str(log)])
    assert text.exit_code == 0, text.output
    assert (
        "Journeys per persona and entry (reach)\n\n"
        "  gewerbe: 2 journeys; vergleich 2\n"
        "  privat: 3 journeys; anzeige 2, vergleich 1\n"
    ) in text.stdout
    report = tmp_path / "r.json"
    result = runner.invoke(cli, ["fit", str(journey), str(log), "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(report.read_text("utf-8"))
    assert data["personas"] == {
        "gewerbe": [{"touchpoint": "vergleich", "n": 2}],
        "privat": [{"touchpoint": "anzeige", "n": 2}, {"touchpoint": "vergleich", "n": 1}],
    }
    assert journey.read_text("utf-8") == JOURNEY  # reported, never written


def test_without_a_segment_column_there_is_no_such_section(tmp_path: pathlib.Path) -> None:
    journey = tmp_path / "strom.journey"
    journey.write_text(JOURNEY, "utf-8")
    log = tmp_path / "log.csv"
    log.write_text("\n".join(line.rsplit(",", 1)[0] for line in LOG.splitlines()) + "\n")
    result = CliRunner().invoke(cli, ["fit", str(journey), str(log), "--report-format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["personas"] == {}
    assert "per persona" not in CliRunner().invoke(cli, ["fit", str(journey), str(log)]).stdout
