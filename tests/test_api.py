"""The Python API: load, loads, render and the one exception type."""

from __future__ import annotations

import pathlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cjdsl
from cjdsl.diagnostics import Severity

from .conftest import EXAMPLES

GOOD = 'journey "Good"\nentry touchpoint a "A"\ngoal g "G"\na -> g 40%\n'


def test_loads_returns_a_document_with_the_model() -> None:
    doc = cjdsl.loads(GOOD)
    assert isinstance(doc, cjdsl.Document) and doc.ok
    assert doc.journey is not None and doc.journey.title == "Good"


def test_errors_raise_journey_error_with_all_diagnostics() -> None:
    with pytest.raises(cjdsl.JourneyError) as caught:
        cjdsl.loads('journey "J"\na -> b\nc -> d 140%\n', path="x.journey")
    assert str(caught.value).startswith("x.journey:2:1: unknown touchpoint `a` (and ")
    assert {d.code.id for d in caught.value.diagnostics} >= {"CJ101"}
    assert isinstance(caught.value, cjdsl.CjdslError)


def test_warnings_do_not_raise() -> None:
    doc = cjdsl.loads('journey "J"\nentry touchpoint a\ntouchpoint b\ngoal g\na -> g\na -> b\n')
    assert [d.code.id for d in doc.diagnostics] == ["CJ201"]


def test_load_reads_a_path(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(GOOD, encoding="utf-8")
    assert cjdsl.load(path).source.path == str(path)
    with pytest.raises(OSError):
        cjdsl.load(tmp_path / "missing.journey")


def test_render_returns_bytes_and_accepts_a_document_or_journey() -> None:
    doc = cjdsl.loads(GOOD)
    assert doc.journey is not None
    assert cjdsl.render(doc, format="dot") == cjdsl.render(doc.journey, format="dot")
    with pytest.raises(cjdsl.RenderError, match="unknown format `gif`"):
        cjdsl.render(doc, format="gif")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_load_cleanly(path: pathlib.Path) -> None:
    findings = cjdsl.load(path).diagnostics
    assert [d for d in findings if d.severity is not Severity.INFO] == []


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('journey touchpoint goal exit stage{}"->;\n#@%,ab1ü\\.')))
    | st.text()
)
def test_random_text_raises_nothing_but_journey_error(text: str) -> None:
    try:
        doc = cjdsl.loads(text)
    except cjdsl.JourneyError as error:
        assert error.diagnostics
        for d in error.diagnostics:
            assert 0 <= d.span.start <= d.span.end <= len(d.span.file.text)
        return
    assert doc.journey is not None


EXAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in EXAMPLES]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(EXAMPLE_TEXTS),
    st.integers(0, 20_000),
    st.integers(0, 60),
    st.sampled_from(["", "{", "}", '"', "->", "\x00", "\ufeff", "\r\n", "9" * 400, "#", "ü"]),
)
def test_mutated_examples_end_in_a_model_or_positioned_diagnostics(
    text: str, at: int, length: int, insert: str
) -> None:
    at %= len(text)
    mutated = text[:at] + insert + text[at + length :]
    try:
        cjdsl.loads(mutated)
    except cjdsl.JourneyError as error:
        assert all(d.span.line >= 1 for d in error.diagnostics)


def test_compiling_leaves_the_garbage_collector_as_it_found_it() -> None:
    """Compiling pauses the collector and hands what it made to the oldest generation."""
    import gc

    text = 'journey "J"\nentry touchpoint a\ngoal b\na -> b\n'
    assert gc.isenabled()
    doc = cjdsl.loads(text)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert doc.journey is not None
    gc.disable()
    try:
        cjdsl.loads(text)
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_a_lone_surrogate_is_refused_with_a_diagnostic_every_format_can_print() -> None:
    """The review's F20: JSON's `"\\ud83d"` reaches `loads` as a lone surrogate, which no
    output can encode; it is CJ006 at its place, and the reports escape it."""
    import json

    from cjdsl import reporting

    text = 'journey "J"\n# \ud83d\nentry touchpoint a "\udc00"\ngoal b\na -> b\n'
    with pytest.raises(cjdsl.JourneyError, match="lone surrogate"):
        cjdsl.loads(text)
    doc = cjdsl.loads(text, raise_on_error=False)
    (problem,) = doc.diagnostics
    assert problem.code.id == "CJ006"
    assert (problem.span.file.line_col(problem.span.start)) == (2, 3)
    for format_ in ("text", "json", "github"):
        reporting.render(doc.diagnostics, format_=format_).encode("utf-8")
    assert "\\ud83d" in reporting.render(doc.diagnostics, format_="text")
    json.loads(reporting.render(doc.diagnostics, format_="json"))
