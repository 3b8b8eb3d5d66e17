"""`cjdsl import mermaid`: Mermaid journey diagrams read as Mermaid's parser reads them.

The first tests are Mermaid's own (packages/mermaid/src/diagrams/user-journey/parser/
journey.spec.js), asserting what its ``journeyDb`` holds afterwards; the rest are the
quirks of its Jison lexer, the diagnostics for what it lets pass, and the command.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

import cjdsl
from cjdsl import codes, model
from cjdsl.interop import mermaid, mermaid_syntax
from cjdsl.language import formatting
from cjdsl.source import SourceFile

from .conftest import CASES, Golden

CASE = CASES / "interop"


def diagram(text: str) -> mermaid_syntax.Diagram:
    found, errors = mermaid_syntax.read(SourceFile("t.mmd", mermaid_syntax.normalise(text)))
    assert errors == () and found is not None
    return found


def journey(text: str) -> model.Journey:
    imported = mermaid.read(text, path="t.mmd")
    assert imported.journey is not None, imported.diagnostics
    return imported.journey


def found(text: str) -> list[tuple[str, int, int]]:
    """Each diagnostic's code, line and column."""
    return [
        (d.code.id, d.span.line, d.span.col) for d in mermaid.read(text, path="t.mmd").diagnostics
    ]


# -- Mermaid's own spec -----------------------------------------------------------------
def test_upstream_title() -> None:
    got = diagram("journey\ntitle Adding journey diagram functionality to mermaid")
    assert got.title == "Adding journey diagram functionality to mermaid"


def test_upstream_acc_descr_single_and_multiline() -> None:
    single = diagram(
        "journey\naccDescr: A user journey for family shopping\n"
        "title Adding journey diagram functionality to mermaid\nsection Order from website"
    )
    assert single.acc_descr == "A user journey for family shopping"
    multi = diagram(
        "journey\naccDescr {\n        A user journey for\n        family shopping\n      }"
        "title Adding journey diagram functionality to mermaid\n"
        "accTitle: Adding acc journey diagram functionality to mermaid\n"
        "section Order from website"
    )
    assert multi.acc_descr == "A user journey for\nfamily shopping"
    assert multi.title == "Adding journey diagram functionality to mermaid"
    assert multi.acc_title == "Adding acc journey diagram functionality to mermaid"


def test_upstream_acc_title() -> None:
    got = diagram("journey\n    accTitle: The title\n    section Order from website")
    assert got.acc_title == "The title" and got.acc_descr is None


def test_upstream_multiline_section_titles() -> None:
    got = diagram(
        "journey\ntitle Adding gantt diagram functionality to mermaid\n"
        "section Line1<br>Line2<br/>Line3</br />Line4<br\t/>Line5"
    )
    assert got.sections[0].name == "Line1<br>Line2<br/>Line3</br />Line4<br\t/>Line5"


def test_upstream_task_definitions() -> None:
    got = diagram(
        "journey\ntitle Adding journey diagram functionality to mermaid\n"
        "section Documentation\nA task: 5: Alice, Bob, Charlie\nB task: 3:Bob, Charlie\n"
        "C task: 5\nD task: 5: Charlie, Alice\nE task: 5:\nsection Another section\n"
        "P task: 5:\nQ task: 5:\nR task: 5:"
    )
    tasks = [
        (t.name, float(t.score), [a for a, _ in t.actors], got.sections[t.section or 0].name)
        for t in got.tasks
    ]
    assert tasks == [
        ("A task", 5, ["Alice", "Bob", "Charlie"], "Documentation"),
        ("B task", 3, ["Bob", "Charlie"], "Documentation"),
        ("C task", 5, [], "Documentation"),
        ("D task", 5, ["Charlie", "Alice"], "Documentation"),
        ("E task", 5, [""], "Documentation"),
        ("P task", 5, [""], "Another section"),
        ("Q task", 5, [""], "Another section"),
        ("R task", 5, [""], "Another section"),
    ]


# -- the lexer's ways ---------------------------------------------------------------------
def test_keywords_in_any_case_comments_and_spaces_around_colons() -> None:
    got = diagram(
        "%% before\n  journey\n  Title  Shop # a comment\n  %% a line comment\n"
        "  SECTION Suche # why\n    Shop finden  :  4  :  Anna ,  Ben   \n"
        "    # a hash comment\n  AccTitle : Zugang\n  ACCDESCR: Kurz\n"
    )
    assert (got.title, got.acc_title, got.acc_descr) == ("Shop", "Zugang", "Kurz")
    assert [(t.name.strip(), t.score, [a for a, _ in t.actors]) for t in got.tasks] == [
        ("Shop finden", "4", ["Anna", "Ben"])
    ]


