"""The DOT language as the diagrams write it: quoting, labels, attribute lists, ids, links.

Every user text reaches Graphviz through these functions and no others: a string is
quoted (``quote``) or written into an HTML-like label (``html_text``, ``label``),
with Graphviz's own escapes (``\\N``, ``\\G``, ``\\l``) defused, control characters
dropped and at most ``TEXT_LIMIT`` characters kept; ids become ASCII (``slug``) and
links are percent-encoded where SVG would read them (``url``). The diagram
(``dot``) and the collapsed diagram (``collapse``) both write with them.

Labels are built as ``Line`` values with a style and written either as HTML-like
labels (sizes, colours, bold) or, for a Graphviz built without expat such as the
WebAssembly one, as plain multi-line text that every Graphviz shows.
"""

from __future__ import annotations

import dataclasses
import html
import re
import textwrap
from typing import Final

import graphviz

__all__ = [
    "TEXT_LIMIT",
    "WRAP",
    "Html",
    "Line",
    "attrs",
    "escaped",
    "html_text",
    "label",
    "quote",
    "shorten",
    "slug",
    "url",
]

WRAP: Final = 24
"""The characters of a label line before it wraps (``Line.width``'s default)."""
TEXT_LIMIT: Final = 2000
"""The most characters of one text (a tooltip, a label, a line of one) the diagram shows.

Graphviz 2.43 rejects a quoted string or an unbroken run of an HTML-like label
over 16,384 bytes (a 17 KB description failed the whole render). Escaping and
UTF-8 make a character at most four bytes, so 2,000 stay far below; longer
texts end in ``…``. Identifiers are never shortened: two would merge."""
_UNSAFE_ID: Final = re.compile(r"_x|[^A-Za-z0-9_-]")
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Characters a URL may not hold raw, and an `&` that starts a character reference (`&#58;`):
# Graphviz 2.43 copies URLs into SVG unescaped, where parsers would decode it.
_URL_UNSAFE: Final = re.compile(r'[\s"<>\\^`{|}]|&(?=#?\w+;)')


def quote(text: str) -> str:
    r"""A DOT double-quoted string whose content Graphviz shows as written.

    Backslashes are doubled so Graphviz's escapes (``\N``, ``\G``, ``\l``)
    cannot fire; newlines become ``\n``.

    >>> print(quote('say "hi" \\ C:\\N\nnext'))
    "say \"hi\" \\ C:\\N\nnext"
    """
    text = escaped(_CONTROL.sub("", text)).replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def shorten(text: str) -> str:
    r"""At most ``TEXT_LIMIT`` characters, ``…`` last when cut.

    A cut never leaves half of an escaping backslash pair before the ellipsis.

    >>> len(shorten("w" * 17_000)), shorten("w" * 17_000)[-2:], shorten("short")
    (2000, 'w…', 'short')
    >>> shorten("\\" * 17_000)[-3:], len(shorten("\\" * 17_000))
    ('\\\\…', 1999)
    """
    if len(text) <= TEXT_LIMIT:
        return text
    kept = text[: TEXT_LIMIT - 1]
    odd = (len(kept) - len(kept.rstrip("\\"))) % 2
    return kept[: len(kept) - odd] + "…"


def html_text(text: str, width: int = WRAP, br: str = "<br/>") -> str:
    """Escape text for an HTML-like label and wrap it into lines."""
    text = shorten(_CONTROL.sub("", text).replace("\r", ""))
    # Graphviz expands \N, \G … in HTML labels too; a doubled backslash shows as one.
    lines = [
        html.escape(escaped(line), quote=True)
        for paragraph in text.split("\n")
        for line in (textwrap.wrap(paragraph, width, break_long_words=True) or [""])
    ]
    return br.join(lines)


def escaped(text: str) -> str:
    r"""Text whose backslashes Graphviz shows as written: doubled (``graphviz.escape``).

    Graphviz expands ``\N``, ``\G``, ``\l`` … in labels and tooltips, in node
    tooltips twice, so a tooltip is escaped here and once more by ``quote``.

    >>> escaped(r"C:\N")
    'C:\\\\N'
    """
    return str(graphviz.escape(text))


def url(link: str) -> str:
    """A link with what may not stand raw in an SVG attribute percent-encoded.

    >>> url('https://a.b/x y?q="<&>"&r=1&#58;')
    'https://a.b/x%20y?q=%22%3C&%3E%22&r=1%26#58;'
    """
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), link)


class Html(str):
    """An HTML-like label, written between ``<`` and ``>`` instead of quoted."""

    __slots__ = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Line:
    """One line of a label: user text and how it looks (HTML mode only)."""

    text: str
    size: int | None = None
    colour: str | None = None
    bold: bool = False
    italic: bool = False
    width: int = WRAP
    swatch: str | None = None  # a colour shown as a small square before the text


def label(lines: list[Line], *, html_labels: bool, br: str = "<br/>") -> str:
    """Write label lines as an HTML-like label or as plain multi-line text."""
    if not html_labels:
        return "\n".join(
            "\n".join(textwrap.wrap(line.text, line.width, break_long_words=True) or [""])
            for line in lines
        )
    parts: list[str] = []
    for line in lines:
        text = html_text(line.text, line.width, br)
        if not text:  # Graphviz 2.43 rejects an empty <b></b> or <font></font>
            parts.append(text)
            continue
        if line.bold:
            text = f"<b>{text}</b>"
        if line.italic:
            text = f"<i>{text}</i>"
        if line.size or line.colour:
            size = f' point-size="{line.size}"' if line.size else ""
            colour = f' color="{line.colour}"' if line.colour else ""
            text = f"<font{size}{colour}>{text}</font>"
        if line.swatch:
            size = f' point-size="{line.size}"' if line.size else ""
            text = f'<font{size} color="{line.swatch}">■</font> {text}'
        parts.append(text)
    return Html(br.join(parts))


def slug(name: str) -> str:
    """An ASCII id fragment; other characters become ``_xHH_`` so slugs stay unique.

    A ``_`` before an ``x`` is escaped too, so an id written as ``_xe4_`` cannot
    take the SVG id of ``ä``:

    >>> slug("ä"), slug("_xe4_"), slug("a_b-c")
    ('_xe4_', '_x5f_xe4_', 'a_b-c')
    """
    return _UNSAFE_ID.sub(lambda m: f"_x{ord(m.group()[0]):x}_" + m.group()[1:], name)


def attrs(**values: str | float | None) -> str:
    """A DOT attribute list, ``[key="value", …]``: ``None`` left out, floats with at most
    two decimals, an ``Html`` label between ``<>``, every other value quoted and shortened.

    >>> attrs(shape="box", width=1.40, label=Html("<b>x</b>"), color=None)
    '[shape="box", width="1.4", label=<<b>x</b>>]'
    """
    items = []
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.2f}".rstrip("0").rstrip(".")
        text = str(value)
        items.append(
            f"{key}=<{text}>" if isinstance(value, Html) else f"{key}={quote(shorten(text))}"
        )
    return "[" + ", ".join(items) + "]" if items else ""
