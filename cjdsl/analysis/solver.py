"""Linear systems ``(I − Q) x = b`` of absorbing Markov chains, solved along the condensation.

``Q`` is the substochastic transition matrix among the transient states. The
strongly connected components (SCCs) of its graph, in topological order, make
``I − Q`` block triangular, so each block is solved once its successors (or,
transposed, its predecessors) are known:

- single states (the usual case: journeys are mostly acyclic) are solved a
  whole *level* at a time with one sparse product, where a level holds the
  components whose successors are all in lower levels;
- components up to ``DENSE_LIMIT`` states are inverted densely;
- larger components are split by a Schur complement over a few *feedback*
  states (heads of the transitions that jump furthest back in declaration
  order), so the rest is again solved along its own condensation, when such
  splits break them up (a journey's re-purchase loops);
- a component they do not break (random loops, where cutting the loops takes
  a fair share of the states) is factorised once with a sparse LU, up to
  ``FACTOR_LIMIT`` states, and every solve reuses the factors; beyond that, a
  component that resists ``MAX_DEPTH`` splits is solved iteratively
  (BiCGSTAB, checked, with one factorisation as the fallback).

No LU of the whole chain is factorised: on loop-free journeys the cost is linear in the
number of transitions. A ``keep`` mask per column makes states absorbing
(their row of ``Q`` treated as zero) without rebuilding anything for the
single states; a component that holds masked states is solved with a cached
system of its masked block.

A *trapped* component (a closed class: all its probability stays inside) has
no finite solution; ``solve`` gives ``inf`` where mass would enter it and
``0`` where none does, which is what expected visits and absorption
probabilities mean there.

Longer than the ~400-line guideline: the block kinds (levels, dense, split, one LU,
BiCGSTAB) share one traversal of the condensation and its caches; they could move to a
module of their own.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse import csgraph
from scipy.sparse import linalg as splinalg

from . import budget

__all__ = ["DENSE_LIMIT", "FACTOR_LIMIT", "MAX_DEPTH", "SCHUR_BATCH", "System"]

DENSE_LIMIT: Final = 1000
FACTOR_LIMIT: Final = 10_000
SCHUR_BATCH: Final = 64
MAX_DEPTH: Final = 8
_TRAPPED: Final = 1e-12

Array = NDArray[np.float64]
Mask = NDArray[np.bool_]


@dataclasses.dataclass(frozen=True, slots=True)
class _Level:
    nodes: NDArray[np.intp]
    rows: Any  # CSR rows of Q without its diagonal (transposed for the forward order)
    single: NDArray[np.intp]  # positions within ``nodes`` of one-state components
    blocks: tuple[tuple[int, NDArray[np.intp]], ...]  # (component, positions)


class System:
    """``I − Q`` prepared for repeated solves; build once per chain, solve many right sides."""

    def __init__(self, q: Any, *, depth: int = 0) -> None:
        q = sp.csr_array(q, dtype=np.float64)
        n = q.shape[0]
        self.size: int = n
        self._depth = depth
        self._diag: Array = np.asarray(q.diagonal(), dtype=np.float64)
        off = sp.csr_array(q - sp.diags_array(self._diag, shape=(n, n)) if n else q)
        off.eliminate_zeros()
        self._q = q
        count, labels = csgraph.connected_components(off, directed=True, connection="strong")
        sizes = np.bincount(labels, minlength=count)
        rows, cols = off.nonzero()
        cross = labels[rows] != labels[cols]
        edges = np.unique(np.stack([labels[rows[cross]], labels[cols[cross]]]), axis=1)
        backward, forward = _levels(count, edges[0], edges[1])
        self._components: list[NDArray[np.intp]] = [np.empty(0, np.intp)] * count
        self._blocks: dict[int, _Block] = {}
        self._trapped: dict[int, bool] = {}
        self._dense: dict[int, Array] = {}  # Q_BB of the blocks small enough to invert densely
        self._masked_inverse: dict[tuple[int, bytes], Array] = {}
        for component, nodes, block in _split(q, labels, sizes):
            budget.check()
            self._components[component] = nodes
            trapped = bool(np.all(np.asarray(block.sum(axis=1)).ravel() >= 1 - _TRAPPED))
            self._trapped[component] = trapped
            if isinstance(block, np.ndarray):
                self._dense[component] = block
            if trapped:
                continue
            if isinstance(block, np.ndarray):
                self._blocks[component] = _Dense(np.eye(nodes.size) - block)
            else:
                self._blocks[component] = _block(block, depth)
        self._single_trapped: Mask = (sizes[labels] == 1) & (self._diag >= 1 - _TRAPPED)
        self._labels = labels
        self._sizes = sizes
        self._masked: dict[tuple[int, bytes], System] = {}
        self._diagonals: dict[int, Array] = {}  # per component: both visit figures ask for it
        self._backward = self._prepare(off, backward[labels])
        self._forward = self._prepare(sp.csr_array(off.T), forward[labels])

    def _prepare(self, matrix: Any, level_of: NDArray[np.intp]) -> list[_Level]:
        perm = np.lexsort((np.arange(self.size), level_of))
        permuted = matrix[perm] if self.size else matrix
        bounds = np.searchsorted(level_of[perm], np.arange(int(level_of.max(initial=-1)) + 2))
        levels = []
        for start, stop in itertools.pairwise(bounds):
            nodes = perm[start:stop]
            single_mask = self._sizes[self._labels[nodes]] == 1
            grouped: dict[int, list[int]] = {}
            for position in np.flatnonzero(~single_mask):
                grouped.setdefault(int(self._labels[nodes[position]]), []).append(int(position))
            levels.append(
                _Level(
                    nodes,
                    permuted[start:stop],
                    np.flatnonzero(single_mask),
                    tuple((c, np.array(p, dtype=np.intp)) for c, p in sorted(grouped.items())),
                )
            )
        return levels

    def solve(self, b: Array, keep: Mask | None = None) -> Array:
        """``x`` with ``(I − K Q) x = b``; ``b`` is ``(n,)`` or ``(n, k)``, ``keep`` like ``b``."""
        return self._run(b, keep, transposed=False)

    def solve_transposed(self, w: Array, keep: Mask | None = None) -> Array:
        """``y`` with ``(I − K Q)ᵀ y = w``: row vector ``wᵀ (I − K Q)⁻¹``, e.g. expected visits."""
        return self._run(w, keep, transposed=True)

    def _run(self, rhs: Array, keep: Mask | None, *, transposed: bool) -> Array:
        flat = rhs.ndim == 1
        b = np.asarray(rhs, dtype=np.float64).reshape(self.size, -1)
        k = b.shape[1]
        mask = None if keep is None else np.broadcast_to(keep.reshape(self.size, -1), b.shape)
        x = np.zeros_like(b)
        feed = np.zeros_like(b) if transposed else x  # what later levels read: K y, or x
        for level in self._forward if transposed else self._backward:
            budget.check()
            nodes = level.nodes
            inflow = level.rows @ feed
            if mask is not None and not transposed:  # an absorbing state ignores its row
                inflow = np.where(mask[nodes], inflow, 0.0)
            r = b[nodes] + inflow
            if level.single.size:
                at = nodes[level.single]
                d = 1.0 - self._diag[at, None] * (1.0 if mask is None else mask[at])
                x[at] = _divide(r[level.single], np.broadcast_to(d, (at.size, k)))
            for component, positions in level.blocks:
                at = nodes[positions]
                sub = None if mask is None else mask[at]
                x[at] = self._block_solve(component, r[positions], sub, transposed)
            if transposed:
                feed[nodes] = x[nodes] if mask is None else np.where(mask[nodes], x[nodes], 0.0)
        return x[:, 0] if flat else x

    def _block_solve(self, component: int, r: Array, keep: Mask | None, transposed: bool) -> Array:
        out = np.empty_like(r)
        for key, columns in _patterns(keep, r.shape[1]).items():
            part = r[:, columns]
            if key and component in self._dense:
                inverse = self._masked_dense(component, key)
                out[:, columns] = (inverse.T if transposed else inverse) @ part
            elif key:
                sub = self._masked_system(component, key)
                out[:, columns] = sub._run(part, None, transposed=transposed)
            elif self._trapped[component]:
                out[:, columns] = np.where(np.any(part != 0, axis=0), np.inf, 0.0)
            else:
                block = self._blocks[component]
                out[:, columns] = block.solve_t(part) if transposed else block.solve(part)
        return out

    def _masked_dense(self, component: int, key: bytes) -> Array:
        found = self._masked_inverse.get((component, key))
        if found is None:
            keep = np.frombuffer(key, dtype=np.bool_)
            q = self._dense[component] * keep[:, None]
            found = np.asarray(np.linalg.inv(np.eye(keep.size) - q), dtype=np.float64)
            self._masked_inverse[(component, key)] = found
        return found

    def _masked_system(self, component: int, key: bytes) -> System:
        found = self._masked.get((component, key))
        if found is None:
            nodes = self._components[component]
            keep = np.frombuffer(key, dtype=np.bool_)
            block = sp.diags_array(keep.astype(np.float64)) @ self._q[nodes][:, nodes]
            found = self._masked[(component, key)] = System(block, depth=self._depth)
        return found

    def inverse_diagonal(self, keep: Mask | None = None) -> Array:
        """The diagonal of ``(I − K Q)⁻¹``: expected visits to a state when starting there."""
        kept = np.ones(self.size, bool) if keep is None else np.asarray(keep, bool)
        out = _divide(np.ones(self.size), 1.0 - self._diag * kept)
        for component, nodes in enumerate(self._components):
            if nodes.size == 0:
                continue
            sub = kept[nodes]
            if not sub.all() and component in self._dense:
                out[nodes] = np.diag(self._masked_dense(component, sub.tobytes()))
            elif not sub.all():
                out[nodes] = self._masked_system(component, sub.tobytes()).inverse_diagonal()
            elif self._trapped[component]:
                out[nodes] = np.inf
            else:
                found = self._diagonals.get(component)
                if found is None:
                    found = self._diagonals[component] = self._blocks[component].diagonal()
                out[nodes] = found
        return out

    @property
    def largest_component(self) -> int:
        """States in the largest strongly connected component (1 for a loop-free chain)."""
        return int(self._sizes.max(initial=0))


def _patterns(keep: Mask | None, count: int) -> dict[bytes, NDArray[np.intp]]:
    """The columns of a block's ``keep`` grouped by their mask (``b""``: nothing masked).

    One test for the usual case, no state of the block masked: a solve with a
    column per goal meets every small loop of a big journey, and a loop over
    the columns there was goals × loops in Python.
    """
    if keep is None or keep.all():
        return {b"": np.arange(count)}
    whole = keep.all(axis=0)
    groups: dict[bytes, list[int]] = {b"": np.flatnonzero(whole).tolist()} if whole.any() else {}
    for column in np.flatnonzero(~whole).tolist():
        groups.setdefault(keep[:, column].tobytes(), []).append(column)
    return {key: np.array(columns, dtype=np.intp) for key, columns in groups.items()}


def _divide(r: Array, d: Array) -> Array:
    """``r / d`` where a zero ``d`` (a state that keeps all its mass) gives inf, or 0 for 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            d > _TRAPPED, r / np.where(d > _TRAPPED, d, 1.0), np.where(r != 0, np.inf, 0.0)
        )


