"""What `cjdsl analyze` prints: text, Markdown and schema-valid JSON, end to end."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import jsonschema
import pytest

from cjdsl import analysis
from cjdsl.analysis import tables

from .conftest import CASES, EXAMPLES, ROOT, Golden, load_journey

SCHEMA = json.loads((ROOT / "docs" / "analysis-schema.json").read_text(encoding="utf-8"))
SHOP = ROOT / "examples" / "online-shop.journey"
GERMAN = ROOT / "examples" / "versicherung.journey"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", "analyze", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        input=stdin,
        timeout=120,
        check=False,
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_json_of_every_example_follows_the_schema(path: pathlib.Path) -> None:
    report = analysis.analyze(load_journey(path))
    data = json.loads(analysis.to_json(report))
    jsonschema.validate(data, SCHEMA)
    assert data["version"] == 1 and data["kind"] == "cjdsl-analysis"


def test_a_what_if_report_follows_the_schema_too() -> None:
    journey = load_journey(SHOP)
    report = analysis.analyze(journey, without=["cart-email", "display"], persona="anna")
    data = json.loads(analysis.to_json(report))
    jsonschema.validate(data, SCHEMA)
    assert data["baseline"]["conversion"]["probability"] > data["conversion"]["probability"]
    assert data["differences"][0]["figure"] == "conversion"


def test_the_schema_rejects_what_it_should() -> None:
    data = json.loads(analysis.to_json(analysis.analyze(load_journey(SHOP))))
    data["conversion"]["probability"] = "high"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_json_is_deterministic() -> None:
    journey = load_journey(SHOP)
    assert analysis.to_json(analysis.analyze(journey)) == analysis.to_json(
        analysis.analyze(journey)
    )


@pytest.mark.parametrize("format_", ["text", "markdown"])
@pytest.mark.parametrize("path", [SHOP, GERMAN], ids=["online-shop", "versicherung"])
def test_tables_golden(path: pathlib.Path, format_: str, golden: Golden) -> None:
    report = analysis.analyze(load_journey(path))
    out = tables.text(report) if format_ == "text" else tables.markdown(report)
    golden(CASES / "analysis" / f"{path.stem}.{'txt' if format_ == 'text' else 'md'}", out)


def test_markdown_tables_are_well_formed() -> None:
    out = tables.markdown(analysis.analyze(load_journey(SHOP)))
    blocks: list[list[str]] = [[]]
    for line in out.splitlines():
        if line.startswith("|"):
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    tables_ = [b for b in blocks if b]
    assert len(tables_) >= 6
    for rows in tables_:
        header, rule, *body = rows
        columns = header.replace("\\|", "").count("|")
        assert set(rule.replace("|", "").split()) <= {"---", "---:"}
        assert all(row.replace("\\|", "").count("|") == columns for row in [rule, *body])


def test_cli_text_markdown_and_json() -> None:
    text = run(str(SHOP))
    assert text.returncode == 0, text.stderr
    assert "Conversion: 0.917% of customers reach a goal" in text.stdout
    markdown = run(str(SHOP), "--format", "markdown", "--top", "5")
    assert markdown.returncode == 0 and "| 5 |" in markdown.stdout
    data = json.loads(run(str(GERMAN), "--format", "json").stdout)
    assert any(g["id"] == "verlängert" for g in data["goals"])


def test_cli_persona_without_and_output_file(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "report.json"
    done = run(str(SHOP), "--persona", "ben", "--without", "cart-email,retargeting", "-o", str(out))
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["persona"] == "ben" and data["without"] == ["cart-email", "retargeting"]
    assert [n["id"] for n in data["nodes"] if n["removed"]] == ["cart-email", "retargeting"]


def test_cli_reads_stdin() -> None:
    done = run("-", stdin='journey "J"\nentry touchpoint a\ngoal g\na -> g 25%\n')
    assert done.returncode == 0 and "25.0% of customers reach a goal" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--persona", "zoe"], "unknown persona `zoe`"),
        (["--without", "cartt"], "did you mean `cart`?"),
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], message: str) -> None:
    done = run(str(SHOP), *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_cli_refuses_to_overwrite_its_input(tmp_path: pathlib.Path) -> None:
    copy = tmp_path / "shop.journey"
    copy.write_bytes(SHOP.read_bytes())
    done = run(str(copy), "-o", str(copy))
    assert done.returncode == 2 and "refusing to overwrite" in done.stderr
    assert copy.read_bytes() == SHOP.read_bytes()


def test_cli_a_broken_journey_gives_diagnostics_not_figures(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken.journey"
    broken.write_text('journey "J"\nentry touchpoint a\na -> checkuot 50%\n', encoding="utf-8")
    done = run(str(broken))
    assert done.returncode == 1
    assert "broken.journey:3:6" in done.stderr and "CJ101" in done.stderr
    assert done.stdout == ""
