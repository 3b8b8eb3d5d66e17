"""Inline suppressions: `# cjdsl: ignore[…]` on a line, through the library, the CLI,
`cjdsl fmt` (the comment survives) and the language server's compile."""

from __future__ import annotations

import pathlib

import pytest
from click.testing import CliRunner

import cjdsl
from cjdsl import pipeline, suppression
from cjdsl.cli import cli
from cjdsl.language import formatting, parsing
from cjdsl.lsp import state
from cjdsl.source import SourceFile

WARN = (
    'journey "Warm"\n'
    'entry touchpoint a "Ä"\n'
    'touchpoint b "B"  # cjdsl: ignore[CJ201]\n'
    'channel web "Web" online  # a note, then cjdsl: ignore[unused-channel, dead-end]\n'
    'goal g "G"\n'
    "a -> g\n"
    "a -> b\n"
)


def codes_of(doc: pipeline.Document) -> list[str]:
    return [d.code.id for d in doc.diagnostics]


def compile_(text: str, rules: suppression.Rules = suppression.DEFAULT) -> pipeline.Document:
    return pipeline.compile_source(SourceFile("x.journey", text), read=None, rules=rules)


def test_a_comment_suppresses_its_codes_on_its_line() -> None:
    assert codes_of(compile_(WARN.replace("  # cjdsl: ignore[CJ201]", ""))) == ["CJ201"]
    assert codes_of(compile_(WARN.replace("cjdsl: ignore[unused", "unused"))) == ["CJ403"]
    assert codes_of(compile_(WARN)) == []  # by id; by name, after other words


def test_unused_suppressions_are_reported_when_asked() -> None:
    doc = compile_(WARN, suppression.Rules(report_unused=True))
    (unused,) = doc.diagnostics
    assert unused.code.id == "CJ704" and unused.span.text == "dead-end"
    assert (unused.span.line, unused.message) == (
        4,
        "unused suppression: no CJ201 dead-end on this line",
    )


def test_unknown_codes_and_empty_brackets_are_unused() -> None:
    text = WARN.replace("ignore[CJ201]", "ignore[CJ2O1]") + "# cjdsl: ignore[]\n"
    doc = compile_(text, suppression.Rules(report_unused=True))
    messages = {d.message: d for d in doc.diagnostics if d.code.id == "CJ704"}
    assert "`CJ2O1` is no diagnostic code" in messages
    assert messages["`CJ2O1` is no diagnostic code"].hint == "did you mean `CJ201`?"
    assert "the suppression names no code" in messages
    assert "CJ201" in codes_of(doc)  # the misspelt code suppressed nothing


def test_a_comment_marker_inside_a_string_is_no_suppression() -> None:
    text = WARN.replace(
        'touchpoint b "B"  # cjdsl: ignore[CJ201]', 'touchpoint b "# cjdsl: ignore[CJ201]"'
    )
    assert "CJ201" in codes_of(compile_(text))


def test_only_the_line_of_the_span_counts() -> None:
    text = WARN.replace("  # cjdsl: ignore[CJ201]", "") + "# cjdsl: ignore[CJ201]\n"
    assert "CJ201" in codes_of(compile_(text))


def test_the_facade_applies_them_too() -> None:
    assert cjdsl.loads(WARN, raise_on_error=False).diagnostics == ()


def test_fmt_keeps_the_comments() -> None:
    messy = WARN.replace("a -> b", "a->b").replace(
        'entry touchpoint a "Ä"', 'entry   touchpoint a  "Ä"'
    )
    formatted = formatting.format_parsed(parsing.parse(SourceFile("x.journey", messy)))
    assert formatted is not None and formatted != messy
    assert "# cjdsl: ignore[CJ201]" in formatted
    assert "cjdsl: ignore[unused-channel, dead-end]" in formatted
    assert codes_of(compile_(formatted)) == []


def test_check_and_fmt_on_a_real_file(tmp_path: pathlib.Path) -> None:
    journey = tmp_path / "warm.journey"
    journey.write_text(WARN.replace("a -> b", "a->b"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["check", "--strict", str(tmp_path)]).exit_code == 1  # CJ704
    assert (
        runner.invoke(cli, ["check", "--strict", "--ignore", "CJ704", str(journey)]).exit_code == 0
    )
    assert runner.invoke(cli, ["fmt", str(journey)]).exit_code == 0
    text = journey.read_text(encoding="utf-8")
    assert "a -> b" in text and "# cjdsl: ignore[CJ201]" in text
    assert runner.invoke(cli, ["check", str(journey)]).exit_code == 0


@pytest.mark.parametrize("strict", [False, True])
def test_the_language_server_shows_the_same(tmp_path: pathlib.Path, strict: bool) -> None:
    (tmp_path / "cjdsl.toml").write_text(f"strict = {str(strict).lower()}\n", encoding="utf-8")
    journey = tmp_path / "warm.journey"
    journey.write_text(WARN, encoding="utf-8")
    analysis = state.analyse(journey.as_uri(), 1, WARN)
    assert codes_of(analysis.document) == (["CJ704"] if strict else [])
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(journey)])
    assert result.stdout.count('"code"') == len(analysis.document.diagnostics)


def test_the_language_server_follows_select(tmp_path: pathlib.Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cjdsl]\nselect = ["CJ1"]\n', encoding="utf-8")
    text = WARN.replace("  # cjdsl: ignore[CJ201]", "")
    analysis = state.analyse((tmp_path / "w.journey").as_uri(), 1, text)
    assert codes_of(analysis.document) == []
