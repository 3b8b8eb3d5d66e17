"""Attribution models on aggregated journeys: who gets the credit for conversions and value.

Every model splits each path's conversions (and its conversion value) over the path's
touches by a weight per step that sums to 1 on the path, so each model's credits add
up to the total conversions and the total value:

- ``first-touch`` / ``last-touch``: the whole weight on the first / last step.
- ``last-non-direct``: on the last step whose channel is not direct (``direct``
  channels, by default ``direct``); a path of direct steps only keeps its last touch.
- ``linear``: ``1/L`` per step of a path of ``L`` steps (a channel seen twice, twice).
- ``linear-distinct``: ``1/D`` per distinct channel of the path.
- ``position-based``: ``first`` and ``last`` (40% each by default) on the end steps and
  the rest (20%) split over the steps between; a 2-step path splits all of it in the
  ratio first : last (50/50 by default), a 1-step path gives its step everything.
- ``time-decay``: ``2^(−Δt / half-life)`` per step, normalised on the path; Δt runs from
  the touch to the conversion (``to="conversion"``) or to the journey's last touch
  (``to="last-touch"``). Needs the times of an event log.
- ``markov-k``: the exact removal effect of order k (``removal``), turned into credit
  globally (ChannelAttribution's way: ``C · RE_c / Σ RE``) or per journey (each path's
  conversions split over its distinct channels in proportion to their removal effects).
- ``shapley``: the Shapley value of the count game ``v(S) = Σ_{T ⊆ S} C(T)``, with
  ``C(T)`` the conversions of journeys whose distinct channels are exactly T:
  ``φ_i = Σ_{T ∋ i} C(T) / |T|`` over the channel sets observed (the game is a sum of
  unanimity games, so the sum over all 2ⁿ coalitions reduces to this; exact in linear time).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Final

import numpy as np
from numpy.typing import NDArray

from . import pathtables, removal

__all__ = [
    "DECAY_TO",
    "HEURISTICS",
    "MODELS",
    "NORMALISATIONS",
    "Attribution",
    "Credit",
    "Settings",
    "attribute",
    "label",
    "totals",
]

Array = NDArray[np.float64]
HEURISTICS: Final = (
    "first-touch",
    "last-touch",
    "last-non-direct",
    "linear",
    "linear-distinct",
    "position-based",
    "time-decay",
)
MODELS: Final = (*HEURISTICS, "markov", "shapley")
NORMALISATIONS: Final = ("global", "journey")
DECAY_TO: Final = ("conversion", "last-touch")
_LABELS: Final = {
    "first-touch": "first touch",
    "last-touch": "last touch",
    "last-non-direct": "last non-direct",
    "linear": "linear",
    "linear-distinct": "linear (distinct)",
    "position-based": "position-based",
    "time-decay": "time decay",
    "shapley": "Shapley",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """Which models to run and how; validated once, here."""

    models: tuple[str, ...] = tuple(m for m in MODELS if m != "time-decay")
    direct: tuple[str, ...] = ("direct",)
    first: float = 0.4
    last: float = 0.4
    orders: tuple[int, ...] = (1,)
    normalise: str = "global"
    half_life: float = 7 * 86400.0
    decay_to: str = "conversion"

    def __post_init__(self) -> None:
        unknown = [m for m in self.models if m not in MODELS]
        if unknown:
            raise ValueError(f"unknown model `{unknown[0]}`; the models: {', '.join(MODELS)}")
        if not (0 <= self.first <= 1 and 0 <= self.last <= 1 and self.first + self.last <= 1):
            raise ValueError(
                "position-based weights must be ≥ 0 with first + last ≤ 1 "
                f"(got {self.first:g} and {self.last:g})"
            )
        if self.first + self.last == 0:
            raise ValueError("position-based weights: first and last cannot both be 0")
        for order in self.orders:
            if not 1 <= order <= removal.MAX_ORDER:
                raise ValueError(f"the Markov order must be 1 to {removal.MAX_ORDER}, not {order}")
        if self.normalise not in NORMALISATIONS:
            raise ValueError(f"normalise must be one of {', '.join(NORMALISATIONS)}")
        if self.decay_to not in DECAY_TO:
            raise ValueError(f"time decay runs to one of {', '.join(DECAY_TO)}")
        if not (self.half_life > 0 and math.isfinite(self.half_life)):
            raise ValueError("the half-life must be a positive duration")


@dataclasses.dataclass(frozen=True, slots=True)
class Credit:
    """One model's credit per channel (in ``Attribution.channels`` order)."""

    model: str
    label: str
    conversions: tuple[float, ...]
    value: tuple[float, ...]
    removal: tuple[float, ...] | None = None
    removal_value: tuple[float, ...] | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Attribution:
    """The credits of every model run, with the totals they add up to."""

    channels: tuple[str, ...]
    paths: int
    journeys: float | None
    conversions: float
    value: float | None
    models: tuple[Credit, ...]
    settings: Settings
    notes: tuple[str, ...] = ()