def _split(
    q: Any, labels: NDArray[np.intp], sizes: NDArray[np.intp]
) -> Iterator[tuple[int, NDArray[np.intp], Any]]:
    """Each component of more than one state: its states (ascending) and its block ``Q_BB``.

    The block is a dense array up to ``DENSE_LIMIT`` states, else sparse. All
    blocks come from one pass over the non-zeros: slicing ``q[nodes][:, nodes]``
    per component costs O(n) each (a column map over all states), quadratic in
    total when a big journey has thousands of small loops.
    """
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(sizes.size + 1))
    local = np.empty(labels.size, dtype=np.intp)  # a state's position inside its component
    local[order] = np.arange(labels.size) - bounds[labels[order]]
    coo = q.tocoo()
    rows, cols = np.asarray(coo.row, np.intp), np.asarray(coo.col, np.intp)
    inside = (labels[rows] == labels[cols]) & (sizes[labels[rows]] > 1)
    rows, cols, data = rows[inside], cols[inside], np.asarray(coo.data)[inside]
    by = np.argsort(labels[rows], kind="stable")
    rows, cols, data = rows[by], cols[by], data[by]
    cuts = np.searchsorted(labels[rows], np.arange(sizes.size + 1))
    for component in np.flatnonzero(sizes > 1).tolist():
        nodes = order[bounds[component] : bounds[component + 1]]
        part = slice(cuts[component], cuts[component + 1])
        at = (local[rows[part]], local[cols[part]])
        if nodes.size <= DENSE_LIMIT:
            dense = np.zeros((nodes.size, nodes.size))
            dense[at] = data[part]  # CSR holds no duplicates
            yield component, nodes, dense
        else:
            yield component, nodes, sp.csr_array((data[part], at), shape=(nodes.size,) * 2)


