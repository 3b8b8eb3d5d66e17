"""Fuzzing the front end: every input ends in a model or in positioned diagnostics.

Inputs come from ``strategies.mutated()``: generated journeys broken by
deletion, swaps, truncation, random bytes, huge numbers, deep nesting, long
lines, NUL, invalid UTF-8, a BOM and CRLF. The budget here is fixed and small:
a derandomised run, and runs from the seeds in ``SEEDS`` (33, 44 and 55 once found
an exponential regex) with a per-input time limit of a few seconds, so that a hang
fails at once and leaves its input in a file. ``python bench/fuzz.py --examples
20000`` runs the same properties for longer.

The fast parse (no rule positions, lark-cython when installed) must give exactly
what the positioned parse gives: the same model, spans included, and the same
diagnostics. Its spans are computed from tokens, so a test also holds them against
Lark's own rule positions.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import signal
import tempfile
import time
from collections.abc import Iterator

import lark
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from cjdsl import pipeline
from cjdsl.language import formatting, lowering, parsing
from cjdsl.source import SourceFile

from .conftest import EXAMPLES
from .strategies import journeys, mutated

HANG: float = 60
"""CPU seconds after which one input counts as a hang: no speed goal, a guard against loops."""
CI_HANG: float = 5
"""The per-input CPU limit of the seeded runs here: the slowest inputs (a 50,000-character
line, 2,000 nested blocks; seed 33's 100 kB of dense tokens with errors, 0.9 s) take well
under it; a hang runs for ever."""
SEEDS = (33, 44, 55, 66, 77, 88, 99, 2024)
SEEDED_BUDGET = (150, 300)
"""Broken journeys and random byte strings per seed: about 4 s a seed here."""

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def no_hang(data: bytes, seconds: float = HANG) -> Iterator[None]:
    """Fail instead of waiting forever when one input never finishes, and keep the input:
    the failure names a temporary file that holds ``data`` (regular expressions check for
    signals too, so a pattern that backtracks for ever is stopped as well)."""

    if not hasattr(signal, "SIGPROF"):  # Windows: no guard, the run's own timeout applies
        yield
        return

    def expired(signum: int, frame: object) -> None:
        handle, path = tempfile.mkstemp(prefix="cjdsl-hang-", suffix=".journey")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        raise AssertionError(
            f"no result after {seconds:g} s of CPU time: a hang; the input is in {path}"
        )

    # CPU time, not wall time: a loaded CI machine stretched a 0.9 s check past 5 s of wall
    # time; a loop or a backtracking pattern burns CPU and is caught all the same.
    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def check_input(data: bytes, *, seconds: float = HANG) -> None:
    """The invariants for one file's bytes (shared with ``bench/fuzz.py``).

    - compiling never raises and ends in a model or in at least one error;
    - every diagnostic has a position inside the file it names;
    - the fast parse and the positioned parse lower to the same model and diagnostics;
    - the formatter returns text or refuses, and what it writes parses again;
    - all of it within ``seconds``.
    """
    with no_hang(data, seconds):
        doc = pipeline.compile_bytes(data, "fuzz.journey", read=None)
        assert doc.journey is not None or not doc.ok, "neither a model nor an error"
        for diagnostic in doc.diagnostics:
            span = diagnostic.span
            assert 0 <= span.start <= span.end <= len(span.file.text), diagnostic
            line, col = span.file.line_col(span.start)
            assert line >= 1 and col >= 1
            assert str(span).startswith(span.file.path)
        if doc.journey is None:
            return
        source = doc.source
        slow = parsing.parse(source)
        fast = parsing.parse_fast(source)
        assert fast.diagnostics == slow.diagnostics
        assert lowering.lower(fast) == lowering.lower(slow)
        formatted = formatting.format_parsed(slow)
        if formatted is not None:
            again = parsing.parse(SourceFile("formatted.journey", formatted))
            assert again.diagnostics == (), formatted


@FUZZ
@given(mutated())
def test_broken_inputs_end_in_a_model_or_positioned_diagnostics(data: bytes) -> None:
    check_input(data)


def fuzz(
    seed_: int, *, examples: int, random_bytes: int, seconds: float = HANG, shrink: bool = True
) -> None:
    """Check ``examples`` broken journeys and ``random_bytes`` random byte strings drawn from
    ``seed_``, each within ``seconds``; Hypothesis raises on the first failure. Without
    ``shrink`` the failing input is reported as found: shrinking a hang reruns it for minutes."""
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.generate)
    slow = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
    for strategy, budget in ((mutated(), examples), (st.binary(max_size=2000), random_bytes)):

        @seed(seed_)
        @settings(
            max_examples=budget,
            deadline=None,
            suppress_health_check=slow,
            database=None,
            phases=phases,
        )
        @given(strategy)
        def property_(data: bytes) -> None:
            check_input(data, seconds=seconds)

        property_()


@pytest.mark.parametrize("seed_", SEEDS)
def test_seeded_fuzzing_finds_no_failure_and_no_hang(seed_: int) -> None:
    examples, random_bytes = SEEDED_BUDGET
    fuzz(seed_, examples=examples, random_bytes=random_bytes, seconds=CI_HANG, shrink=False)


def test_a_hang_fails_at_once_and_leaves_its_input_in_a_file() -> None:
    """A slow input under a limit it cannot keep: 1 MB of words takes about 3 s to check."""
    data = b'journey "T"\n' + b"a " * 500_000
    began = time.perf_counter()
    with pytest.raises(
        AssertionError, match=r"no result after 0\.2 s of CPU time: a hang"
    ) as failure:
        check_input(data, seconds=0.2)
    assert time.perf_counter() - began < 2
    path = pathlib.Path(str(failure.value).rsplit("the input is in ", 1)[1])
    try:
        assert path.read_bytes() == data
    finally:
        path.unlink()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"{" * 5000,
        b"}" * 5000,
        b'journey "T"\n' + b"stage s {\n" * 3000,
        b'journey "T"\n' + b'"""' * 1001,
        b'journey "T"\na -> ' + b"9" * 100_000,
        b'journey "T"\n' + b"a -> b\r\n" * 200 + b"\x80",
        b'journey "T"\n' + b"x" * 300_000,
        b'journey "T"\n' + b"a " * 50_000 + b"\n",
        b'journey "T"\n' + b";" * 10_000,
        b'journey "T"\n' + b"a ->" * 10_000,
        b'journey "T"\n' + b"# only a comment " * 10_000,
        b'journey "T"\n' + b"}\n" * 1000,
    ],
    ids=lambda data: repr(data[:24]),
)
def test_pathological_inputs(data: bytes) -> None:
    check_input(data)