def label(model: str, settings: Settings) -> str:
    """The column heading of a model: ``markov-2`` → ``Markov order 2``."""
    if model.startswith("markov-"):
        return f"Markov order {model.removeprefix('markov-')}"
    if model == "position-based":
        middle = 1 - settings.first - settings.last
        return f"position {settings.first:.0%}/{middle:.0%}/{settings.last:.0%}".replace("%", "")
    if model == "time-decay":
        return f"time decay ({_half_life(settings.half_life)}, to {settings.decay_to})"
    return _LABELS[model]


def _half_life(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def attribute(paths: pathtables.Paths, settings: Settings = Settings()) -> Attribution:
    """Run the models of ``settings`` on ``paths``.

    Raises:
        ValueError: time decay without times (paths from a table, not from a log).
    """
    if "time-decay" in settings.models and paths.times is None:
        raise ValueError(
            "time decay needs the time of each touch: give an event log, not a path table"
        )
    credits: list[Credit] = []
    notes: list[str] = []
    for model in settings.models:
        if model == "markov":
            for order in settings.orders:
                credits.append(_markov(paths, order, settings))
            notes.append(_markov_note(settings))
        elif model in ("shapley", "linear-distinct"):
            conv, value = _shapley(paths) if model == "shapley" else _linear_distinct(paths)
            credits.append(Credit(model, label(model, settings), conv, value))
        else:
            weights = _WEIGHTS[model](paths, settings)
            conv, value = _spread(paths, weights)
            credits.append(Credit(model, label(model, settings), conv, value))
    journeys = float((paths.conversions + paths.null).sum()) if paths.has_null else None
    total_value = float(paths.value.sum()) if paths.has_value else None
    distinct = paths.size
    if paths.times is not None:  # one row per journey: count the distinct paths
        distinct = len(
            {
                paths.flat[a:b].tobytes()
                for a, b in zip(paths.offsets[:-1], paths.offsets[1:], strict=True)
            }
        )
    return Attribution(
        paths.channels,
        distinct,
        journeys,
        float(paths.conversions.sum()),
        total_value,
        tuple(credits),
        settings,
        tuple(notes),
    )


def _markov_note(settings: Settings) -> str:
    if settings.normalise == "global":
        return (
            "Markov credit is normalised globally: all conversions split in proportion to "
            "the removal effects (as ChannelAttribution does)."
        )
    return (
        "Markov credit is normalised per journey: each path's conversions split over its "
        "distinct channels in proportion to their removal effects."
    )


def _spread(paths: pathtables.Paths, weights: Array) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Credit per channel from a weight per step (each path's weights sum to 1)."""
    n = len(paths.channels)
    lengths = paths.lengths
    conv = np.bincount(
        paths.flat, weights=weights * np.repeat(paths.conversions, lengths), minlength=n
    )
    value = np.bincount(paths.flat, weights=weights * np.repeat(paths.value, lengths), minlength=n)
    return tuple(conv.tolist()), tuple(value.tolist())


def _positions(paths: pathtables.Paths) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each step's position in its path (0-based) and its path's length."""
    lengths = paths.lengths
    index = np.arange(len(paths.flat), dtype=np.int64)
    return index - np.repeat(paths.offsets[:-1], lengths), np.repeat(lengths, lengths)


def _first(paths: pathtables.Paths, settings: Settings) -> Array:
    position, _ = _positions(paths)
    weights: Array = (position == 0).astype(np.float64)
    return weights


def _last(paths: pathtables.Paths, settings: Settings) -> Array:
    position, length = _positions(paths)
    weights: Array = (position == length - 1).astype(np.float64)
    return weights


def _last_non_direct(paths: pathtables.Paths, settings: Settings) -> Array:
    direct = np.isin(paths.flat, [i for i, c in enumerate(paths.channels) if c in settings.direct])
    index = np.arange(len(paths.flat), dtype=np.int64)
    candidate = np.where(direct, -1, index)
    chosen = np.maximum.reduceat(candidate, paths.offsets[:-1]) if len(index) else candidate
    chosen = np.where(chosen < 0, paths.offsets[1:] - 1, chosen)
    weights = np.zeros(len(paths.flat))
    weights[chosen] = 1.0
    return weights


def _linear(paths: pathtables.Paths, settings: Settings) -> Array:
    _, length = _positions(paths)
    return 1.0 / length


def _masks(paths: pathtables.Paths) -> NDArray[np.uint64] | None:
    """Each path's set of channels as a bit mask (one OR per path), for up to 64 channels."""
    if len(paths.channels) > 64 or not paths.size:
        return None
    bits = np.left_shift(np.uint64(1), paths.flat.astype(np.uint64))
    masks: NDArray[np.uint64] = np.bitwise_or.reduceat(bits, paths.offsets[:-1])
    return masks


def _distinct_pairs(paths: pathtables.Paths) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The (path, channel) pairs of distinct channels per path, in no particular order."""
    masks = _masks(paths)
    if masks is None:
        n = max(len(paths.channels), 1)
        path_of = np.repeat(np.arange(paths.size, dtype=np.int64), paths.lengths)
        pairs = np.unique(path_of * n + paths.flat)
        return pairs // n, pairs % n
    held = [np.flatnonzero(masks & np.uint64(1 << c)) for c in range(len(paths.channels))]
    channel = np.repeat(np.arange(len(held), dtype=np.int64), [len(h) for h in held])
    return np.concatenate(held).astype(np.int64), channel


def _linear_distinct(paths: pathtables.Paths) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """``1/D`` of each path's conversions and value to each of its ``D`` distinct channels."""
    pair_path, pair_channel = _distinct_pairs(paths)
    distinct = np.bincount(pair_path, minlength=paths.size).astype(np.float64)
    n = len(paths.channels)
    share = 1.0 / distinct[pair_path]
    conv = np.bincount(pair_channel, weights=share * paths.conversions[pair_path], minlength=n)
    value = np.bincount(pair_channel, weights=share * paths.value[pair_path], minlength=n)
    return tuple(conv.tolist()), tuple(value.tolist())


def _position_based(paths: pathtables.Paths, settings: Settings) -> Array:
    position, length = _positions(paths)
    f, last = settings.first, settings.last
    middle = (1.0 - f - last) / np.maximum(length - 2, 1)
    weights = np.where(position == 0, f, np.where(position == length - 1, last, middle))
    two = length == 2
    weights = np.where(two, np.where(position == 0, f, last) / (f + last), weights)
    return np.where(length == 1, 1.0, weights)


def _time_decay(paths: pathtables.Paths, settings: Settings) -> Array:
    assert paths.times is not None
    lengths = paths.lengths
    if settings.decay_to == "conversion":
        assert paths.ends is not None
        reference = np.repeat(paths.ends, lengths)
    else:  # the last touch: for a converting touch at the end, the same as the conversion
        reference = np.repeat(paths.times[paths.offsets[1:] - 1], lengths)
    delta = np.maximum(reference - paths.times, 0.0)
    raw = np.exp2(-delta / settings.half_life)
    total = np.add.reduceat(raw, paths.offsets[:-1]) if len(raw) else raw
    weights: Array = raw / np.repeat(total, lengths)
    return weights


_WEIGHTS: Final = {
    "first-touch": _first,
    "last-touch": _last,
    "last-non-direct": _last_non_direct,
    "linear": _linear,
    "position-based": _position_based,
    "time-decay": _time_decay,
}


def _markov(paths: pathtables.Paths, order: int, settings: Settings) -> Credit:
    effects = removal.removal_effects(paths, order)
    conv = _normalise(paths, effects.conversions, paths.conversions, settings.normalise)
    value = _normalise(paths, effects.value, paths.value, settings.normalise)
    return Credit(
        f"markov-{order}",
        label(f"markov-{order}", settings),
        conv,
        value,
        tuple(effects.conversions.tolist()),
        tuple(effects.value.tolist()),
    )


def _normalise(
    paths: pathtables.Paths, effect: Array, amount: Array, how: str
) -> tuple[float, ...]:
    """Removal effects → credit adding up to ``amount.sum()`` (see the module docstring)."""
    total = float(amount.sum())
    if how == "global":
        weight = float(effect.sum())
        share = effect / weight if weight > 0 else np.zeros_like(effect)
        return tuple((share * total).tolist())
    pair_path, pair_channel = _distinct_pairs(paths)
    pair_effect = effect[pair_channel]
    per_path = np.bincount(pair_path, weights=pair_effect, minlength=paths.size)
    share = np.divide(
        pair_effect,
        per_path[pair_path],
        out=np.zeros_like(pair_effect),
        where=per_path[pair_path] > 0,
    )
    credit = np.bincount(pair_channel, weights=share * amount[pair_path], minlength=len(effect))
    return tuple(credit.tolist())


def _shapley(paths: pathtables.Paths) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """``φ_i = Σ_{T ∋ i} C(T) / |T|`` over the observed channel sets T (module docstring):
    the paths grouped by their set of channels, then each set's worth split over it."""
    n = len(paths.channels)
    masks = _masks(paths)
    if masks is None:
        return _shapley_by_sets(paths)
    sets, group = np.unique(masks, return_inverse=True)
    worth = np.bincount(group, weights=paths.conversions, minlength=len(sets))
    value = np.bincount(group, weights=paths.value, minlength=len(sets))
    holds = [(sets & np.uint64(1 << c)) != 0 for c in range(n)]
    size = np.sum(holds, axis=0) if holds else np.zeros(len(sets))
    phi = [(float(worth[h] @ (1 / size[h])), float(value[h] @ (1 / size[h]))) for h in holds]
    return tuple(p[0] for p in phi), tuple(p[1] for p in phi)


def _shapley_by_sets(paths: pathtables.Paths) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The same for more than 64 channels, with the sets as tuples."""
    n = max(len(paths.channels), 1)
    path_of = np.repeat(np.arange(paths.size, dtype=np.int64), paths.lengths)
    pairs = np.unique(path_of * n + paths.flat)
    pair_path, pair_channel = pairs // n, pairs % n
    sets: dict[tuple[int, ...], list[float]] = {}
    bounds = np.searchsorted(pair_path, np.arange(paths.size + 1))
    members = pair_channel.tolist()
    conv, value = paths.conversions.tolist(), paths.value.tolist()
    for p in range(paths.size):
        key = tuple(members[bounds[p] : bounds[p + 1]])
        total = sets.setdefault(key, [0.0, 0.0])
        total[0] += conv[p]
        total[1] += value[p]
    phi = np.zeros((len(paths.channels), 2))
    for key, (c, v) in sets.items():
        phi[list(key)] += (c / len(key), v / len(key))
    return tuple(phi[:, 0].tolist()), tuple(phi[:, 1].tolist())


def totals(credit: Credit) -> tuple[float, float]:
    """What a model's credits add up to (the invariant: the totals of the paths)."""
    return math.fsum(credit.conversions), math.fsum(credit.value)
