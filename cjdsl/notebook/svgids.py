"""Every id of an SVG, and every reference to one, moved under one namespace, in one pass.

A notebook inlines many SVGs into one HTML page, where ids share one space: the
``url(#l_1)`` of one diagram's gradient would paint with another's. The DOT emitter
already prefixes the ids it names; Graphviz invents others (``node1``, ``clust1``,
``edge1``, gradients ``l_1``/``r_1``, clip paths), and an engine's version may invent
more. ``namespace`` renames them all, with their references: ``href="#…"`` and
``xlink:href="#…"``, ``url(#…)`` in any attribute (``fill``, ``clip-path``,
``style`` …) and the id lists of ``aria-labelledby``/``aria-describedby``.

It reads the markup, not the text: a label that says ``url(#node1)`` stays as written.
Each step is a ``str.find`` from where the last one stopped, so the time is linear in
the SVG's length whatever it holds (no regular expression, no backtracking).

>>> svg = '<g id="node1"><a xlink:href="#node1"><path fill="url(#l_1)"/>url(#l_1)</a></g>'
>>> print(namespace(svg, "nb"))
<g id="nb-node1"><a xlink:href="#nb-node1"><path fill="url(#nb-l_1)"/>url(#l_1)</a></g>
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

__all__ = ["ids", "namespace"]

_ID_LISTS: Final = frozenset({"aria-labelledby", "aria-describedby"})
_LINKS: Final = frozenset({"href", "xlink:href"})
_SPACE: Final = " \t\r\n"


def namespace(svg: str, name: str, *, old: str | None = None) -> str:
    """``svg`` with every id ``X`` renamed ``name-X``, and every reference with it.

    ``old``: the prefix the DOT emitter gave (``rendering.dot.id_prefix``); an id that
    starts with it has it replaced by ``name`` instead, so ids do not grow a prefix per
    pass (``cjab12cd34-node-ad`` becomes ``name-node-ad``).
    """

    def rename(value: str) -> str:
        if old and value.startswith(old):
            return name + value[len(old) :]
        return f"{name}-{value}"

    out: list[str] = []
    _scan(svg, out.append, lambda attribute, value: _attribute(attribute, value, rename))
    return "".join(out)


def ids(svg: str) -> list[str]:
    """Every ``id`` the SVG's markup declares, in order (read the way ``namespace`` reads)."""
    found: list[str] = []

    def keep(attribute: str, value: str) -> str:
        if attribute == "id":
            found.append(value)
        return value

    _scan(svg, lambda _: None, keep)
    return found


def _attribute(attribute: str, value: str, rename: Callable[[str], str]) -> str:
    """One attribute's value with the ids it declares or references renamed."""
    if attribute == "id":
        return rename(value)
    if attribute in _LINKS:
        return "#" + rename(value[1:]) if value.startswith("#") else value
    if attribute in _ID_LISTS:
        return " ".join(rename(part) for part in value.split())
    return _urls(value, rename)


def _urls(value: str, rename: Callable[[str], str]) -> str:
    """Each ``url(#X)`` in an attribute value (also ``url('#X')``) with ``X`` renamed."""
    start = value.find("url(")
    if start < 0:
        return value
    parts: list[str] = []
    at = 0
    while start >= 0:
        hash_at = start + 4
        quote = value[hash_at : hash_at + 1] if value[hash_at : hash_at + 1] in "'\"" else ""
        hash_at += len(quote)
        end = value.find(quote or ")", hash_at)
        if end < 0:
            break
        if value.startswith("#", hash_at):
            parts += [value[at : hash_at + 1], rename(value[hash_at + 1 : end])]
            at = end
        start = value.find("url(", end)
    parts.append(value[at:])
    return "".join(parts)


def _scan(svg: str, emit: Callable[[str], object], value_of: Callable[[str, str], str]) -> None:
    """Walk the markup once: text and everything else are emitted as they are, each
    attribute value of a start tag as ``value_of(name, value)`` makes it."""
    at, size = 0, len(svg)
    while at < size:
        lt = svg.find("<", at)
        if lt < 0:
            break
        emit(svg[at:lt])
        for opener, closer in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")):
            if svg.startswith(opener, lt):
                end = svg.find(closer, lt + len(opener))
                at = size if end < 0 else end + len(closer)
                emit(svg[lt:at])
                break
        else:
            if svg.startswith("<!", lt) or svg.startswith("</", lt):
                end = svg.find(">", lt)
                at = size if end < 0 else end + 1
                emit(svg[lt:at])
            else:
                at = _tag(svg, lt, emit, value_of)
    emit(svg[at:])


def _tag(
    svg: str, lt: int, emit: Callable[[str], object], value_of: Callable[[str, str], str]
) -> int:
    """Emit one start tag from ``lt`` with its attribute values rewritten; where it ends."""
    size = len(svg)
    at = lt + 1
    while at < size and svg[at] not in _SPACE and svg[at] not in "/>":
        at += 1
    emit(svg[lt:at])
    while at < size:
        begin = at
        while at < size and svg[at] in _SPACE:
            at += 1
        if at >= size or svg[at] in "/>":
            end = svg.find(">", at)
            stop = size if end < 0 else end + 1
            emit(svg[begin:stop])
            return stop
        equals = svg.find("=", at)
        if equals < 0:
            emit(svg[begin:])
            return size
        attribute = svg[at:equals].strip()
        quote_at = equals + 1
        while quote_at < size and svg[quote_at] in _SPACE:
            quote_at += 1
        quote = svg[quote_at : quote_at + 1]
        close = svg.find(quote, quote_at + 1) if quote in ("'", '"') else -1
        if close < 0:  # not the XML Graphviz writes: leave the rest as it is
            emit(svg[begin:])
            return size
        emit(svg[begin : quote_at + 1] + value_of(attribute, svg[quote_at + 1 : close]) + quote)
        at = close + 1
    return size
