"""The scanner against Lark: the same model and diagnostics, or it steps aside.

``scanning.scan`` reads clean journeys straight into declarations and gives
up (``None``) on anything it leaves to Lark and lowering. Two properties hold
it to the grammar:

- whenever it reads a text, the text has no syntax error and the model and
  diagnostics equal those of ``parsing.parse`` + ``lowering.lower``;
- on a valid journey it gives up only where lowering has something to say
  about a statement (its spans, comments and layout never make it give up).

The fuzz test (``tests/test_fuzz.py``) checks the first property on broken
input too.
"""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import HealthCheck, given, settings

from cjdsl import codes, lowering, parsing, scanning
from cjdsl.diagnostics import sort
from cjdsl.source import SourceFile

from .conftest import EXAMPLES
from .strategies import journeys

AGREE = settings(max_examples=150, deadline=None, derandomize=True)
RESOLVED = frozenset(
    code.id
    for code in (
        codes.DUPLICATE_ID,
        codes.UNKNOWN_REFERENCE,
        codes.MISSING_HEADER,
        codes.IMPORT_NOT_FOUND,
        codes.IMPORT_CYCLE,
        codes.IMPORT_OUTSIDE_ROOT,
        codes.IMPORT_IGNORED,
    )
)
"""What ``lowering.resolve`` reports after a scan: the scanner need not give up for these."""


def agree(text: str) -> bool:
    """Assert that a scan, where there is one, equals Lark's way; True when the text was scanned."""
    source = SourceFile("x.journey", text)
    declared = scanning.scan(source)
    if declared is None:
        return False
    parsed = parsing.parse(source)
    assert parsed.diagnostics == (), "the scanner read a text with a syntax error"
    journey, diagnostics = lowering.resolve(declared, source)
    expected, lowered = lowering.lower(parsed)
    assert journey == expected
    assert sort(diagnostics) == sort(lowered)
    return True


def only_resolved(text: str) -> bool:
    """True when Lark's way finds nothing a scanner would have to report."""
    parsed = parsing.parse(SourceFile("x.journey", text))
    _, lowered = lowering.lower(parsed)
    return not parsed.diagnostics and all(d.code.id in RESOLVED for d in lowered)


@AGREE
@given(journeys())
def test_valid_journeys_scan_as_lark_parses_them(text: str) -> None:
    scanned = agree(text)
    assert scanned or not only_resolved(text), "gave up on a clean journey"


@AGREE
@given(journeys(canonical=True))
def test_formatted_journeys_scan_as_lark_parses_them(text: str) -> None:
    scanned = agree(text)
    assert scanned or not only_resolved(text), "gave up on a clean journey"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_scanned(path: pathlib.Path) -> None:
    assert agree(path.read_text(encoding="utf-8"))


HEADER = 'journey "T"\n'


@pytest.mark.parametrize(
    "body",
    [
        "a -> b\nb -> c -> d 30% after 2d\n",
        'a->b 30%"x"after 1w for p, q\n',
        'a -> b "x" 30% for p after 2d -> c\n',  # details in any order, then a second hop
        "a -> b after 2d after 3d\n",  # the last duration wins, as in lowering
        "a -> b for p for q\n",
        "touchpoint a {}\ntouchpoint b { }\ntouchpoint c {\n}\ngoal d {;}\n",
        "touchpoint a { # a comment with { and }\n}\n",
        'touchpoint a "A" @web for p, q {\n  emotion -1 "meh"; kpi ctr 2%\n  tags x, y,\n}\n',
        'entry touchpoint a { reach 10; cost 5 EUR; kpi rev 9 USD; link "https://e.x" }\n',
        'touchpoint a { action """\n    several\n      lines\n  """ }\n',
        'touchpoint a { action "say \\"hi\\"\\n"; pain "\\q" }\n',
        'stage s {\n  touchpoint a\n  a -> b\n  stage -> a\n  description "d"\n}\n',
        "stage s\nstage t {}\n",
        "  \t\n\n# lead\n; ;\na -> b ; b -> c;\n",
        "a -> b # trailing\n# last line without a newline",
        "a -> b\r\nb -> c\r\n",
        "touchpoint a\f\ntouchpoint b\n",  # a form feed before the line end
        "touchpoint a\n\f\ntouchpoint b\n",  # a form feed on a blank line: two separators
        'touchpoint a { action "x" \ufeff}\n',  # a BOM inside a block, where spans differ
        "touchpoint a\rtouchpoint b\n",  # a lone carriage return
        "a -> b after2d\n",  # keywords glued to what follows: left to Lark
        "a -> b forp\n",
        "entry goalie\n",
        "touchpoint for for p\n",
        "a -> b\n}\n",
        "a -> b 30% 40%\n",
        'touchpoint a { colour "red" }\n',
        "entry goal g\n",
        "touchpoint a { reach 10 }\n",
        "a -> b 2d\n",
        'persona p "P" { goal "g"; goal "h"; pain "x"; description "d" }\n',
        'channel web "Web" online { description "d" }\nchannel c offline\nchannel d\n',
        "channel web weird\n",
        'description "d"\nowner "o"\n',
        'description "d"\ndescription "e"\n',
        'import "other.journey"\n',
        "touchpoint a b\n",
        "a -> 5\n",
        "touchpoint a { kpi x 3 EURO }\n",
        "touchpoint a { tags a b }\n",
    ],
)
def test_edge_cases_agree(body: str) -> None:
    agree(HEADER + body)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment",
        "\n\n",
        'a -> b\njourney "late"\n',
        'journey "A"\njourney "B"\n',
        'journey "T" { description "d"; owner "o" }\n',
        'journey "T" {\n}\n',
        'journey\n"T"\n',
    ],
)
def test_headers_and_empty_files_agree(text: str) -> None:
    agree(text)


def test_clean_text_is_scanned_and_remarks_leave_it_to_lark() -> None:
    assert agree(HEADER + "touchpoint a\ngoal b\na -> b 40% after 2d\n")
    assert not agree(HEADER + 'touchpoint a { colour "red" }\n')  # lowering says CJ103
    assert not agree(HEADER + "a -> b after2d\n")  # Lark reads `after 2d`; left to it


@settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(journeys())
def test_a_journey_scanned_in_pieces_of_statements_keeps_its_spans(text: str) -> None:
    """Spans of a scanned model point at the text they came from."""
    source = SourceFile("x.journey", text)
    declared = scanning.scan(source)
    if declared is None:
        return
    journey, _ = lowering.resolve(declared, source)
    for node in journey.touchpoints:
        assert node.name_span.text == node.id
    for transition in journey.transitions:
        assert transition.source_span.text == transition.source
        assert transition.target_span.text == transition.target