def _levels(
    count: int, sources: NDArray[np.intp], targets: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Condensation levels: longest distance to a sink (backward), from a source (forward)."""
    successors: list[list[int]] = [[] for _ in range(count)]
    indegree = [0] * count
    for u, v in zip(sources.tolist(), targets.tolist(), strict=True):
        successors[u].append(v)
        indegree[v] += 1
    order = [c for c in range(count) if indegree[c] == 0]
    for c in order:  # Kahn's algorithm; ``order`` grows while it is walked
        for v in successors[c]:
            indegree[v] -= 1
            if indegree[v] == 0:
                order.append(v)
    forward = [0] * count
    for c in order:
        for v in successors[c]:
            forward[v] = max(forward[v], forward[c] + 1)
    backward = [0] * count
    for c in reversed(order):
        if successors[c]:
            backward[c] = 1 + max(backward[v] for v in successors[c])
    return np.array(backward, dtype=np.intp), np.array(forward, dtype=np.intp)


class _Block:
    """One non-trapped strongly connected component: solves with ``A = I − Q_BB``."""

    def solve(self, r: Array) -> Array:
        raise NotImplementedError

    def solve_t(self, r: Array) -> Array:
        raise NotImplementedError

    def diagonal(self) -> Array:
        raise NotImplementedError


def _block(q: Any, depth: int) -> _Block:
    """The cheapest exact way to solve one component: dense, split, or one sparse LU.

    A split only pays when the splits that follow break the component up; a
    component whose loops are random (no few states cut them) would go
    through ``MAX_DEPTH`` splits and still need a factorisation, each split
    with its own solves, and again for every mask: up to ``FACTOR_LIMIT``
    states it is factorised at once. Larger ones are split in any case (a
    factorisation can fill in to quadratic memory), and what resists
    ``MAX_DEPTH`` splits is solved iteratively.
    """
    m = q.shape[0]
    if m <= DENSE_LIMIT:
        return _Dense(np.eye(m) - q.toarray())
    if depth < MAX_DEPTH and (m > FACTOR_LIMIT or _breaks(q, MAX_DEPTH - depth)):
        feedback = _feedback_states(q)
        if feedback.size:
            return _Schur(q, feedback, depth)
    if m <= FACTOR_LIMIT:
        return _Factored(sp.eye_array(m) - q)
    return _Iterative(sp.csr_array(sp.eye_array(m) - q))


def _breaks(q: Any, splits: int) -> bool:
    """Whether ``splits`` feedback splits leave no component above ``DENSE_LIMIT`` states.

    Follows the largest component only, with a condensation per split
    (O(non-zeros) each, no solve): a guess at what ``_Schur`` will meet.
    """
    for _ in range(splits):
        feedback = _feedback_states(q)
        if feedback.size == 0:
            return False
        inside = np.ones(q.shape[0], bool)
        inside[feedback] = False
        rest = np.flatnonzero(inside)
        q = q[rest][:, rest]
        count, labels = csgraph.connected_components(q, directed=True, connection="strong")
        sizes = np.bincount(labels, minlength=count)
        if sizes.max(initial=0) <= DENSE_LIMIT:
            return True
        largest = np.flatnonzero(labels == int(np.argmax(sizes)))
        q = q[largest][:, largest]
    return False


class _Dense(_Block):
    def __init__(self, a: Array) -> None:
        self._inverse: Array = np.asarray(np.linalg.inv(a), dtype=np.float64)

    def solve(self, r: Array) -> Array:
        return self._inverse @ r

    def solve_t(self, r: Array) -> Array:
        return self._inverse.T @ r

    def diagonal(self) -> Array:
        return np.diag(self._inverse).copy()


class _Schur(_Block):
    """Split off feedback states F; the rest D is solved along its own condensation.

    With ``X = A_DD⁻¹ A_DF``, ``Yᵀ = A_DD⁻ᵀ A_FDᵀ`` and ``S = A_FF − A_FD X``:
    ``x_F = S⁻¹ (b_F − A_FD A_DD⁻¹ b_D)``, ``x_D = A_DD⁻¹ b_D − X x_F``, and
    ``diag(A⁻¹)_D = diag(A_DD⁻¹) + rowsum((X S⁻¹) ∘ Yᵀ)``, ``diag(A⁻¹)_F = diag(S⁻¹)``.
    """

    def __init__(self, q: Any, feedback: NDArray[np.intp], depth: int) -> None:
        m = q.shape[0]
        inside = np.ones(m, bool)
        inside[feedback] = False
        self._d, self._f = np.flatnonzero(inside), feedback
        self._sub = System(q[self._d][:, self._d], depth=depth + 1)
        self._q_df = q[self._d][:, self._f].toarray()
        self._q_fd = sp.csr_array(q[self._f][:, self._d])
        # Signs: A_DF = −Q_DF and A_FD = −Q_FD, so these hold −X and −Yᵀ.
        self._x = self._sub.solve(self._q_df)
        self._yt = self._sub.solve_transposed(self._q_fd.T.toarray())
        s = np.eye(feedback.size) - q[self._f][:, self._f].toarray() - self._q_fd @ self._x
        self._s_inverse: Array = np.linalg.inv(s)
        self._m = m

    def solve(self, r: Array) -> Array:
        z = self._sub.solve(r[self._d])
        x_f = self._s_inverse @ (r[self._f] + self._q_fd @ z)
        out = np.empty_like(r)
        out[self._f] = x_f
        out[self._d] = z + self._x @ x_f
        return out

    def solve_t(self, r: Array) -> Array:
        z = self._sub.solve_transposed(r[self._d])
        y_f = self._s_inverse.T @ (r[self._f] + self._q_df.T @ z)
        out = np.empty_like(r)
        out[self._f] = y_f
        out[self._d] = z + self._yt @ y_f
        return out

    def diagonal(self) -> Array:
        out = np.empty(self._m)
        out[self._f] = np.diag(self._s_inverse)
        out[self._d] = self._sub.inverse_diagonal() + np.sum(
            (self._x @ self._s_inverse) * self._yt, axis=1
        )
        return out


class _Factored(_Block):
    """One sparse LU factorisation (SuperLU), reused by every solve, in both directions.

    For a component no split could break up (random loops: its feedback set
    is a fair share of its states). Factorising once makes a solve two
    triangular sweeps; the diagonal of the inverse takes ``m`` of them (the
    one cost here that grows faster than the component: see
    docs/analysis.md). Columns go one at a time: SuperLU solves several
    with threaded BLAS on small panels, which on a busy two-core machine ran
    ten times slower than one column after another. ``I − Q_BB`` of a
    component that is not trapped is an irreducibly diagonally dominant
    M-matrix, never singular.
    """

    def __init__(self, a: Any) -> None:
        self._lu = splinalg.splu(sp.csc_array(a))
        self._m: int = a.shape[0]

    def _columns(self, r: Array, trans: str) -> Array:
        out = np.empty_like(r)
        for column in range(r.shape[1]):
            budget.check()
            out[:, column] = self._lu.solve(np.ascontiguousarray(r[:, column]), trans=trans)
        return out

    def solve(self, r: Array) -> Array:
        return self._columns(r, "N")

    def solve_t(self, r: Array) -> Array:
        return self._columns(r, "T")

    def diagonal(self) -> Array:
        out = np.empty(self._m)
        unit = np.zeros(self._m)
        for i in range(self._m):
            budget.check()
            unit[i] = 1.0
            out[i] = self._lu.solve(unit)[i]
            unit[i] = 0.0
        return out


class _Iterative(_Block):
    """BiCGSTAB per column, each answer checked; one sparse LU for the columns it cannot solve."""

    def __init__(self, a: Any) -> None:
        self._a = a
        self._at = sp.csr_array(a.T)
        self._lu: Any = None

    def _columns(self, a: Any, r: Array, trans: str) -> Array:
        out = np.empty_like(r)
        for column in range(r.shape[1]):
            budget.check()
            b = r[:, column]
            x, info = splinalg.bicgstab(a, b, rtol=1e-13, atol=0.0, maxiter=20 * a.shape[0])
            if info != 0 or np.linalg.norm(a @ x - b) > 1e-10 * max(1.0, float(np.linalg.norm(b))):
                if self._lu is None:
                    self._lu = splinalg.splu(sp.csc_array(self._a))
                x = self._lu.solve(b, trans=trans)
            out[:, column] = x
        return out

    def solve(self, r: Array) -> Array:
        return self._columns(self._a, r, "N")

    def solve_t(self, r: Array) -> Array:
        return self._columns(self._at, r, "T")

    def diagonal(self) -> Array:
        m = self._a.shape[0]
        out = np.empty(m)
        for i in range(m):  # m solves: the slow path, bounded by the time budget
            e = np.zeros((m, 1))
            e[i, 0] = 1.0
            out[i] = self._columns(self._a, e, "N")[i, 0]
        return out


def _feedback_states(q: Any) -> NDArray[np.intp]:
    """Heads of the transitions that jump furthest back in declaration order.

    Journeys are written roughly in the order customers move, so the loops
    that join big parts of a journey into one component (re-purchase,
    "back to search") are the transitions that jump far back; small loops
    (cart recovery) jump a few states. Removing the heads of the longest jumps
    breaks the big loops and leaves small components, which the sub-system
    inverts densely. Every loop has a backward transition in any order, so at
    least one state is always found. (A depth-first search's back edges, the
    earlier choice, pick mostly short loops on big journeys: 8 nested splits
    of 64 states each at 100k touchpoints.) Vectorised, O(non-zeros).
    """
    coo = q.tocoo()
    rows, cols = np.asarray(coo.row, np.intp), np.asarray(coo.col, np.intp)
    back = cols < rows
    jump, heads = rows[back] - cols[back], cols[back]
    ranked = heads[np.lexsort((heads, -jump))]
    _, first = np.unique(ranked, return_index=True)  # each head at its longest jump
    return np.sort(ranked[np.sort(first)[:SCHUR_BATCH]])
