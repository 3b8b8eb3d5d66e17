"""`cjdsl export`: goldens of every format, the JSON schema, and the round trips back in.

The real tools (Mermaid in Chromium, D2's WebAssembly build) read the same texts in
tests/test_export_tools.py.
"""

from __future__ import annotations

import io
import json
import pathlib
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cjdsl
from cjdsl import model
from cjdsl.interop import mermaid as mermaid_import
from cjdsl.interop import sheets, tables
from cjdsl.rendering.exporters import d2, mermaid
from cjdsl.rendering.exporters import json as json_export
from cjdsl.rendering.exporters import tables as table_export

from .conftest import CASES, EXAMPLES, ROOT, Golden, load_journey
from .strategies import journeys

CASE = CASES / "interop" / "laden.journey"
SCHEMA = json.loads((ROOT / "docs" / "journey.schema.json").read_text("utf-8"))
ALL = [*EXAMPLES, CASE]


@pytest.mark.parametrize(
    ("suffix", "make"),
    [
        (".mmd", lambda j: mermaid.journey(j).data),
        (".flowchart.mmd", lambda j: mermaid.flowchart(j).data),
        (".d2", lambda j: d2.d2(j).data),
        (".json", lambda j: json_export.export(j).data),
        (".csv", lambda j: table_export.csv(j).data),
    ],
    ids=["mermaid-journey", "mermaid-flowchart", "d2", "json", "csv"],
)
def test_golden(suffix: str, make: object, golden: Golden) -> None:
    assert callable(make)
    golden(CASE.with_suffix(suffix), make(load_journey(CASE)))


def test_json_follows_its_schema() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for path in ALL:
        data = json.loads(json_export.export(load_journey(path)).data)
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], path.name


def test_the_schema_holds_the_model_to_account() -> None:
    """The schema is strict: a field the model gained (or lost) must reach it."""
    data = json_export.to_data(load_journey(CASE))
    data["touchpoints"][0]["colour"] = "red"
    assert not jsonschema.Draft202012Validator(SCHEMA).is_valid(data)
    node_fields = {f for f in model.Touchpoint.__dataclass_fields__ if not f.endswith("span")}
    written = set(SCHEMA["properties"]["touchpoints"]["items"]["properties"])
    renamed = {"channel_ref": "channel", "persona_refs": "personas"}
    assert {renamed.get(f, f) for f in node_fields} == written
    journey_fields = {f for f in model.Journey.__dataclass_fields__ if not f.startswith("_")}
    renamed = {"import_refs": "imports"}
    left_out = {"span", "scenarios"}  # scenarios: not in version 1 (docs/interop.md)
    assert {renamed.get(f, f) for f in journey_fields - left_out} == set(SCHEMA["properties"]) - {
        "format",
        "version",
    }


# -- Mermaid journey: out and back in ---------------------------------------------------
def carried(journey: model.Journey) -> object:
    """What a Mermaid journey diagram carries of a journey, as it writes it: the title, the
    description's lines, each stage's name and its touchpoints' names, scores and actors
    (the touchpoints in no stage first), the personas a touchpoint is for."""
    groups: list[tuple[str | None, list[model.Touchpoint]]] = [
        (None, [t for t in journey.touchpoints if t.stage not in {s.id for s in journey.stages}])
    ]
    for stage in journey.stages:
        nodes = [journey.touchpoint(id_) for id_ in stage.touchpoints]
        groups.append((mermaid.name(stage.label) or stage.id, [n for n in nodes if n]))

    def persona(id_: str) -> str:
        found = journey.persona(id_)
        return (mermaid.actor(found.label) if found else "") or id_

    description = journey.description or ""
    return (
        mermaid.title(journey.title) or "Journey",
        [line.strip() for line in description.replace("}", ")").split("\n") if line.strip()],
        [
            (
                stage,
                [
                    (
                        mermaid.name(n.label) or n.id,
                        round(n.emotion.score, 4) if n.emotion else 0.0,
                        sorted({persona(r.id) for r in n.persona_refs}),
                    )
                    for n in nodes
                ],
            )
            for stage, nodes in groups
            if stage is not None or nodes
        ],
    )


def back_from_mermaid(journey: model.Journey) -> model.Journey:
    text = mermaid.journey(journey).data
    imported = mermaid_import.read(text, path="out.mmd")
    assert imported.journey is not None, imported.diagnostics
    assert [d.code.id for d in imported.diagnostics if d.code.id != "CJ605"] == []
    return imported.journey


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_mermaid_journey_round_trip(path: pathlib.Path) -> None:
    journey = load_journey(path)
    back = back_from_mermaid(journey)
    assert carried(back) == carried(journey)
    doc = cjdsl.loads(cjdsl.dumps(back), path="back.journey")
    assert not cjdsl.diagnostics.has_errors(doc.diagnostics)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mermaid_journey_round_trip_of_any_journey(data: st.DataObject) -> None:
    doc = cjdsl.loads(data.draw(journeys(canonical=True)), raise_on_error=False)
    if doc.journey is None or not doc.ok:
        return
    back = back_from_mermaid(doc.journey)
    assert carried(back) == carried(doc.journey)
    # what it reads back, it writes the same way again
    assert (
        mermaid.journey(back).data.split("\n", 1)[1]
        == mermaid.journey(back_from_mermaid(back)).data.split("\n", 1)[1]
    )