def test_front_matter_title_and_directives() -> None:
    text = '---\ntitle: "Vom Laden: ins Netz"\nconfig:\n  theme: dark\n---\n'
    text += "%%{init: {'theme': 'forest'}}%%\njourney\n  section A\n    a: 3\n"
    assert journey(text).title == "Vom Laden: ins Netz"
    assert journey(text + "  title Eigener\n").title == "Eigener"  # the title line wins


def test_tasks_before_any_section_stand_in_no_stage() -> None:
    j = journey("journey\n  Vorab: 3\n  section A\n    a: 4")
    assert [(t.id, t.stage) for t in j.touchpoints] == [("vorab", None), ("a", "a")]


def test_a_section_used_twice_and_a_task_name_in_two_sections() -> None:
    j = journey(
        "journey\n  section Kauf\n    Kasse: 3\n  section Versand\n    Paket: 4\n"
        "  section Kauf\n    Kasse: 5\n"
    )
    assert [(s.id, s.label, s.touchpoints) for s in j.stages] == [
        ("kauf", "Kauf", ("kasse",)),
        ("versand", "Versand", ("paket",)),
        ("kauf_2", "Kauf", ("kasse_2",)),
    ]
    assert [(t.source, t.target) for t in j.transitions] == [
        ("kasse", "paket"),
        ("paket", "kasse_2"),
    ]


def test_scores_become_emotions_and_actors_personas_with_umlauts() -> None:
    j = journey(
        "journey\n  section Suche\n    Größe wählen: 1: Jürgen Groß\n    Vergleichen: 3\n"
        "    Gefunden: 4.5: Jürgen Groß, Zoë\n"
    )
    assert [(p.id, p.label) for p in j.personas] == [
        ("jürgen_groß", "Jürgen Groß"),
        ("zoë", "Zoë"),
    ]
    assert [(t.id, t.emotion and t.emotion.score, t.personas) for t in j.touchpoints] == [
        ("größe_wählen", -2.0, ("jürgen_groß",)),
        ("vergleichen", 0.0, ()),
        ("gefunden", 1.5, ("jürgen_groß", "zoë")),
    ]
    assert [(t.entry, t.kind) for t in j.touchpoints][::2] == [
        (True, model.NodeKind.TOUCHPOINT),
        (False, model.NodeKind.GOAL),
    ]


def test_mermaid_quirks_are_kept() -> None:
    # `title ` anywhere starts a title; `a%%` makes a comment of the rest of the line
    got = diagram("journey\n  section S\n    Title page: 5\n    a%% b: 3\n    ab%% c: 3\n")
    assert got.title == "page: 5"
    assert [t.name for t in got.tasks] == ["ab%% c"]


def test_journey_is_recognised_in_lowercase_only() -> None:
    """Mermaid's detector (``/^\\s*journey/``) is case-sensitive, its lexer is not."""
    (error,) = mermaid.read("%% x\nJourney\n  a: 3\n", path="t.mmd").diagnostics
    assert "lowercase" in (error.hint or "") and (error.span.line, error.span.col) == (2, 1)
    assert mermaid.read("%%\njourney\n", path="t.mmd").journey is None  # `%%` alone stays
    assert journey("%% x\n%%{init: {}}%%\njourney\n  A: 3\n").touchpoints


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("journey\n  section A\n    Kasse\n", 3, 10, "has no score"),
        ("journey\n  section A\n    Kasse: 3; Ben\n", 3, 13, "`;`"),
        ("flowchart LR\n  a --> b\n", 1, 1, "no Mermaid journey"),
        ("journey\n  section A\n    : 3\n", 3, 5, "Mermaid's parser stops"),
        ("journey\n  accDescr {\n  offen\n", 2, 3, "never closed"),
        ("journey\n  Journey planen: 3\n", 2, 3, "`journey`"),
    ],
)
def test_what_mermaid_refuses_is_an_error_with_its_place(
    text: str, line: int, col: int, words: str
) -> None:
    imported = mermaid.read(text, path="t.mmd")
    assert imported.journey is None
    (error,) = imported.diagnostics
    assert error.code is codes.MERMAID_SYNTAX
    assert (error.span.line, error.span.col) == (line, col)
    assert words in error.message


