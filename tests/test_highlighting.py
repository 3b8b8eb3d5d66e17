"""The Pygments lexer: found through the entry point, right tokens, no errors on examples."""

from __future__ import annotations

import importlib.metadata
import pathlib
import re

import pytest
from pygments import highlight, lex
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename, guess_lexer
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    _TokenType,
    is_token_subtype,
)

from cjdsl.highlighting import JourneyLexer

from .conftest import CASES, EXAMPLES, ROOT

SAMPLE = '''# Kündigung
journey "Kfz: Kündigung"
  description """
    Zwei Zeilen,
    "mit" Umlauten: äöü
    """
persona jürgen "Jürgen" { goal "Ruhe" }
channel brief "Brief" offline
stage bindung "Bindung" {
  entry touchpoint kündigung "Kündigung \\"eingegangen\\"" @brief for jürgen, lea {
    reach 500
    emotion -2 "entschlossen"
    kpi storno 9.5%
    cost 1.10 EUR
    tags storno, rückgewinnung
  }
  goal verlängert
}
kündigung -> verlängert 30% after 2d "nimmt an" for jürgen -> bindung-ende
'''
BLOCK = re.compile(r"```journey\n(.*?)```", re.DOTALL)
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FILES = [*EXAMPLES, *sorted((CASES / "fmt").glob("*.journey"))]


def tokens(text: str) -> list[tuple[_TokenType, str]]:
    return [(kind, value) for kind, value in lex(text, JourneyLexer()) if value.strip()]


def test_found_through_the_entry_point() -> None:
    points = importlib.metadata.entry_points(group="pygments.lexers")
    assert [p.value for p in points if p.name == "journey"] == ["cjdsl.highlighting:JourneyLexer"]
    assert type(get_lexer_by_name("journey")) is JourneyLexer
    assert type(get_lexer_for_filename("shop.journey")) is JourneyLexer
    assert type(guess_lexer('# shop\njourney "Shop"\nad -> shop 40%\n')) is JourneyLexer


def test_tokens_of_a_sample_with_umlauts() -> None:
    found = tokens(SAMPLE)
    assert (Comment.Single, "# Kündigung") in found
    for keyword in ("journey", "persona", "channel", "stage", "touchpoint", "goal"):
        assert (Keyword.Declaration, keyword) in found
    assert (Keyword, "entry") in found and (Keyword, "after") in found and (Keyword, "for") in found
    assert (Keyword.Constant, "offline") in found
    assert (Name.Class, "jürgen") in found and (Name.Class, "brief") in found
    assert (Name.Namespace, "bindung") in found
    assert (Name.Function, "kündigung") in found and (Name.Function, "verlängert") in found
    assert (Name.Decorator, "brief") in found
    for attribute in ("description", "goal", "reach", "emotion", "kpi", "cost", "tags"):
        assert (Name.Attribute, attribute) in found
    assert (Name, "kündigung") in found and (Name, "bindung-ende") in found
    assert (Name, "rückgewinnung") in found and (Name, "storno") in found
    for number in ("500", "-2", "9.5%", "1.10", "30%", "2d"):
        assert (Number, number) in found
    assert (Name.Constant, "EUR") in found
    assert (Operator, "->") in found and (Punctuation, "{") in found and (Punctuation, ",") in found
    assert (String.Escape, '\\"') in found
    assert (String.Double, '"""\n    Zwei Zeilen,\n    "mit" Umlauten: äöü\n    """') in found
    assert not [t for t in found if is_token_subtype(t[0], Error)]


def test_goal_is_an_attribute_in_a_persona_and_a_node_in_a_stage() -> None:
    found = tokens('persona p { goal "x" }\nstage s {\n  goal g\n}')
    assert (Name.Attribute, "goal") in found and (Keyword.Declaration, "goal") in found


def test_errors_are_marked() -> None:
    assert (Error, "$") in tokens('journey "T"\ntouchpoint a $')
    unterminated = list(lex('journey "T\nstage s', JourneyLexer()))
    assert (Error, "\n") in unterminated and (Keyword.Declaration, "stage") in unterminated


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_error_tokens_in_examples_and_cases(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = list(lex(text, JourneyLexer()))
    assert "".join(value for _, value in found) == text.rstrip("\n") + "\n"
    assert [(kind, value) for kind, value in found if is_token_subtype(kind, Error)] == []


@pytest.mark.parametrize(
    "text",
    [b for page in DOCS if page.name != "diagnostics.md" for b in BLOCK.findall(page.read_text())],
)
def test_no_error_tokens_in_docs(text: str) -> None:
    assert [v for k, v in lex(text, JourneyLexer()) if is_token_subtype(k, Error)] == []


def test_html_output() -> None:
    html = highlight('stage s "S" { touchpoint a }', get_lexer_by_name("journey"), HtmlFormatter())
    assert '<span class="kd">stage</span>' in html and '<span class="nn">s</span>' in html
