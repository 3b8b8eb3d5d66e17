"""``records.quick_init``: a faster ``__init__`` that keeps the dataclass what it was."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from cjdsl import model, records
from cjdsl.source import SourceFile, Span


@records.quick_init
@dataclasses.dataclass(frozen=True, slots=True)
class Pair:
    left: int
    right: str


def test_records_construct_compare_hash_and_stay_frozen() -> None:
    assert Pair(1, "a") == Pair(left=1, right="a") != Pair(2, "a")
    assert hash(Pair(1, "a")) == hash(Pair(1, "a"))
    assert repr(Pair(1, "a")) == "Pair(left=1, right='a')"
    with pytest.raises(dataclasses.FrozenInstanceError):
        Pair(1, "a").left = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        Pair(1)  # type: ignore[call-arg]
    assert pickle.loads(pickle.dumps(Pair(1, "a"))) == Pair(1, "a")
    assert dataclasses.replace(Pair(1, "a"), right="b") == Pair(1, "b")


def test_model_spans_are_quick_records() -> None:
    file = SourceFile("x", "abc")
    assert Span(file, 0, 1) == Span(file=file, start=0, end=1)
    assert Span.__init__.__qualname__ == "Span.__init__"
    quantity = model.Quantity(0.4, "%", "40%")
    assert quantity == model.Quantity(value=0.4, unit="%", text="40%")


def test_classes_it_cannot_speed_up_are_refused() -> None:
    @dataclasses.dataclass(slots=True)
    class Loose:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class WithDefault:
        x: int = 0

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    for cls in (Loose, WithDefault, NoSlots):
        with pytest.raises(TypeError):
            records.quick_init(cls)
