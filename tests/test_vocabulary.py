"""The vocabulary is the one list of the language's words: the grammar, the Pygments lexer,
the TextMate grammar, the model and the docs are held against it."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from pygments.token import Keyword, is_token_subtype

import cjdsl
from cjdsl import highlighting, model
from cjdsl.language import formatting, parsing, vocabulary
from cjdsl.lsp import completion

from .conftest import ROOT

TEXTMATE = ROOT / "editors" / "vscode" / "syntaxes" / "journey.tmLanguage.json"
LANGUAGE = ROOT / "docs" / "language.md"
EVERY_KEYWORD = (
    'journey "J"\nimport "x.journey"\npersona p "P"\nchannel c "C" online\n'
    "stage s {\n  entry touchpoint a @c for p\n  goal g\n  exit x\n}\na -> g 40% after 2d for p\n"
    "scenario t {\n  change a { emotion +1 }\n  remove a -> x\n}\n"
    'process p "P" { supports a }\n'
)


def grammar_terminals() -> dict[str, str]:
    return dict(re.findall(r"^([A-Z_]+): (.+)$", parsing.grammar_text(), re.MULTILINE))


def test_the_grammar_reads_ids_with_the_one_id_pattern() -> None:
    assert grammar_terminals()["NAME"] == f"/{vocabulary.ID_PATTERN}/"
    assert highlighting.NAME == vocabulary.ID_PATTERN


def test_every_keyword_is_a_grammar_terminal_and_every_word_terminal_a_keyword() -> None:
    words = {
        value.strip('"')
        for value in grammar_terminals().values()
        if re.fullmatch(r'"[a-z]+"', value)
    }
    assert words == set(vocabulary.KEYWORDS)


def test_the_pygments_lexer_marks_every_keyword() -> None:
    lexer = highlighting.JourneyLexer()
    marked = {
        text for kind, text in lexer.get_tokens(EVERY_KEYWORD) if is_token_subtype(kind, Keyword)
    }
    assert set(vocabulary.KEYWORDS) <= marked


def test_the_textmate_grammar_knows_every_keyword_and_the_id_pattern() -> None:
    grammar = json.loads(TEXTMATE.read_text("utf-8"))
    patterns: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            patterns.extend(v for k, v in node.items() if k in ("match", "begin"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(grammar)
    words = {
        w for p in patterns for group in re.findall(r"\(([a-z|]+)\)", p) for w in group.split("|")
    }
    assert set(vocabulary.KEYWORDS) <= words
    assert any(vocabulary.ID_PATTERN in p for p in patterns)


def test_every_attribute_fills_a_field_of_its_owners_model() -> None:
    classes = {"persona": model.Persona, "node": model.Touchpoint, "stage": model.Stage}
    for attribute in vocabulary.ATTRIBUTES:
        for owner in attribute.owners:
            if owner in classes:
                fields = {f.name for f in dataclasses.fields(classes[owner])}
                assert attribute.field in fields, (attribute.name, owner)
    journey_fields = {f.name for f in dataclasses.fields(model.Journey)}
    assert {a.field for a in vocabulary.attributes("journey")} <= journey_fields


@pytest.mark.parametrize("attribute", vocabulary.ATTRIBUTES, ids=lambda a: a.name)
def test_every_form_is_a_valid_attribute_of_each_owner(attribute: vocabulary.Attribute) -> None:
    """The form completion and hover show is itself correct text."""
    node = "entry touchpoint a" if attribute.name == "reach" else "touchpoint a"
    blocks = {
        "journey": f'journey "J" {{ {attribute.form} }}\n{node}',
        "persona": f'journey "J"\npersona p {{ {attribute.form} }}\n{node} for p',
        "channel": f'journey "J"\nchannel c {{ {attribute.form} }}\n{node} @c',
        "stage": f'journey "J"\nstage s {{\n  {attribute.form}\n  {node}\n}}',
        "node": f'journey "J"\n{node} {{ {attribute.form} }}',
        "process": f'journey "J"\nprocess p {{ {attribute.form} }}\n{node}\n'
        "touchpoint checkout; touchpoint pay; a -> checkout -> pay",
    }
    if attribute.name == "loss":  # only an exit is a loss
        blocks["node"] = f'journey "J"\n{node}\nexit x {{ {attribute.form} }}\na -> x 10%'
    for owner in attribute.owners:
        doc = cjdsl.loads(blocks[owner] + "\ngoal g\na -> g\n", raise_on_error=False)
        errors = [d for d in doc.diagnostics if d.code.id.startswith(("CJ0", "CJ1"))]
        assert errors == [], (owner, [str(d) for d in errors])


def test_the_formatter_and_completion_read_the_vocabulary() -> None:
    assert formatting.ATTRIBUTE_ORDER["node"] == vocabulary.names("node")
    assert completion.ATTRIBUTE_FORMS["kpi"] == vocabulary.attribute("kpi", "node").form  # type: ignore[union-attr]


def test_the_language_reference_shows_the_vocabulary() -> None:
    text = LANGUAGE.read_text("utf-8")
    assert vocabulary.reference("node") in text, "refresh the table in docs/language.md"
    keywords = " ".join(vocabulary.KEYWORDS)
    assert f"Keywords: `{keywords}`" in text
