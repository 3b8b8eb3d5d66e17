"""The solver against dense linear algebra on random chains, through every kind of block.

``solver.System`` solves ``(I − K Q) x = b`` component by component: a dense
inverse, a Schur split, one sparse LU, or BiCGSTAB, chosen by size
(``DENSE_LIMIT``, ``FACTOR_LIMIT``, ``MAX_DEPTH``, ``SCHUR_BATCH``). With those
lowered, small random chains take each way, and every answer (solves both
ways, the inverse's diagonal, with and without absorbing masks) must equal
``numpy.linalg`` on the whole matrix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cjdsl.analysis import solver

WAYS: dict[str, dict[str, int]] = {
    # the defaults: these chains are small, so every loop is inverted densely
    "dense": {},
    # splits down to blocks of 4, feedback sets of 3
    "schur": {"DENSE_LIMIT": 4, "FACTOR_LIMIT": 3, "SCHUR_BATCH": 3},
    # factorised where splits would not break the loop (the random-loop case)
    "factored": {"DENSE_LIMIT": 4, "SCHUR_BATCH": 3},
    # no split at all: one LU per loop
    "factored-only": {"DENSE_LIMIT": 4, "MAX_DEPTH": 0},
    # too big to factorise and no split allowed: BiCGSTAB, checked
    "iterative": {"DENSE_LIMIT": 4, "FACTOR_LIMIT": 3, "MAX_DEPTH": 0},
}
KIND = {
    "dense": "_Dense",
    "schur": "_Schur",
    "factored": "_Factored",
    "factored-only": "_Factored",
    "iterative": "_Iterative",
}


def chain(seed: int, size: int, jumps: int | None = None) -> sp.csr_array:
    """A random substochastic ``Q``: a path through every state and ``jumps`` random jumps
    (loops; default a random number); every row keeps 1–50% for leaving, so no loop traps
    and ``I − Q`` is invertible."""
    rng = np.random.default_rng(seed)
    extra = int(rng.integers(0, 2 * size)) if jumps is None else jumps
    rows = np.concatenate([np.arange(size - 1), rng.integers(0, size, extra)])
    cols = np.concatenate([np.arange(1, size), rng.integers(0, size, extra)])
    q = sp.csr_array((rng.uniform(0.05, 1.0, rows.size), (rows, cols)), shape=(size, size))
    q.sum_duplicates()
    total = np.asarray(q.sum(axis=1)).ravel()
    scale = rng.uniform(0.5, 0.99, size) / np.where(total > 0, total, 1.0)
    return sp.csr_array(sp.diags_array(scale) @ q)


def kinds(system: solver.System) -> Iterator[str]:
    """The kinds of block ``system`` used, its splits' and masked systems' included."""
    for block in system._blocks.values():
        yield type(block).__name__
        if isinstance(block, solver._Schur):
            yield from kinds(block._sub)
    for masked in system._masked.values():
        yield from kinds(masked)


def compare(q: sp.csr_array, seed: int) -> set[str]:
    """Every solve of ``System(q)`` equals the dense answer; the kinds of block it used."""
    n = q.shape[0]
    rng = np.random.default_rng(seed + 1)
    system = solver.System(q)
    b = rng.normal(size=(n, 3))
    keep = rng.random((n, 3)) < 0.8
    dense = q.toarray()
    inverse = np.linalg.inv(np.eye(n) - dense)
    tolerance: dict[str, Any] = {"rtol": 1e-8, "atol": 1e-10}
    np.testing.assert_allclose(system.solve(b), inverse @ b, **tolerance)
    np.testing.assert_allclose(system.solve_transposed(b), inverse.T @ b, **tolerance)
    np.testing.assert_allclose(system.inverse_diagonal(), np.diag(inverse), **tolerance)
    solved, transposed = system.solve(b, keep), system.solve_transposed(b, keep)
    for column in range(3):
        masked = np.linalg.inv(np.eye(n) - keep[:, column, None] * dense)
        np.testing.assert_allclose(solved[:, column], masked @ b[:, column], **tolerance)
        np.testing.assert_allclose(transposed[:, column], masked.T @ b[:, column], **tolerance)
        diagonal = system.inverse_diagonal(keep[:, column])
        np.testing.assert_allclose(diagonal, np.diag(masked), **tolerance)
    return set(kinds(system))


@pytest.mark.parametrize("way", WAYS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(2, 70))
def test_every_way_gives_the_dense_answer(way: str, seed: int, size: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in WAYS[way].items():
            patch.setattr(solver, name, value)
        compare(chain(seed, size), seed)


@pytest.mark.parametrize("way", WAYS)
def test_each_way_is_taken(way: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # the equality above would prove little if the lowered limits led elsewhere
    for name, value in WAYS[way].items():
        monkeypatch.setattr(solver, name, value)
    used = set().union(*(compare(chain(seed, 120, 240), seed) for seed in range(3)))
    assert KIND[way] in used


def test_a_loop_that_splits_break_is_split_one_that_they_do_not_is_factorised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(solver, "DENSE_LIMIT", 20)
    monkeypatch.setattr(solver, "SCHUR_BATCH", 2)
    size = 200
    ring = sp.csr_array(  # one big loop, cut by removing one state: the journey's re-purchase
        (np.full(size, 0.5), (np.arange(size), (np.arange(size) + 1) % size)), shape=(size,) * 2
    )
    assert set(kinds(solver.System(ring))) == {"_Schur"}  # the rest is a line: no loop left
    assert set(kinds(solver.System(chain(3, size, 2 * size)))) == {"_Factored"}