def test_what_mermaid_lets_pass_is_reported_where_it_stands() -> None:
    text = (
        "journey\n  section Suche\n  section Kauf\n    Kasse: 7: Anna\n    Zahlen: gut: Anna\n"
        "    Quittung: : Anna\n    Versand: 5: Anna,, Ben\n    Retoure: 2: Anna: Ben\n"
        "    Ende: 0x4:\n"
    )
    assert sorted(found(text), key=lambda f: (f[1], f[2])) == [
        ("CJ605", 2, 3),
        ("CJ602", 4, 12),
        ("CJ603", 5, 13),
        ("CJ603", 6, 13),
        ("CJ604", 7, 21),
        ("CJ606", 8, 21),
        ("CJ604", 9, 14),
    ]
    j = journey(text)
    emotions = [t.emotion.score if t.emotion else None for t in j.touchpoints]
    assert emotions == [2.0, None, None, 2.0, -1.0, 1.0]  # 7 → 5; 0x4 is 4, as JavaScript reads it
    assert j.touchpoint("versand") is not None
    assert j.touchpoint("versand").personas == ("anna", "ben")  # type: ignore[union-attr]


@pytest.mark.parametrize("code", [c for c in codes.ALL if c.id.startswith("CJ60")], ids=str)
def test_documented_mermaid_example_produces_its_code(code: codes.Code) -> None:
    assert code.id in {d.code.id for d in mermaid.read(code.example, path="x.mmd").diagnostics}


def test_the_output_is_a_valid_formatted_journey(golden: Golden) -> None:
    source = CASE / "einkauf.mmd"
    imported = mermaid.read(source.read_text("utf-8"), path="einkauf.mmd")
    assert imported.journey is not None
    text = cjdsl.dumps(imported.journey)
    golden(CASE / "einkauf.journey", text)
    doc = cjdsl.loads(text, path="einkauf.journey")
    assert not cjdsl.diagnostics.has_errors(doc.diagnostics)
    assert formatting.format_text(text, path="einkauf.journey") == text
    assert doc.journey is not None
    assert model.meaning(doc.journey) == model.meaning(imported.journey)


def test_linear_in_the_size_of_the_input() -> None:
    """A long diagram of awkward lines (no colon, many commas, long comments) reads in one
    pass: a thousandfold input must not take a millionfold time (checked by size here;
    the timing is bench material)."""
    line = "    Task " + "x" * 200 + ": 3: " + ", ".join(["A"] * 50) + " %% " + "y" * 200 + "\n"
    line += "%% a comment at the start of a line\n# and another\n"
    text = "journey\n  section S\n" + line * 2000
    imported = mermaid.read(text, path="big.mmd")
    assert imported.journey is not None and len(imported.journey.touchpoints) == 2000


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


def test_command_writes_the_journey_and_reports_on_stderr(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "kauf.mmd"
    source.write_text("journey\n  section Kauf\n    Kasse: 9: Anna\n    Zahlen: 4\n", "utf-8")
    done = run("import", "mermaid", "kauf.mmd", "-o", "kauf.journey", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "kauf.mmd:3:12" in done.stderr and "CJ602" in done.stderr
    assert "3 |     Kasse: 9: Anna" in done.stderr  # the Mermaid line is quoted
    written = (tmp_path / "kauf.journey").read_text("utf-8")
    assert written.startswith('journey "kauf"\n')  # no title: the file's name
    assert cjdsl.loads(written).journey is not None


def test_command_refuses_a_broken_diagram_and_writes_nothing(tmp_path: pathlib.Path) -> None:
    (tmp_path / "bad.mmd").write_text("journey\n  section Kauf\n    Kasse\n", "utf-8")
    done = run("import", "mermaid", "bad.mmd", "-o", "bad.journey", cwd=tmp_path)
    assert done.returncode == 2
    assert "error[CJ601]" in done.stderr and "bad.mmd:3:10" in done.stderr
    assert not (tmp_path / "bad.journey").exists()


def test_a_name_repeated_many_times_gets_numbered_ids() -> None:
    """Each repeat takes the next number (kept per id: bench/bench_interop.py showed the
    search from `_2` on every repeat growing with the square of the repeats)."""
    j = journey("journey\n" + "  Kasse: 3\n" * 3000)
    ids = [t.id for t in j.touchpoints]
    assert len(set(ids)) == 3000 and ids[:3] == ["kasse", "kasse_2", "kasse_3"]
    assert ids[-1] == "kasse_3000"
