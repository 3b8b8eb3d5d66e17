"""Path tables in ChannelAttribution's format: read linearly, located errors, umlauts kept;
and `cjdsl attribute --paths` end to end, as a real process in a temporary folder."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjdsl import files
from cjdsl.observed import pathtables

from .conftest import ROOT

HEADER = "path;total_conversions;total_conversion_value;total_null"
EXAMPLE = ROOT / "examples" / "attribution-paths.csv"


def fails(lines: list[str | bytes], **layout: str) -> pathtables.PathTableError:
    with pytest.raises(pathtables.PathTableError) as caught:
        pathtables.read(lines, layout=pathtables.Layout(**layout), source="t.csv")
    return caught.value


def test_reads_channelattribution_tables_with_umlauts_bom_and_crlf() -> None:
    lines = [f"\ufeff{HEADER}\r\n".encode(), "Süßes > Straße;2;10.5;3\r\n".encode(), b"\r\n"]
    paths = pathtables.read(lines)
    assert paths.channels == ("Straße", "Süßes") and paths.steps(0) == ("Süßes", "Straße")
    assert (paths.conversions.tolist(), paths.value.tolist(), paths.null.tolist()) == (
        [2.0],
        [10.5],
        [3.0],
    )


def test_equal_paths_add_up_and_spaces_around_the_separator_are_optional() -> None:
    paths = pathtables.read([HEADER, "a>b;1;1;0", " a  >  b ;2;3;4", "b;0;0;1"])
    assert paths.size == 2 and paths.steps(0) == ("a", "b")
    assert paths.conversions.tolist() == [3.0, 0.0] and paths.null.tolist() == [4.0, 1.0]


def test_layout_is_configurable() -> None:
    lines = ["weg,käufe,nie", '"x, y | z",4,1', "z,1,0"]
    layout = pathtables.Layout(
        separator=",", step_separator=" | ", path="weg", conversions="käufe", null="nie"
    )
    paths = pathtables.read(lines, layout=layout)
    assert paths.steps(0) == ("x, y", "z") and not paths.has_value and paths.has_null
    assert paths.value.tolist() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("lines", "where", "says", "hint"),
    [
        ([], "row 1", "the path table is empty", "the first line names the columns"),
        (
            ["path,total_conversions", "a,1"],
            "row 1",
            "no column `path`",
            "separated by ','",
        ),
        (
            ["path;total_conversion", "a;1"],
            "row 1",
            "no column `total_conversions`; the header has `path`, `total_conversion`",
            "did you mean `total_conversion`?",
        ),
        (
            ["path;total_conversions", "a;1", "a > > b;1"],
            "row 3, column 1 (`path`)",
            "step 2",
            "join",
        ),
        (["path;total_conversions", ";1"], "row 2, column 1 (`path`)", "the path is empty", ""),
        (
            ["path;total_conversions", "a;zwölf"],
            "row 2, column 2 (`total_conversions`)",
            "expected a number ≥ 0, found `zwölf`",
            "plain numbers",
        ),
        (
            ["path;total_conversions", "a;-1"],
            "row 2, column 2 (`total_conversions`)",
            "found `-1`",
            "",
        ),
        (
            ["path;total_conversions", "a;nan"],
            "row 2, column 2 (`total_conversions`)",
            "found `nan`",
            "",
        ),
        (["path;total_conversions", "a;1;2"], "row 2, column 3", "3 columns, the header 2", ""),
        ([HEADER, "a;0;5;1"], "row 2, column 3 (`total_conversion_value`)", "without conv", ""),
        ([b"path;total_conversions", b"K\xfcche;1"], "row 2", "not UTF-8 (byte 0xfc", "UTF-8"),
        (["path;total_conversions", '"a;1'], "row 2", "not valid CSV", "close the quote"),
    ],
)
def test_errors_say_where_what_and_what_to_do(
    lines: list[str | bytes], where: str, says: str, hint: str
) -> None:
    error = fails(lines)
    message = str(error)
    assert message.startswith(f"t.csv: {where}:"), message
    assert says in message and hint in error.hint


def test_reading_is_linear_and_streams_through_files(tmp_path: pathlib.Path) -> None:
    big = tmp_path / "big.csv"
    rows = 50_000
    big.write_text(
        HEADER + "\n" + "".join(f"k{i % 97} > k{i % 13} > k{i % 7};1;2;3\n" for i in range(rows)),
        encoding="utf-8",
    )
    paths = pathtables.read(files.read_lines(str(big)))
    assert float(paths.conversions.sum()) == rows and float(paths.null.sum()) == 3 * rows


def test_a_line_too_long_is_refused_not_buffered(tmp_path: pathlib.Path) -> None:
    long = tmp_path / "long.csv"
    long.write_bytes(HEADER.encode() + b"\n" + b"a" * 5000)
    with pytest.raises(ValueError, match="line 2 is longer than 1,000 bytes"):
        list(files.read_lines(str(long), max_line=1000))


def cjdsl(*args: str, cwd: pathlib.Path, input: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        encoding="utf-8",
    )


def test_cli_writes_every_format(tmp_path: pathlib.Path) -> None:
    (tmp_path / "p.csv").write_text(
        f"{HEADER}\nc1 > c2 > c3;1;10;0\nc1;0;0;1\nc2 > c3;0;0;1\n", encoding="utf-8"
    )
    done = cjdsl("attribute", "--paths", "p.csv", "--order", "1-2", "-o", "out.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "out.json").read_text("utf-8"))
    markov = next(m for m in data["models"] if m["model"] == "markov-1")
    assert markov["removal_effect"]["conversions"] == pytest.approx(
        {"c1": 0.5, "c2": 1.0, "c3": 1.0}
    )
    assert markov["conversions"] == pytest.approx({"c1": 0.2, "c2": 0.4, "c3": 0.4})
    assert data["totals"] == {"paths": 3, "journeys": 3.0, "conversions": 1.0, "value": 10.0}
    done = cjdsl("attribute", "--paths", "p.csv", "-o", "out.csv", cwd=tmp_path)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text("utf-8"))))
    assert {r["model"] for r in rows} >= {"first-touch", "markov-1", "shapley"}
    done = cjdsl("attribute", "--paths", "p.csv", "--format", "markdown", cwd=tmp_path)
    assert "| channel | first touch |" in done.stdout and "| total |" in done.stdout
    done = cjdsl(
        "attribute", "--paths", "-", "--model", "linear", cwd=tmp_path, input=f"{HEADER}\nÄ;1;0;0\n"
    )
    assert done.returncode == 0 and "Ä " in done.stdout


def test_cli_text_on_the_shipped_example() -> None:
    done = cjdsl("attribute", "--paths", str(EXAMPLE), "--model", "last-non-direct", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "2,083 journeys in 14 distinct paths; 217 converted (10.4%)" in done.stdout
    assert "Suchmaschine" in done.stdout and "Preisvergleich" in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give an event log (LOG) or a path table"),
        (("--paths", "missing.csv"), "cannot read missing.csv"),
        (("--paths", "bad.csv"), "bad.csv: row 2, column 2 (`total_conversions`)"),
        (("--paths", "bad.csv", "--sep", ";;"), "one character"),
        (("--paths", "good.csv", "--model", "time-decay"), "time decay needs"),
        (("--paths", "good.csv", "--model", "lienar"), "unknown model `lienar`"),
        (("--paths", "good.csv", "--position", "50/20/40"), "add up to 100"),
        (("--paths", "good.csv", "--order", "eins"), "not a list of orders"),
        (("--paths", "good.csv", "--order", "1-99999999999"), "go too high"),
        (("--paths", "good.csv", "--order", "9"), "order must be 1 to 8"),
        (("--paths", "good.csv", "--half-life", "7 Tage"), "not a duration"),
        (("--paths", "good.csv", "-o", "good.csv"), "refusing to overwrite the input"),
    ],
)
def test_cli_bad_input_exits_2_with_one_clear_message(
    tmp_path: pathlib.Path, args: tuple[str, ...], says: str
) -> None:
    (tmp_path / "good.csv").write_text(f"{HEADER}\na;1;1;1\n", encoding="utf-8")
    (tmp_path / "bad.csv").write_text(f"{HEADER}\na;x;1;1\n", encoding="utf-8")
    done = cjdsl("attribute", *args, cwd=tmp_path)
    assert done.returncode == 2, done
    assert says in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "good.csv").read_text("utf-8") == f"{HEADER}\na;1;1;1\n"


NAMES = ("Suche", "Süd West", "a", "Ärger", "direct", "x-y", "Newsletter 2")


@st.composite
def table_texts(draw: st.DrawFn) -> str:
    rows = draw(
        st.lists(
            st.tuples(
                st.lists(st.sampled_from(NAMES), min_size=1, max_size=5),
                st.integers(0, 9),
                st.integers(0, 9),
                st.sampled_from(["", "12.5", "3", "0.25"]),
            ),
            max_size=30,
        )
    )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [HEADER]
    for steps, conv, null, value in rows:
        lines.append(f"{' > '.join(steps)};{conv};{value if conv else 0};{null}")
    if draw(st.booleans()) and rows:  # a row the fast reader leaves to the row reader
        at = draw(st.integers(1, len(lines) - 1))
        lines.insert(at, draw(st.sampled_from(['"q > a";1;1;0', "a>b;1;0;0", "", " a ;0;0;1"])))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@given(table_texts(), st.integers(8, 200))
@settings(max_examples=80, deadline=None)
def test_the_block_reader_equals_the_row_reader(text: str, size: int) -> None:
    data = text.encode("utf-8")
    blocks = [data[i : i + size] for i in range(0, len(data), size)]
    # Whole lines per block, as files.read_blocks hands them out.
    whole: list[bytes] = []
    carry = b""
    for block in blocks:
        carry += block
        cut = carry.rfind(b"\n") + 1
        if cut:
            whole.append(carry[:cut])
            carry = carry[cut:]
    if carry:
        whole.append(carry)
    fast = pathtables.read(whole)
    slow = pathtables.read(text.splitlines())
    assert fast.channels == slow.channels
    assert fast.flat.tolist() == slow.flat.tolist()
    assert fast.offsets.tolist() == slow.offsets.tolist()
    for a, b in ((fast.conversions, slow.conversions), (fast.value, slow.value)):
        assert a.tolist() == b.tolist()
    assert fast.null.tolist() == slow.null.tolist()


def test_an_error_after_fast_blocks_names_its_row(tmp_path: pathlib.Path) -> None:
    table = tmp_path / "t.csv"
    good = "".join(f"a > b{i % 5};1;2;3\n" for i in range(20_000))
    table.write_text(f"{HEADER}\n{good}a;1;x;3\n", encoding="utf-8")
    with pytest.raises(pathtables.PathTableError) as caught:
        pathtables.read(files.read_blocks(str(table), size=4096), source="t.csv")
    assert str(caught.value).startswith("t.csv: row 20002, column 3 (`total_conversion_value`)")


def test_read_blocks_end_at_line_breaks_and_refuse_a_line_too_long(tmp_path: pathlib.Path) -> None:
    table = tmp_path / "t.csv"
    table.write_bytes(b"".join(b"line %d\n" % i for i in range(1000)))
    blocks = list(files.read_blocks(str(table), size=100))
    assert all(b.endswith(b"\n") for b in blocks) and b"".join(blocks) == table.read_bytes()
    table.write_bytes(b"x" * 5000)
    with pytest.raises(ValueError, match="line 1 is longer than 1,000 bytes"):
        list(files.read_blocks(str(table), size=100, max_line=1000))