def test_a_task_named_like_a_keyword_survives() -> None:
    journey = cjdsl.loads(
        'journey "J"\nentry touchpoint a "Title page"\ntouchpoint b "Section 2"\n'
        'touchpoint c "a%%b"\ngoal d "journey end"\na -> b -> c -> d'
    ).journey
    assert journey is not None
    back = back_from_mermaid(journey)
    assert [t.label for t in back.touchpoints] == ["Title page", "Section 2", "a%%b", "journey end"]


# -- tables: out and back in --------------------------------------------------------------
def table_meaning(journey: model.Journey) -> object:
    """The journey with stages, channels and personas named by their labels (a table
    names them so; import makes ids from the names) and transitions only by their ends
    and probabilities (a table has no column for the rest)."""
    stages = {s.id: s.label for s in journey.stages}
    channels = {c.id: (c.label, c.kind) for c in journey.channels}
    people = {p.id: p.label for p in journey.personas}
    nodes = [
        (
            n.id,
            n.label,
            n.kind.value,
            n.entry,
            stages.get(n.stage) if n.stage else None,
            channels.get(n.channel) if n.channel else None,
            sorted(people.get(p, p) for p in n.personas),
            model.meaning(
                (n.emotion, n.actions, n.pains, n.questions, n.motivations, n.opportunities)
            ),
            [(k.name, k.value.text) for k in n.kpis],
            (n.cost.text if n.cost else None, n.reach, n.owner, n.link, n.tags, n.description),
            n.events,
            n.lane,
        )
        for n in journey.touchpoints
    ]
    edges = sorted(  # a table lists them by source, in its rows' order
        (t.source, t.target, t.probability.value if t.probability else -1.0)
        for t in journey.transitions
    )
    return nodes, edges, [s.label for s in journey.stages if s.touchpoints]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
@pytest.mark.parametrize("german", [False, True], ids=["english", "german"])
def test_csv_round_trip(path: pathlib.Path, german: bool) -> None:
    journey = load_journey(path)
    text = table_export.csv(journey, german=german, delimiter=";" if german else ",").data
    imported = tables.read(sheets.read_csv(text.encode("utf-8"), path="t.csv"))
    assert imported.diagnostics == ()
    assert imported.journey is not None
    assert table_meaning(imported.journey) == table_meaning(journey)


def test_xlsx_round_trip_and_same_bytes() -> None:
    pytest.importorskip("openpyxl")
    journey = load_journey(CASE)
    data, lost = table_export.xlsx(journey, german=True)
    assert data == table_export.xlsx(journey, german=True)[0]  # no clock in the workbook
    assert "empty stages: `leer`" in lost
    imported = tables.read(sheets.read_xlsx(data, path="t.xlsx"))
    assert imported.diagnostics == ()
    assert imported.journey is not None
    assert table_meaning(imported.journey) == table_meaning(journey)
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["Phase", "Kontaktpunkt", "ID"]


def test_the_interop_page_shows_real_outputs() -> None:
    page = (ROOT / "docs" / "interop.md").read_text("utf-8")
    journey = load_journey(CASES / "interop" / "abholung.journey")
    for made in (mermaid.journey, mermaid.flowchart, d2.d2, table_export.csv):
        assert made(journey).data in page, made.__qualname__
    for name in (
        "abholung.journey",
        "einkauf.mmd",
        "einkauf.journey",
        "reise.csv",
        "reise.journey",
    ):
        assert (CASES / "interop" / name).read_text("utf-8") in page, name


# -- the command ------------------------------------------------------------------------
def run(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", *args],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_command_says_what_is_lost_and_writes_the_file(tmp_path: pathlib.Path) -> None:
    done = run("export", str(CASE), "-f", "mermaid-journey", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode() == mermaid.journey(load_journey(CASE)).data
    assert "mermaid-journey cannot carry, so left out:" in done.stderr.decode()
    assert "5 transitions" in done.stderr.decode()
    done = run("export", str(CASE), "-f", "json", "-o", "out.json", cwd=tmp_path)
    assert done.returncode == 0 and "left out" not in done.stderr.decode()
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["title"].startswith("Click")


def test_command_refuses_a_journey_with_errors(tmp_path: pathlib.Path) -> None:
    (tmp_path / "bad.journey").write_text('journey "J"\nentry touchpoint a\na -> b\n', "utf-8")
    done = run("export", "bad.journey", "-f", "d2", "-o", "out.d2", cwd=tmp_path)
    assert done.returncode == 1 and b"CJ101" in done.stderr
    assert not (tmp_path / "out.d2").exists()


def test_command_refuses_to_overwrite_its_input(tmp_path: pathlib.Path) -> None:
    target = tmp_path / "j.journey"
    target.write_text(CASE.read_text("utf-8"), "utf-8")
    done = run("export", "j.journey", "-f", "json", "-o", "j.journey", cwd=tmp_path)
    assert done.returncode == 2 and b"refusing to overwrite" in done.stderr
    assert target.read_text("utf-8") == CASE.read_text("utf-8")
