"""Post-processing of Graphviz SVG: accessible title and description, no comments, valid XML.

Ids are already namespaced by the DOT emitter; this adds what Graphviz
cannot: ``<title>``/``<desc>`` on the root for screen readers, and link
targets escaped for XML (Graphviz 2.43 writes them raw).
"""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = ["finish"]

_COMMENT: Final = re.compile(r"<!--.*?-->\n?", re.DOTALL)
_ROOT: Final = re.compile(r"<svg\b[^>]*>")
_HREF: Final = re.compile(r'\bhref="([^"]*)"')
# The DOT emitter percent-encodes an `&` that starts a reference, so any left is Graphviz's own.
_BARE_AMP: Final = re.compile(r"&(?!#?\w+;)")
# Characters XML 1.0 does not allow anywhere (controls, U+FFFE, U+FFFF): one makes the whole
# SVG unreadable, and a journey's text may hold them.
_NOT_XML: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def finish(svg: bytes, *, prefix: str, title: str, description: str | None) -> bytes:
    """Return the SVG with comments dropped and the root labelled for assistive tech."""
    text = _NOT_XML.sub("", _COMMENT.sub("", svg.decode("utf-8")))
    title, description = _NOT_XML.sub("", title), description and _NOT_XML.sub("", description)
    # Graphviz names the link wrapper of object P `a_P`; keep every id under the prefix.
    # (Graphviz 2.43 writes every `-` inside ids as `&#45;`.)
    written = "(?:-|&#45;)".join(map(re.escape, prefix.split("-")))
    text = re.sub(
        rf'id="a_({written})(-|&#45;|")',
        lambda m: f'id="{m[1]}-a"' if m[2] == '"' else f'id="{m[1]}{m[2]}a{m[2]}',
        text,
    )
    text = _HREF.sub(lambda m: f'href="{_BARE_AMP.sub("&amp;", m.group(1))}"', text)
    match = _ROOT.search(text)
    if match is None:
        return text.encode("utf-8")
    labelled = f"{prefix}-title" + (f" {prefix}-desc" if description else "")
    root = match.group()[:-1] + f' role="img" aria-labelledby="{labelled}">'
    inner = f'\n<title id="{prefix}-title">{html.escape(title)}</title>\n'
    if description:
        inner += f'<desc id="{prefix}-desc">{html.escape(description)}</desc>\n'
    return (text[: match.start()] + root + inner + text[match.end() :].lstrip("\n")).encode("utf-8")
