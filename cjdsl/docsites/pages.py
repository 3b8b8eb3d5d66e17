"""The HTML of journeys in documentation pages: SVG, maps, image tags, notes and the stylesheet.

Shared by the Sphinx and MkDocs front ends. Light and dark renders sit side by
side in one wrapper, and ``CSS`` shows the one that matches the site's colour
scheme; the highlight overlay is a class on the SVG's groups plus a scoped style.
A journey map is one HTML fragment whose colours are custom properties: the
same site selectors switch them to the dark set.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Final

from ..rendering import map_style
from . import support

__all__ = [
    "CSS",
    "error_html",
    "figure_html",
    "image_bytes",
    "images_html",
    "inline_html",
    "map_html",
    "overlay",
    "source_html",
]

# Pages in a dark colour scheme, as the common themes mark them (docs/docs-plugins.md lists
# them); the diagram rules in _DIAGRAM_CSS spell out the same selectors.
_DARK_SITES: Final = (
    '[data-md-color-scheme="slate"]',  # mkdocs-material
    'html[data-theme="dark"]',  # pydata-sphinx-theme
    'body[data-theme="dark"]',  # furo
    '[data-bs-theme="dark"]',  # Bootstrap themes
    "html.dark",
)
# Pages that follow the reader's `prefers-color-scheme` (furo's `auto`, or `cjdsl_scheme = system`).
_SYSTEM_SITES: Final = (
    'body[data-theme="auto"]',
    "body:not([data-theme]):not([data-md-color-scheme]) .cjdsl-system",
)

_GROUP: Final = re.compile(
    r'<g id="[^"]*" class="(?P<kind>node|edge)">\s*<title>(?P<title>[^<]*)</title>'
)
_ROOT: Final = re.compile(r"<svg\b[^>]*>")
_WIDTH: Final = re.compile(r'\swidth="([0-9.]+)(pt|px)"')
_PROLOGUE: Final = re.compile(r"\A(?:<\?xml[^>]*\?>\s*)?(?:<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


def overlay(svg: str, highlight: support.Highlight, prefix: str) -> str:
    """Mark the highlighted nodes and edges in a cjdsl SVG and add the overlay's style.

    The style is scoped to the diagram's graph id, so it holds inline and in files.
    """
    wanted_edges = {f"{a}->{b}" for a, b in highlight.edges}

    def mark(match: re.Match[str]) -> str:
        title = html.unescape(match.group("title"))
        hit = title in highlight.nodes if match.group("kind") == "node" else title in wanted_edges
        if not hit:
            return match.group()
        return match.group().replace(
            f'class="{match.group("kind")}"', f'class="{match.group("kind")} cjdsl-hl"', 1
        )

    marked = _GROUP.sub(mark, svg)
    scope = f"#{prefix}"
    style = (
        f'<style>{scope} .node:not(.cjdsl-hl):not([id$="-legend"]),'
        f"{scope} .edge:not(.cjdsl-hl)"
        "{opacity:.3}"
        f"{scope} .node.cjdsl-hl :is(polygon,path,ellipse)"
        "{stroke:var(--cjdsl-highlight,#e8590c);stroke-width:3.5px}"
        f"{scope} .edge.cjdsl-hl :is(path,polygon)"
        "{stroke:var(--cjdsl-highlight,#e8590c);stroke-width:3px}"
        f"{scope} .edge.cjdsl-hl polygon{{fill:var(--cjdsl-highlight,#e8590c)}}</style>"
    )
    return _ROOT.sub(lambda m: m.group() + style, marked, count=1)


def _svg_for_page(image: support.Image, highlight: support.Highlight | None, zoom: float) -> str:
    """An SVG ready to sit inside HTML: no XML prologue, links announced, overlay applied."""
    svg = _PROLOGUE.sub("", image.data.decode("utf-8")).strip()
    if "xlink:href=" in svg or " href=" in svg:
        # role="img" hides the node links from keyboards and screen readers.
        svg = svg.replace('role="img"', 'role="graphics-document document"', 1)
    if highlight is not None:
        svg = overlay(svg, highlight, image.prefix)
    width = _WIDTH.search(svg[: svg.find(">", svg.find("<svg"))])
    if zoom and width:
        # Shrink to the column, but not so far that labels become unreadable: scroll instead.
        least = f"{float(width.group(1)) * zoom:.0f}{width.group(2)}"
        svg = _ROOT.sub(lambda m: m.group()[:-1] + f' style="min-width:{least}">', svg, count=1)
    return svg


def _wrap(parts: Iterable[tuple[str, str]], options: support.Options, *, system: bool) -> str:
    """The themed wrapper: one child per theme; CSS shows the one the site's scheme wants."""
    parts = list(parts)
    classes = ["cjdsl-journey", *options.classes]
    if options.theme == "auto":
        classes.append("cjdsl-auto")
        if system:
            classes.append("cjdsl-system")
    inner = "".join(f'<div class="cjdsl-{theme}">{body}</div>' for theme, body in parts)
    anchor = f' id="{html.escape(options.name)}"' if options.name and not options.caption else ""
    return f'<div class="{" ".join(classes)}"{anchor}>{inner}</div>'


def inline_html(
    images: Iterable[support.Image],
    options: support.Options,
    *,
    highlight: support.Highlight | None,
    system: bool = False,
) -> str:
    """The diagrams as inline SVG (node links clickable), in the themed wrapper.

    ``system``: follow the reader's ``prefers-color-scheme`` even where the site
    names no scheme.
    """
    return _wrap(
        ((image.theme, _svg_for_page(image, highlight, options.zoom)) for image in images),
        options,
        system=system,
    )


