"""Frozen, slotted dataclasses that are cheap to make.

A frozen dataclass sets each field in ``__init__`` through
``object.__setattr__``, which made building the model of a 10,000-touchpoint
journey (some 200,000 spans, transitions and touchpoints) cost a fifth of the
whole compile. ``quick_init`` gives such a class an ``__init__`` that sets the
slots through their descriptors instead: the same fields, the same frozen
class afterwards, about 2.5× faster to construct.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init"]

_Record = TypeVar("_Record", bound=type[Any])


def quick_init(cls: _Record) -> _Record:
    """Replace the ``__init__`` of a frozen, slotted dataclass whose fields are all plain
    ``__init__`` arguments (no defaults, no ``__post_init__``).

    >>> @quick_init
    ... @dataclasses.dataclass(frozen=True, slots=True)
    ... class Point:
    ...     x: int
    ...     y: int
    >>> Point(1, y=2), Point(1, 2) == Point(x=1, y=2)
    (Point(x=1, y=2), True)
    >>> Point(1, 2).x = 3
    Traceback (most recent call last):
    dataclasses.FrozenInstanceError: cannot assign to field 'x'
    """
    parameters = getattr(cls, "__dataclass_params__", None)
    if parameters is None or not parameters.frozen or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} is not a frozen, slotted dataclass")
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or any(
        not f.init
        or f.default is not dataclasses.MISSING
        or f.default_factory is not dataclasses.MISSING
        for f in fields
    ):
        raise TypeError(f"{cls.__name__} has defaults or a __post_init__; keep its own __init__")
    names = [f.name for f in fields]
    setters = {f"_set_{name}": cls.__dict__[name].__set__ for name in names}
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names) or "    pass\n"
    namespace: dict[str, Any] = dict(setters)
    exec(f"def __init__(self, {', '.join(names)}):\n{body}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls
