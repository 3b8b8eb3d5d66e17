"""The parser: every construct, error recovery, and comments."""

from __future__ import annotations

import lark
import pytest

from cjdsl.language import parsing
from cjdsl.source import SourceFile


def parse(text: str) -> parsing.Parsed:
    return parsing.parse(SourceFile("t.journey", text))


def codes_of(text: str) -> list[str]:
    return [d.code.id for d in parse(text).diagnostics]


FULL = '''# leading comment
journey "Running shoes, bought online"   # the title
  description """Anna finds, compares
     and buys running shoes online."""
  owner "E-commerce team"
import "common.journey"
persona anna "Anna, 36" {
  description "Runs"
  goal "Comfort"; pain "Time"
}
channel social "Social media" online
stage awareness "Awareness" {
  description "First contact"
  entry touchpoint ad "Instagram ad" @social for anna, ben {
    emotion +1 "curious"
    kpi ctr 2.1%
    cost 1200 EUR
    tags paid, top-of-funnel
  }
  goal bought "Order placed"
  exit lost "Lost"
  ad -> bought
}
ad -> shop 30% "clicks" after 2d for anna -> checkout 0.4; x -> y
'''


def test_every_construct_parses_without_diagnostics() -> None:
    parsed = parse(FULL)
    assert parsed.diagnostics == ()
    assert parsed.tree is not None
    kinds = [child.data for child in parsed.tree.children]  # type: ignore[union-attr]
    assert kinds == [
        "header",
        "attribute",
        "attribute",
        "import_",
        "persona",
        "channel",
        "stage",
        "transition",
        "transition",
    ]


def test_comments_are_kept_with_positions_and_not_taken_from_strings() -> None:
    parsed = parse('journey "a # not a comment"  # yes\n# line\nx -> y # end')
    assert [c.text for c in parsed.comments] == ["# yes", "# line", "# end"]
    assert parsed.comments[0].span.col == 30


def test_identifiers_take_unicode_and_inner_hyphens() -> None:
    parsed = parse('journey "J"\nkündigung -> fürsprache\ncart-email->shop')
    assert parsed.diagnostics == ()
    assert parsed.tree is not None
    transitions = [c for c in parsed.tree.children[1:] if isinstance(c, lark.Tree)]
    names = [
        [str(t) for t in tr.scan_values(lambda v: getattr(v, "type", "") == "NAME")]
        for tr in transitions
    ]
    assert names == [["kündigung", "fürsprache"], ["cart-email", "shop"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('journey "J"\nstage a "A" }', ["CJ001"]),
        ('journey "J"\ntouchpoint ad "Ad" $ social', ["CJ002"]),
        ('journey "J"\nstage a "A" {\n touchpoint x', ["CJ003"]),
        ('journey "J\nx -> y', ["CJ004"]),
        ('journey "J"\nad ->\nb -> c', ["CJ005"]),
        ('journey "J"\nad -> "label"', ["CJ005"]),
    ],
)
def test_syntax_error_codes(text: str, expected: list[str]) -> None:
    assert codes_of(text) == expected


def test_several_syntax_errors_are_reported_in_one_run() -> None:
    text = 'journey "J"\na -> b 40% c\nstage s "S" {\n touchpoint x "X" $\n}\nd ->\ne -> f\n'
    diagnostics = parse(text).diagnostics
    assert [(d.code.id, d.span.line) for d in diagnostics] == [
        ("CJ001", 2),
        ("CJ002", 4),
        ("CJ005", 6),
    ]


def test_recovery_keeps_the_good_statements() -> None:
    parsed = parse('journey "J"\na -> b 40% c\ne -> f\n')
    assert parsed.tree is not None
    assert [getattr(c, "data", c) for c in parsed.tree.children] == ["header", "transition"]


def test_keyword_used_as_an_id_gets_a_hint() -> None:
    (diagnostic,) = parse('journey "J"\ngoal -> x').diagnostics
    assert diagnostic.hint is not None and "keyword" in diagnostic.hint


def test_error_positions_point_at_the_token() -> None:
    (diagnostic,) = parse('journey "J"\nad -> shop 30% oops\n').diagnostics
    assert (diagnostic.span.line, diagnostic.span.col, diagnostic.span.text) == (2, 16, "oops")
    assert diagnostic.message == "unexpected `oops`"


def test_empty_file_parses_to_an_empty_tree() -> None:
    parsed = parse("")
    assert parsed.tree is not None and parsed.diagnostics == ()


def test_crlf_and_bom_free_text_parse() -> None:
    assert codes_of('journey "J"\r\ntouchpoint a "A"\r\na -> a\r\n') == []
