"""``cjdsl discover``: a draft journey from a log, with ids that read as the data does."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from click.testing import CliRunner

import cjdsl
from cjdsl.cli import cli
from cjdsl.observed.discovery import make_id

LOG = """\
kunde,zeit,ereignis,kauf
a,2024-03-01 10:00:00,Anzeige,0
a,2024-03-01 10:30:00,Web-Shop,0
a,2024-03-01 11:00:00,Web-Shop,1
b,2024-03-01 09:00:00,Anzeige,0
b,2024-03-01 09:10:00,Web-Shop,0
c,2024-03-02 09:00:00,Kündigung,0
c,2024-03-02 10:00:00,Hotline 24/7,0
d,2024-03-02 12:00:00,Anzeige,0
d,2024-03-02 14:00:00,Web-Shop,1
"""


def discover(tmp_path: pathlib.Path, *args: str) -> tuple[int, str]:
    (tmp_path / "log.csv").write_text(LOG, "utf-8")
    flags = ["--user", "kunde", "--time", "zeit", "--event", "ereignis", "--conversion", "kauf"]
    result = CliRunner().invoke(cli, ["discover", str(tmp_path / "log.csv"), *flags, *args])
    return result.exit_code, result.output


def test_the_draft_says_what_the_log_says(tmp_path: pathlib.Path) -> None:
    code, text = discover(tmp_path)
    assert code == 0, text
    assert text == (
        'journey "Discovered journey"\n\n'
        'stage step_1 "Step 1" {\n'
        '  entry touchpoint Anzeige { reach 3; kpi n 3; event "Anzeige" }\n'
        '  entry touchpoint Kündigung { reach 1; kpi n 1; event "Kündigung" }\n'
        "}\n\n"
        'stage step_2 "Step 2" {\n'
        '  touchpoint Web-Shop { kpi n 4; event "Web-Shop" }\n'
        '  touchpoint Hotline_24_7 "Hotline 24/7" { kpi n 1; event "Hotline 24/7" }\n'
        '  goal conversion "Conversion"\n'
        "}\n\n"
        "Web-Shop  -> conversion    50%\n"
        "Web-Shop  -> Web-Shop      25%   after 30m\n"
        "Anzeige   -> Web-Shop      100%  after 30m\n"
        "Kündigung -> Hotline_24_7  100%  after 1h\n"
    )
    document = cjdsl.loads(text)
    assert document.journey is not None
    assert [d.code for d in document.diagnostics if d.severity.name == "ERROR"] == []


def test_rare_moves_go_and_stages_come_from_a_mapping(tmp_path: pathlib.Path) -> None:
    (tmp_path / "stages.toml").write_text(
        '[stages]\nwerbung = ["Anz*"]\n[stages.kauf]\nlabel = "Kauf"\nevents = ["Web-*"]\n'
    )
    code, text = discover(tmp_path, "--min-count", "2", "--stages", str(tmp_path / "stages.toml"))
    assert code == 0, text
    assert "stage werbung {" in text and 'stage kauf "Kauf" {' in text
    assert "Kündigung" not in text and "Web-Shop  -> Web-Shop" not in text
    code, text = discover(tmp_path, "--top-edges", "1")
    assert "Web-Shop  -> Web-Shop" not in text and "Web-Shop  -> conversion" in text


def test_ids_are_event_names_made_into_ids() -> None:
    taken: set[str] = set()
    assert [make_id(n, taken) for n in ["Größe ändern", "größe-ändern", "Größe_ändern"]] == [
        "Größe_ändern",
        "größe-ändern",
        "Größe_ändern_2",
    ]
    assert make_id("-a--b-") == "a-b" and make_id("//") == "event"


def test_bad_input_is_one_line_and_exit_2(tmp_path: pathlib.Path) -> None:
    (tmp_path / "log.csv").write_text(LOG, "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cjdsl", "discover", str(tmp_path / "log.csv"), "--user", "kd"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "Error: the log has no column 'kd' (--user); its columns: kunde, zeit, ereignis, kauf;"
        " did you mean 'kunde'?\n"
    )
    code, text = discover(tmp_path, "--session-gap", "soon")
    assert code == 2 and "--session-gap soon: a duration such as 30m" in text