def test_many_errors_in_a_large_file_stop_within_the_recovery_budget() -> None:
    text = 'journey "T"\n' + "touchpoint a$ \n" * 30_000  # 450 kB, an error on every line
    parsed = parsing.parse(SourceFile("big.journey", text))
    assert 1 <= len(parsed.diagnostics) < parsing.MAX_SYNTAX_ERRORS
    assert parsed.diagnostics[0].code.id == "CJ002"


@settings(max_examples=80, deadline=None, derandomize=True)
@given(journeys())
def test_fast_parse_lowers_exactly_like_the_positioned_parse(text: str) -> None:
    source = SourceFile("valid.journey", text)
    slow = parsing.parse(source)
    fast = parsing.parse_fast(source)
    assert slow.diagnostics == () and fast.diagnostics == ()
    assert slow.positions and not fast.positions
    assert lowering.lower(fast) == lowering.lower(slow)


def _token_spans_match_rule_positions(text: str) -> None:
    source = SourceFile("valid.journey", text)
    parsed = parsing.parse(source)
    assert parsed.tree is not None
    lowerer = lowering._Lowering(source)
    for tree in parsed.tree.iter_subtrees():
        if tree.data == "start" or tree.meta.empty:
            continue
        span = lowerer.span(tree)
        assert (span.start, span.end) == (tree.meta.start_pos, tree.meta.end_pos), tree


@settings(max_examples=80, deadline=None, derandomize=True)
@given(journeys())
def test_spans_from_tokens_equal_lark_rule_positions(text: str) -> None:
    _token_spans_match_rule_positions(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_spans_from_tokens_equal_lark_rule_positions(path: pathlib.Path) -> None:
    _token_spans_match_rule_positions(path.read_text(encoding="utf-8"))


def test_pure_lark_fast_parser_gives_the_same_tree_as_lark_cython() -> None:
    """The fast path runs on lark-cython where installed, else on pure Lark: both agree."""
    pure = parsing._build(positions=False, plugins=None)
    text = (EXAMPLES[0]).read_text(encoding="utf-8")
    fast = parsing.fast_parser().parse(text)

    def shape(tree: lark.Tree[lark.Token]) -> object:
        return str(tree.data), [
            shape(c) if isinstance(c, lark.Tree) else None if c is None else (c.type, str(c))
            for c in tree.children
        ]

    assert shape(fast) == shape(pure.parse(text))


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    check_input(data)
