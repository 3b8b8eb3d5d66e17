"""Attribution models on path tables: hand-computed textbook figures, invariants, and an
independent reference of the Markov removal effect (dense, built another way)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjdsl.observed import attribution, pathtables, removal

HEADER = "path;total_conversions;total_conversion_value;total_null"
TEXTBOOK = [HEADER, "c1 > c2 > c3;1;10;0", "c1;0;0;1", "c2 > c3;0;0;1"]


def table(*rows: str) -> pathtables.Paths:
    return pathtables.read([HEADER, *rows])


def credit(result: attribution.Attribution, model: str) -> dict[str, float]:
    found = next(m for m in result.models if m.model == model)
    return {c: round(x, 9) for c, x in zip(result.channels, found.conversions, strict=True)}


def test_textbook_removal_effects_are_one_half_one_one() -> None:
    paths = pathtables.read(TEXTBOOK)
    effects = removal.removal_effects(paths, 1)
    assert effects.conversions.tolist() == pytest.approx([0.5, 1.0, 1.0])
    assert effects.value.tolist() == pytest.approx([0.5, 1.0, 1.0])
    assert effects.probability == pytest.approx(1 / 3)
    assert effects.expected_value == pytest.approx(10 / 3)


@pytest.mark.parametrize("normalise", ["global", "journey"])
def test_textbook_normalised_credit_is_a_fifth_and_two_fifths(normalise: str) -> None:
    result = attribution.attribute(
        pathtables.read(TEXTBOOK), attribution.Settings(models=("markov",), normalise=normalise)
    )
    assert credit(result, "markov-1") == {"c1": 0.2, "c2": 0.4, "c3": 0.4}
    assert result.models[0].value == pytest.approx((2.0, 4.0, 4.0))


def test_heuristics_by_hand() -> None:
    paths = table("a > direct > b > a;4;40;1", "direct;2;10;0", "b > direct;1;3;0")
    result = attribution.attribute(paths, attribution.Settings(models=attribution.HEURISTICS[:6]))
    assert credit(result, "first-touch") == {"a": 4, "b": 1, "direct": 2}
    assert credit(result, "last-touch") == {"a": 4, "b": 0, "direct": 3}
    # b > direct: direct is passed over; direct alone keeps its direct touch.
    assert credit(result, "last-non-direct") == {"a": 4, "b": 1, "direct": 2}
    assert credit(result, "linear") == {"a": 2, "b": 1.5, "direct": 3.5}
    assert credit(result, "linear-distinct") == pytest.approx(
        {"a": 4 / 3, "b": 4 / 3 + 0.5, "direct": 4 / 3 + 2 + 0.5}
    )
    # 4 steps: 40% + 40% on the ends (both a), 10% to each middle step.
    assert credit(result, "position-based") == pytest.approx(
        {"a": 3.2, "b": 0.4 + 0.5, "direct": 0.4 + 2 + 0.5}
    )
    value = dict(zip(result.channels, result.models[0].value, strict=True))
    assert value == {"a": 40, "b": 3, "direct": 10}


def test_position_based_weights_are_configurable() -> None:
    paths = table("a > b > c;10;0;0", "a > b;10;0;0")
    settings = attribution.Settings(models=("position-based",), first=0.3, last=0.5)
    result = attribution.attribute(paths, settings)
    # 3 steps: 30/20/50; 2 steps: 30:50 → 37.5/62.5.
    assert credit(result, "position-based") == pytest.approx({"a": 6.75, "b": 8.25, "c": 5})


def test_last_non_direct_channels_are_configurable() -> None:
    paths = table("seo > brand > typein;1;0;0")
    settings = attribution.Settings(models=("last-non-direct",), direct=("brand", "typein"))
    assert credit(attribution.attribute(paths, settings), "last-non-direct")["seo"] == 1


def test_time_decay_needs_times() -> None:
    with pytest.raises(ValueError, match="event log"):
        attribution.attribute(table("a;1;0;0"), attribution.Settings(models=("time-decay",)))


def test_time_decay_halves_per_half_life_to_conversion_or_last_touch() -> None:
    base = table("a > b;1;8;0")
    day = 86400.0
    paths = pathtables.Paths(
        base.channels,
        base.flat,
        base.offsets,
        base.conversions,
        base.value,
        base.null,
        times=np.array([0.0, day]),
        ends=np.array([2 * day]),
    )
    to_conversion = attribution.Settings(models=("time-decay",), half_life=day)
    # a is 2 half-lives before the conversion (¼), b one (½): a gets 1/3, b 2/3.
    assert credit(attribution.attribute(paths, to_conversion), "time-decay") == pytest.approx(
        {"a": 1 / 3, "b": 2 / 3}
    )
    to_last = attribution.Settings(models=("time-decay",), half_life=day, decay_to="last-touch")
    assert credit(attribution.attribute(paths, to_last), "time-decay") == pytest.approx(
        {"a": 1 / 3, "b": 2 / 3}
    )
    long = attribution.Settings(models=("time-decay",), half_life=2 * day, decay_to="last-touch")
    ratio = 2**-0.5
    assert credit(attribution.attribute(paths, long), "time-decay")["a"] == pytest.approx(
        ratio / (1 + ratio)
    )


def test_shapley_is_the_count_game_exactly() -> None:
    paths = table("a > b;3;3;0", "a;1;1;0", "b > c > b;2;2;0", "c;5;5;0", "a > b > c;6;6;0")
    result = attribution.attribute(paths, attribution.Settings(models=("shapley",)))
    assert credit(result, "shapley") == pytest.approx(_shapley_by_coalitions(paths))


def _shapley_by_coalitions(paths: pathtables.Paths) -> dict[str, float]:
    """The textbook Shapley formula over all 2ⁿ coalitions, v(S) = Σ_{T ⊆ S} C(T)."""
    n = len(paths.channels)
    sets = [
        frozenset(paths.flat[paths.offsets[i] : paths.offsets[i + 1]].tolist())
        for i in range(paths.size)
    ]

    def v(coalition: frozenset[int]) -> float:
        return sum(float(c) for s, c in zip(sets, paths.conversions, strict=True) if s <= coalition)

    phi = {}
    for i in range(n):
        others = [j for j in range(n) if j != i]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                total += weight * (v(s | {i}) - v(s))
        phi[paths.channels[i]] = total
    return phi


def _reference_effects(paths: pathtables.Paths, order: int) -> tuple[list[float], list[float]]:
    """Removal effects from a dense chain built another way: states are the last up to
    ``order`` channels (growing at the start), self-loops kept; removal by blocking."""
    index: dict[tuple[int, ...], int] = {(): 0}
    counts: dict[tuple[int, int], float] = {}
    goal: dict[int, float] = {}
    worth: dict[int, float] = {}
    out: dict[int, float] = {}
    for p in range(paths.size):
        steps = paths.flat[paths.offsets[p] : paths.offsets[p + 1]].tolist()
        w = float(paths.conversions[p] + paths.null[p])
        if w == 0:
            continue
        previous = 0
        for at in range(len(steps)):
            state = index.setdefault(tuple(steps[max(0, at - order + 1) : at + 1]), len(index))
            counts[previous, state] = counts.get((previous, state), 0.0) + w
            out[previous] = out.get(previous, 0.0) + w
            previous = state
        goal[previous] = goal.get(previous, 0.0) + float(paths.conversions[p])
        worth[previous] = worth.get(previous, 0.0) + float(paths.value[p])
        out[previous] = out.get(previous, 0.0) + w
    size = len(index)
    q = np.zeros((size, size))
    for (a, b), c in counts.items():
        q[a, b] = c / out[a]
    r = np.zeros((size, 2))
    for s in goal:
        r[s] = goal[s] / out[s], worth[s] / out[s]
    base = np.linalg.solve(np.eye(size) - q, r)[0]
    conv, value = [], []
    for channel in range(len(paths.channels)):
        keep = [i for key, i in index.items() if channel not in key]
        h = np.linalg.solve(np.eye(len(keep)) - q[np.ix_(keep, keep)], r[keep])[0]
        conv.append(1 - h[0] / base[0] if base[0] > 0 else 0.0)
        value.append(1 - h[1] / base[1] if base[1] > 0 else 0.0)
    return conv, value


def _closed_form_order_1(paths: pathtables.Paths) -> list[float]:
    """``RE_c = (N[start, c] / N[c, c]) · h[c] / h[start]`` with ``N = (I − Q)⁻¹``."""
    n = len(paths.channels)
    size = n + 1
    counts = np.zeros((size, size))
    goal = np.zeros(size)
    out = np.zeros(size)
    for p in range(paths.size):
        steps = [c + 1 for c in paths.flat[paths.offsets[p] : paths.offsets[p + 1]].tolist()]
        w = float(paths.conversions[p] + paths.null[p])
        for a, b in zip([0, *steps], steps, strict=False):
            counts[a, b] += w
        goal[steps[-1]] += float(paths.conversions[p])
        out[steps[-1]] += w
    out += counts.sum(axis=1)
    live = out > 0
    q = np.divide(counts, out[:, None], out=np.zeros_like(counts), where=live[:, None])
    h_step = np.divide(goal, out, out=np.zeros(size), where=live)
    big_n = np.linalg.inv(np.eye(size) - q)
    h = big_n @ h_step
    return [
        float(big_n[0, c] / big_n[c, c] * h[c] / h[0]) if h[0] > 0 else 0.0 for c in range(1, size)
    ]


CHANNELS = ("a", "b", "Küche", "direct")


@st.composite
def path_tables(draw: st.DrawFn, *, longest: int = 6) -> pathtables.Paths:
    rows = draw(
        st.lists(
            st.tuples(
                st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=longest),
                st.integers(0, 20),
                st.integers(0, 20),
                st.floats(0, 500, allow_nan=False),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return pathtables.build((steps, c, v if c else 0.0, n) for steps, c, n, v in rows)


@given(path_tables())
@settings(max_examples=60, deadline=None)
def test_every_model_adds_up_to_the_totals(paths: pathtables.Paths) -> None:
    result = attribution.attribute(
        paths, attribution.Settings(orders=(1, 2, 3), normalise="journey")
    )
    total_conv, total_value = float(paths.conversions.sum()), float(paths.value.sum())
    for model in result.models:
        conv, value = attribution.totals(model)
        assert conv == pytest.approx(total_conv, abs=1e-9), model.model
        assert value == pytest.approx(total_value, abs=1e-6), model.model
        assert min(model.conversions) >= -1e-12
    glob = attribution.attribute(paths, attribution.Settings(models=("markov",), orders=(1, 2)))
    for model in glob.models:
        assert attribution.totals(model)[0] == pytest.approx(total_conv, abs=1e-9)


@given(path_tables())
@settings(max_examples=60, deadline=None)
def test_order_one_equals_the_closed_form(paths: pathtables.Paths) -> None:
    effects = removal.removal_effects(paths, 1)
    assert effects.conversions.tolist() == pytest.approx(_closed_form_order_1(paths), abs=1e-9)


@pytest.mark.parametrize("order", [1, 2, 3])
@given(paths=path_tables(longest=5))
@settings(max_examples=40, deadline=None)
def test_order_k_equals_a_dense_reference_with_self_loops_kept(
    order: int, paths: pathtables.Paths
) -> None:
    effects = removal.removal_effects(paths, order)
    conv, value = _reference_effects(paths, order)
    assert effects.conversions.tolist() == pytest.approx(conv, abs=1e-9)
    assert effects.value.tolist() == pytest.approx(value, abs=1e-9)


@given(path_tables())
@settings(max_examples=40, deadline=None)
def test_shapley_equals_the_coalition_formula(paths: pathtables.Paths) -> None:
    result = attribution.attribute(paths, attribution.Settings(models=("shapley",)))
    expected = _shapley_by_coalitions(paths)
    assert credit(result, "shapley") == pytest.approx(expected, abs=1e-9)


def test_a_looping_journey_is_solved_exactly() -> None:
    """The walk c1 ⇄ c2 can loop for ever: the exact figures are the limit a simulation
    only reaches with unbounded steps (ChannelAttribution stops at the longest path)."""
    paths = table("c1 > c2 > c1;3;3;4", "c2 > c3;1;1;1")
    effects = removal.removal_effects(paths, 1)
    conv, _ = _reference_effects(paths, 1)
    assert effects.conversions.tolist() == pytest.approx(conv)


def test_no_conversions_gives_zero_credit() -> None:
    result = attribution.attribute(table("a > b;0;0;3"), attribution.Settings())
    for model in result.models:
        assert attribution.totals(model) == (0.0, 0.0)


def test_settings_refuse_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown model `lienar`"):
        attribution.Settings(models=("lienar",))
    with pytest.raises(ValueError, match="first \\+ last"):
        attribution.Settings(first=0.7, last=0.7)
    with pytest.raises(ValueError, match="order must be 1 to"):
        attribution.Settings(orders=(0,))
    with pytest.raises(ValueError, match="order must be 1 to"):
        removal.chain(table("a;1;0;0"), 99)


def test_too_many_channels_for_the_markov_model_is_refused_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(removal, "MAX_WORK", 1000)
    paths = pathtables.build(((f"c{i}", f"c{i + 1}"), 1, 0.0, 1) for i in range(100))
    with pytest.raises(ValueError, match=r"would solve 101 chains .* group the channels"):
        removal.removal_effects(paths, 1)


def test_more_than_64_channels_take_the_set_route_with_the_same_figures() -> None:
    rows = [((f"k{i}", f"k{(i * 7) % 70}", f"k{i}"), 1 + i % 3, float(i), 1) for i in range(70)]
    paths = pathtables.build(rows)
    assert len(paths.channels) == 70
    result = attribution.attribute(
        paths, attribution.Settings(models=("shapley", "linear-distinct"))
    )
    shapley, linear = result.models
    assert shapley.conversions == pytest.approx(linear.conversions)
    assert shapley.value == pytest.approx(linear.value)
    assert attribution.totals(shapley)[0] == pytest.approx(float(paths.conversions.sum()))
