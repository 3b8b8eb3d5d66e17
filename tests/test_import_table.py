"""`cjdsl import table`: touchpoint tables (CSV, XLSX) in English or German, chained in row
order unless a `next` column says otherwise, bad cells reported with row and column."""

from __future__ import annotations

import io
import pathlib
import subprocess
import sys

import pytest

import cjdsl
from cjdsl import codes, model
from cjdsl.interop import building, sheets, tables

from .conftest import CASES, Golden

GERMAN = (
    "Phase;Kontaktpunkt;Kanal;Online/Offline;Emotion;Handlung;Schmerzpunkt;Chance;KPI;"
    "Verantwortlich;Weiter\n"
    "Suche;Anzeige;Instagram;online;+1 neugierig;Sieht das Reel;;;ctr 2.1%;Marketing;\n"
    ';Größe wählen;Web-Shop;online;0;;"Tabelle zu klein\nKeine Beratung";Größenberater;;;'
    "Kasse 40%, Abbruch 20%\n"
    "Kauf;Kasse;Filiale;offline;-1 genervt;;Warteschlange;;wartezeit 5m;Filiale;\n"
    ";Abbruch;;;;;;;;;-\n"
)


def read(
    text: str, *, columns: dict[str, str] | None = None, path: str = "t.csv"
) -> building.Imported:
    return tables.read(sheets.read_csv(text.encode("utf-8"), path=path), columns=columns)


def journey(text: str, *, columns: dict[str, str] | None = None) -> model.Journey:
    imported = read(text, columns=columns)
    assert imported.journey is not None, imported.diagnostics
    assert imported.diagnostics == ()
    return imported.journey


def located(text: str) -> list[tuple[str, int, int]]:
    return [(d.code.id, d.span.line, d.span.col) for d in read(text).diagnostics]


def test_a_german_table_with_merged_stage_cells() -> None:
    j = journey(GERMAN)
    assert [(s.id, s.label, s.touchpoints) for s in j.stages] == [
        ("suche", "Suche", ("anzeige", "größe_wählen")),
        ("kauf", "Kauf", ("kasse", "abbruch")),
    ]
    assert [(c.id, c.label, c.kind) for c in j.channels] == [
        ("instagram", "Instagram", "online"),
        ("web_shop", "Web-Shop", "online"),
        ("filiale", "Filiale", "offline"),
    ]
    size = j.touchpoint("größe_wählen")
    assert size is not None
    assert size.pains == ("Tabelle zu klein", "Keine Beratung")
    assert size.opportunities == ("Größenberater",)
    checkout = j.touchpoint("kasse")
    assert checkout is not None and checkout.emotion is not None
    assert (checkout.emotion.score, checkout.emotion.word) == (-1.0, "genervt")
    assert [(k.name, k.value.text) for k in checkout.kpis] == [("wartezeit", "5m")]
    assert checkout.owner == "Filiale"
    assert [(t.source, t.target, t.probability and t.probability.text) for t in j.transitions] == [
        ("anzeige", "größe_wählen", None),  # no `next`: the next row
        ("größe_wählen", "kasse", "40%"),  # by label
        ("größe_wählen", "abbruch", "20%"),
        ("kasse", "abbruch", None),
    ]
    assert [(t.entry, t.kind.value) for t in j.touchpoints] == [
        (True, "touchpoint"),
        (False, "touchpoint"),
        (False, "touchpoint"),
        (False, "goal"),  # the last row, with no kind of its own
    ]
    written = cjdsl.dumps(j)
    assert not cjdsl.diagnostics.has_errors(cjdsl.loads(written).diagnostics)


def test_english_headers_any_case_and_a_teams_own_header() -> None:
    text = "STAGE,touch point:,Pain Points,Was nervt\nSearch,Ad,slow,loud\n,Shop,,\n"
    j = journey(text.replace(",Was nervt", ""))
    assert [t.pains for t in j.touchpoints] == [("slow",), ()]
    imported = read(text)
    assert [d.code for d in imported.diagnostics] == [codes.TABLE_UNKNOWN_COLUMN]
    j = journey(
        text.replace(",Pain Points", "").replace(",slow", ""), columns={"pain": "Was nervt"}
    )
    assert [t.pains for t in j.touchpoints] == [("loud",), ()]


def test_kinds_entries_reach_personas_and_tags() -> None:
    j = journey(
        "Touchpoint,Kind,Reach,Personas,Tags,Next\n"
        'Ad,entry,1000,"""Lena, 22""",paid\n'
        'Mail,einstieg,,"Anna\nBen",Straße\n'
        "Shop,,,,,Bought 30%\n"
        "Bought,Ziel,,,,-\n"
    )
    assert [(t.id, t.entry, t.kind.value, t.reach) for t in j.touchpoints] == [
        ("ad", True, "touchpoint", 1000.0),
        ("mail", True, "touchpoint", None),
        ("shop", False, "touchpoint", None),
        ("bought", False, "goal", None),
    ]
    assert [(p.id, p.label) for p in j.personas] == [
        ("lena_22", "Lena, 22"),
        ("anna", "Anna"),
        ("ben", "Ben"),
    ]
    assert j.touchpoints[0].tags == ("paid",) and j.touchpoints[1].tags == ("Straße",)


def test_utf8_bom_windows_1252_and_semicolons() -> None:
    text = "Phase;Kontaktpunkt\nSuche;Größe\n"
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252")):
        imported = tables.read(sheets.read_csv(data, path="t.csv"))
        assert imported.journey is not None
        assert [t.label for t in imported.journey.touchpoints] == ["Größe"]