def image_bytes(image: support.Image, highlight: support.Highlight | None) -> bytes:
    """The bytes to write as the image file (SVG with the overlay baked in)."""
    if highlight is None or image.suffix != "svg":
        return image.data
    return overlay(image.data.decode("utf-8"), highlight, image.prefix).encode("utf-8")


def images_html(
    urls: Iterable[tuple[str, str]],
    options: support.Options,
    *,
    title: str,
    system: bool = False,
) -> str:
    """The diagrams as ``<img>`` elements: ``urls`` pairs each theme with its image's URL."""
    alt = html.escape(options.alt or title, quote=True)
    return _wrap(
        ((theme, f'<img src="{html.escape(url, quote=True)}" alt="{alt}">') for theme, url in urls),
        options,
        system=system,
    )


def map_html(
    journey_map: support.MapHtml, options: support.Options, *, system: bool = False
) -> str:
    """A journey map in its scrolling frame (with the anchor when there is no caption).

    ``system``: a ``cjm-auto`` map follows the reader's ``prefers-color-scheme``
    even where the site names no scheme.
    """
    classes = ["cjdsl-map-frame", *options.classes]
    if system:
        classes.append("cjdsl-system")
    anchor = f' id="{html.escape(options.name)}"' if options.name and not options.caption else ""
    return f'<div class="{" ".join(classes)}"{anchor}>{journey_map.html}</div>'


def figure_html(body: str, options: support.Options) -> str:
    """``body`` in a ``<figure>`` with the caption (and the anchor) when there is a caption."""
    if not options.caption:
        return body
    anchor = f' id="{html.escape(options.name)}"' if options.name else ""
    caption = html.escape(options.caption)
    return f'<figure class="cjdsl-figure"{anchor}>{body}<figcaption>{caption}</figcaption></figure>'


def error_html(found: Iterable[support.Problem], *, what: str = "it has errors") -> str:
    """A visible note in place of a diagram that could not be made."""
    lines = "\n".join(html.escape(str(p)) for p in found)
    return (
        '<div class="cjdsl-error" role="note"><p class="cjdsl-error-title">'
        f"This journey was not rendered: {html.escape(what)}.</p><pre>{lines}</pre></div>"
    )


def source_html(text: str) -> str:
    """A journey's source as a highlighted code block (plain when Pygments lacks the lexer)."""
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_by_name("journey")
        except ClassNotFound:
            lexer = None
    except ImportError:
        lexer = None
    body = highlight(text, lexer, HtmlFormatter(nowrap=True)) if lexer else html.escape(text)
    return (
        '<div class="cjdsl-source highlight"><pre><code class="language-journey">'
        f"{body}</code></pre></div>"
    )


_DIAGRAM_CSS: Final = """\
/* cjdsl: journey diagrams in documentation sites */
.cjdsl-journey { margin: 1em 0; overflow-x: auto; text-align: center; }
.cjdsl-journey svg, .cjdsl-journey img { max-width: 100%; height: auto; }
.cjdsl-journey svg a { text-decoration: none; border: 0; }  /* themes underline links */
.cjdsl-journey svg a:focus-visible { outline: 2px solid var(--cjdsl-highlight, #e8590c); }
.cjdsl-figure { margin: 1.5em 0; }
.cjdsl-figure figcaption { text-align: center; font-size: .9em; opacity: .85; }

/* Light and dark renders: the site's colour scheme picks one. */
.cjdsl-auto > .cjdsl-dark { display: none; }
[data-md-color-scheme="slate"] .cjdsl-auto > .cjdsl-light,
html[data-theme="dark"] .cjdsl-auto > .cjdsl-light,
body[data-theme="dark"] .cjdsl-auto > .cjdsl-light,
[data-bs-theme="dark"] .cjdsl-auto > .cjdsl-light,
html.dark .cjdsl-auto > .cjdsl-light { display: none; }
[data-md-color-scheme="slate"] .cjdsl-auto > .cjdsl-dark,
html[data-theme="dark"] .cjdsl-auto > .cjdsl-dark,
body[data-theme="dark"] .cjdsl-auto > .cjdsl-dark,
[data-bs-theme="dark"] .cjdsl-auto > .cjdsl-dark,
html.dark .cjdsl-auto > .cjdsl-dark { display: block; }
@media (prefers-color-scheme: dark) {
  body[data-theme="auto"] .cjdsl-auto > .cjdsl-light,
  body:not([data-theme]):not([data-md-color-scheme]) .cjdsl-system > .cjdsl-light { display: none; }
  body[data-theme="auto"] .cjdsl-auto > .cjdsl-dark,
  body:not([data-theme]):not([data-md-color-scheme]) .cjdsl-system > .cjdsl-dark { display: block; }
}

.cjdsl-error { border-left: 4px solid #cf222e; background: rgba(207, 34, 46, .08);
  padding: .5em 1em; margin: 1em 0; }
.cjdsl-error-title { font-weight: bold; margin: 0 0 .4em; }
.cjdsl-error pre { white-space: pre-wrap; margin: 0; background: none; }

@media print {
  .cjdsl-auto > .cjdsl-dark { display: none !important; }
  .cjdsl-auto > .cjdsl-light { display: block !important; }
  .cjdsl-journey { overflow: visible; }
}

/* Journey maps: every rule under .cjdsl-map; the site's scheme picks the colours. */
.cjdsl-map-frame { margin: 1em 0; }
.cjdsl-map-frame > .cjdsl-map.cjdsl-map { margin: 0; }
"""
CSS: Final = _DIAGRAM_CSS + map_style.CSS + map_style.auto_css(_DARK_SITES, _SYSTEM_SITES)
"""The stylesheet of a site with journeys: diagrams, maps, notes, light and dark."""