@pytest.mark.parametrize(
    ("text", "expected", "words"),
    [
        ("Phase,Was\nSuche,Anzeige\n", [("CJ612", 1, 7), ("CJ611", 1, 1)], "no touchpoint column"),
        ("", [("CJ611", 1, 1)], "empty"),
        (
            "Kontaktpunkt,Emotion\nAnzeige,+1\nShop,sehr gut\n",
            [("CJ613", 3, 6)],
            "row 3, column B `Emotion`",
        ),
        ("Kontaktpunkt,Emotion\nAnzeige,3\n", [("CJ613", 2, 9)], "no emotion"),
        ("Kontaktpunkt,Kosten\nAnzeige,12 Euro\n", [("CJ613", 2, 9)], "no amount"),
        ("Kontaktpunkt,Art\nAnzeige,Ziell\n", [("CJ613", 2, 9)], "no kind"),
        ("Kontaktpunkt,ID\nAnzeige,1a\n", [("CJ613", 2, 9)], "no id"),
        ("Kontaktpunkt,KPI\nAnzeige,ctr viel\n", [("CJ613", 2, 9)], "no key figure"),
        ("Kontaktpunkt,Weiter\nAnzeige,Kase\nKasse,\n", [("CJ614", 2, 9)], "did you mean `Kasse`"),
        ("Kontaktpunkt,Weiter\nAnzeige,Kasse 1x %\nKasse,\n", [("CJ613", 2, 9)], "no probability"),
        (
            "Phase,Kontaktpunkt,Emotion\nSuche,Anzeige,+1\nSuche,,-1\n",
            [("CJ615", 3, 1)],
            "row 3 has no touchpoint",
        ),
        (
            'Kontaktpunkt,Notiz,Emotion\n"Anzeige\nzwei",x,gut\n',
            [("CJ612", 1, 14), ("CJ613", 3, 9)],
            "column",
        ),
    ],
)
def test_bad_rows_are_reported_with_row_and_column(
    text: str, expected: list[tuple[str, int, int]], words: str
) -> None:
    assert located(text) == expected
    assert any(words in d.message or words in (d.hint or "") for d in read(text).diagnostics)


@pytest.mark.parametrize("code", [c for c in codes.ALL if c.id.startswith("CJ61")], ids=str)
def test_documented_table_example_produces_its_code(code: codes.Code) -> None:
    assert code.id in {d.code.id for d in read(code.example + "\n").diagnostics}


def test_xlsx_with_german_headers_and_located_cells() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Reise"
    for row in (
        ["Phase", "Kontaktpunkt", "Emotion", "Reichweite"],
        ["Suche", "Anzeige", 1, 5000],
        [None, "Shop", 1.5, None],
        ["Kauf", "Kasse", "schlecht", None],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    grid = sheets.read_xlsx(buffer.getvalue(), path="t.xlsx", sheet="Reise")
    imported = tables.read(grid)
    assert [(d.code.id, d.span.line, d.span.col) for d in imported.diagnostics] == [("CJ613", 4, 3)]
    assert "row 4, column C `Emotion`" in imported.diagnostics[0].message
    fixed = tables.read(sheets.read_xlsx(buffer.getvalue(), path="t.xlsx"))
    assert fixed.journey is None
    sheet["C4"] = -1
    buffer = io.BytesIO()
    book.save(buffer)
    j = tables.read(sheets.read_xlsx(buffer.getvalue(), path="t.xlsx")).journey
    assert j is not None
    assert [(t.id, t.stage, t.reach, t.emotion and t.emotion.score) for t in j.touchpoints] == [
        ("anzeige", "suche", 5000.0, 1.0),
        ("shop", "suche", None, 1.5),
        ("kasse", "kauf", None, -1.0),
    ]
    with pytest.raises(cjdsl.errors.CjdslError, match="no sheet `Tabelle1`"):
        sheets.read_xlsx(buffer.getvalue(), path="t.xlsx", sheet="Tabelle1")
    with pytest.raises(cjdsl.errors.CjdslError, match=r"no readable \.xlsx"):
        sheets.read_xlsx(b"PK no zip", path="t.xlsx")


def test_golden(golden: Golden) -> None:
    source = CASES / "interop" / "reise.csv"
    imported = tables.read(
        sheets.read_csv(source.read_bytes(), path="reise.csv"), title="Click & Collect"
    )
    assert imported.diagnostics == () and imported.journey is not None
    golden(source.with_suffix(".journey"), cjdsl.dumps(imported.journey))


# -- the command ------------------------------------------------------------------------
def run(*args: str, cwd: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_command_reads_a_table_with_own_headers(tmp_path: pathlib.Path) -> None:
    (tmp_path / "reise.csv").write_text("Schritt,Laune\nAnzeige,+1\nKasse,-1\n", "utf-8")
    done = run(
        "import", "table", "reise.csv", "--column", "touchpoint=Schritt",
        "--column", "emotion=Laune", "-o", "reise.journey", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "reise.journey").read_text("utf-8")
    assert text.startswith('journey "reise"\n')
    assert 'goal kasse "Kasse" { emotion -1 }' in text


def test_command_reports_bad_cells_and_writes_nothing(tmp_path: pathlib.Path) -> None:
    (tmp_path / "reise.csv").write_text("Kontaktpunkt,Emotion\nAnzeige,super\n", "utf-8")
    done = run("import", "table", "reise.csv", "-o", "reise.journey", cwd=tmp_path)
    assert done.returncode == 2
    assert "reise.csv:2:9" in done.stderr and "row 2, column B `Emotion`" in done.stderr
    assert "2 | Anzeige,super" in done.stderr
    assert not (tmp_path / "reise.journey").exists()
    done = run("import", "table", "reise.csv", "--column", "nope=x", cwd=tmp_path)
    assert done.returncode == 2 and "`nope` is no column" in done.stderr
