"""What the Sphinx and MkDocs front ends share: options, located problems and cached renders.

Both plugins stay thin: they find the journeys on a page, hand the text and the
options to this module, and put the HTML that ``pages`` makes of the
renders into the page. Nothing here imports Sphinx or MkDocs.

Rendering goes through ``cjdsl.views.render`` and is cached on disk by a
content hash of the journey, the texts of every file it imports, the options,
the cjdsl version and the Graphviz version, so an unchanged site rebuilds
without starting Graphviz, and a changed import re-renders every diagram that
uses it. The ``map`` view (``rendering.journey_map``) is cached the same way,
without Graphviz: it is HTML made from the journey and its analysis.

Longer than the ~400-line guideline: the options (parsed from a fence's info string and a
directive's fields alike), the located problems and the cache are one contract the two
plugins rely on; splitting the options into ``docsites/options.py`` is the next step.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import os
import pathlib
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from .. import (
    __version__,
    configuration,
    files,
    model,
    pipeline,
    rendering,
    scenarios,
    suppression,
    views,
)
from ..diagnostics import Severity, did_you_mean
from ..errors import RenderError
from ..language import vocabulary
from ..rendering import blueprint_view, journey_map
from ..rendering import options as choices
from ..source import SourceFile
from . import events

__all__ = [
    "DIAGNOSTICS",
    "FORMATS",
    "SCHEMES",
    "SOURCES",
    "THEMES",
    "VIEWS",
    "Cache",
    "Highlight",
    "Image",
    "MapHtml",
    "OptionError",
    "Options",
    "Problem",
    "compile_inline",
    "compile_referenced",
    "graphviz_version",
    "parse_info",
    "prefix_for",
    "problems",
    "project_options",
    "render",
    "render_map",
    "reported",
]

THEMES: Final = choices.PAGE_THEMES
"""``auto`` renders light and dark and lets the site's colour scheme pick one."""
FORMATS: Final = ("inline", "svg", "png")
"""``inline`` puts the SVG into the page (links clickable); ``svg``/``png`` link an image file."""
VIEWS: Final = ("diagram", "map", "blueprint")
"""``diagram``: the Graphviz diagram; ``map``: the journey map (HTML table, persona, highlights)."""
SOURCES: Final = ("none", "above", "below", "only")
"""Where to show the journey's source text beside its diagram (``only``: no diagram)."""
DIAGNOSTICS: Final = ("error", "warning", "info")
"""The least severe diagnostic a build reports (``warning``: errors and warnings)."""
SCHEMES: Final = ("site", "system")
"""What an ``auto`` journey's light or dark follows: the site's dark mode switch, or the
reader's ``prefers-color-scheme`` (for site themes without a switch)."""
_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_:.-]*")
_CLASS: Final = re.compile(r"-?[_A-Za-z][_A-Za-z0-9-]*")


class OptionError(ValueError):
    """An option has a bad name or value; the message names the allowed values."""


@dataclasses.dataclass(frozen=True, slots=True)
class Options:
    """How one journey is shown; the defaults are the site-wide settings.

    ``drawing`` holds how a diagram is drawn (persona, direction, engine, timeout);
    its theme is set per image from ``theme``, the page's (``auto``: light and dark).
    """

    drawing: rendering.Options = choices.DEFAULTS
    theme: str = choices.AUTO
    format_: str = "inline"
    view: str = "diagram"
    highlight: str | None = None
    caption: str | None = None
    name: str | None = None
    alt: str | None = None
    classes: tuple[str, ...] = ()
    source: str = "none"
    zoom: float = 0.75
    """Inline SVG shrinks to the column but not below this share of its size (0: ``fit``)."""
    scenario: str | None = None
    """Show this scenario of the journey (docs/scenarios.md); ``None``: the journey itself."""
    events: str | None = None
    """An event log to fit the numbers to (``docsites.events``), from the docs folder."""
    events_time_format: str | None = None
    """The strptime format of the log's timestamps (``--time-format``); ``None``: ISO 8601."""

    def replace(self, values: Mapping[str, str | None]) -> Options:
        """These options with ``values`` (option names as users write them) applied.

        >>> Options().replace({"theme": "dark", "persona": "anna"}).theme
        'dark'

        Raises:
            OptionError: an unknown name, or a value that is not allowed.
        """
        changes: dict[str, Any] = {}
        drawn: dict[str, Any] = {}
        for key, raw in values.items():
            name = key.replace("-", "_")
            name = {"format": "format_", "class": "classes", "id": "name"}.get(name, name)
            if name not in _FIELDS:
                raise OptionError(_unknown("option", key, _OPTION_NAMES))
            (drawn if name in _DRAWN else changes)[name] = _convert(name, key, raw)
        new = dataclasses.replace(
            self, drawing=dataclasses.replace(self.drawing, **drawn), **changes
        )
        if new.format_ == "png" and manual_highlight(new.highlight):
            raise OptionError("`highlight` needs SVG: use format `inline` or `svg`, not `png`")
        if new.view == "blueprint" and new.highlight:
            raise OptionError("`highlight` is for the diagram; the `blueprint` view draws lanes")
        if new.view == "map":
            # A site-wide `format` is for diagrams; one written beside `view=map` is a mistake.
            if "format" in values and new.format_ != "inline":
                raise OptionError("the `map` view is HTML in the page: leave out `format`")
            if new.highlight:
                raise OptionError("`highlight` is for diagrams; the `map` view shows every figure")
        return new


_DRAWN: Final = ("persona", "direction", "lang", "engine", "timeout")
"""The options that go to ``Options.drawing``."""
_FIELDS: Final = (
    "persona",
    "theme",
    "direction",
    "lang",
    "engine",
    "format_",
    "view",
    "highlight",
    "caption",
    "name",
    "alt",
    "classes",
    "source",
    "timeout",
    "zoom",
    "scenario",
    "events",
    "events_time_format",
)
"""Every option, in the order an unknown one's message lists them."""
_OPTION_NAMES: Final = tuple(
    {"format_": "format", "classes": "class"}.get(f, f).replace("_", "-") for f in _FIELDS
)
_CHOICES: Final[dict[str, tuple[str, ...]]] = {
    "theme": THEMES,
    "direction": choices.DIRECTIONS,
    "lang": choices.LANGS,
    "engine": choices.ENGINES,
    "format_": FORMATS,
    "view": VIEWS,
    "source": SOURCES,
}


def _unknown(what: str, value: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    close = did_you_mean(value, allowed)
    hint = f"; {close}" if close else ""
    return f"unknown {what} `{value}` (choose from {', '.join(allowed)}){hint}"


def _convert(name: str, key: str, raw: str | None) -> object:
    value = (raw or "").strip()
    if name in _CHOICES:
        if value not in _CHOICES[name]:
            raise OptionError(_unknown(key, value, _CHOICES[name]))
        return value
    if name == "timeout":
        try:
            seconds = float(value)
        except ValueError:
            seconds = 0.0
        if not seconds > 0:
            raise OptionError(f"`timeout` must be a positive number of seconds, not `{value}`")
        return seconds
    if name == "zoom":
        if value == "fit":
            return 0.0
        try:
            share = float(value)
        except ValueError:
            share = -1.0
        if not 0 < share <= 1:
            raise OptionError(f"`zoom` is `fit` or a number from 0 to 1 (e.g. 0.75), not `{value}`")
        return share
    if name == "classes":
        classes = tuple(value.replace(",", " ").split())
        bad = [c for c in classes if not _CLASS.fullmatch(c)]
        if bad:
            raise OptionError(f"`{bad[0]}` is not a CSS class name")
        return classes
    if name == "name" and value and not _ID.fullmatch(value):
        raise OptionError(f"`{value}` cannot be an anchor: a letter, then letters, digits, `-_:.`")
    if name == "highlight" and value:
        manual_highlight(value)  # report bad syntax where the option is written
    return value or None


def parse_info(info: str) -> dict[str, str | None]:
    """Options from a fence's info string or an attribute list.

    Accepts ``key=value``, ``key="quoted value"``, ``#anchor`` and ``.class``,
    with or without surrounding braces.

    >>> parse_info('{persona=anna caption="Anna buys" #fig-anna .wide}')
    {'persona': 'anna', 'caption': 'Anna buys', 'name': 'fig-anna', 'class': 'wide'}

    Raises:
        OptionError: unbalanced quotes, or a word that is not ``key=value``.
    """
    text = info.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1]
    try:
        words = shlex.split(text, posix=True)
    except ValueError as error:
        raise OptionError(f"cannot read the options `{info.strip()}`: {error}") from error
    found: dict[str, str | None] = {}
    classes: list[str] = []
    for word in words:
        if word.startswith("#"):
            found["name"] = word[1:]
        elif word.startswith("."):
            classes.append(word[1:])
        elif "=" in word:
            key, _, value = word.partition("=")
            found[key.strip()] = value
        else:
            raise OptionError(f"`{word}` is not an option; write `key=value`")
    if classes:
        found["class"] = " ".join(classes)
    return found


# -- compiling and locating problems ------------------------------------------------------


def compile_inline(
    text: str,
    *,
    path: str | os.PathLike[str],
    root: pathlib.Path | None = None,
    scenario: str | None = None,
) -> pipeline.Compiled:
    """Parse and check ``text`` as if it were the file ``path`` (imports resolve beside it).

    ``root``: imports leading outside this folder are refused (CJ114), so a page
    cannot pull arbitrary files of the build machine into a published site.
    Never raises for bad input: every problem is a diagnostic of the document. The codes
    reported are those the project's configuration selects, less ``# cjdsl: ignore[…]``.
    """
    source = SourceFile(os.fspath(path), text.removeprefix("\ufeff"))
    enabled = configuration.Finder().for_path(os.fspath(path)).settings.enabled  # as `check`
    return pipeline.compile(source, root=root, rules=suppression.Rules(enabled), scenario=scenario)


def project_options(values: Mapping[str, str], folder: pathlib.Path) -> dict[str, str]:
    """A plugin's site-wide ``values`` with the project's ``theme`` and ``direction``
    (``cjdsl.toml`` or ``[tool.cjdsl]`` found from ``folder``) where the plugin's own are
    left at their defaults."""
    settings = configuration.Finder().for_path(folder).settings
    out = dict(values)
    for name, default in (("theme", choices.AUTO), ("direction", choices.DEFAULTS.direction)):
        if out.get(name) == default and settings[name] is not None:
            out[name] = settings[name]
    return out


def site_language(options: Options, code: object, folder: pathlib.Path) -> Options:
    """``options`` drawing in the site's language (Sphinx ``language``, a MkDocs theme's
    ``language`` or ``locale``: ``de``, ``de_DE``, ``de-AT``) where a journey names none,
    else in the project's ``lang``; a language cjdsl does not write leaves English."""
    base = str(code or "").replace("-", "_").split("_")[0].lower()
    project = configuration.Finder().for_path(folder).settings["lang"]
    fallback = base if base in choices.LANGS else project
    return dataclasses.replace(
        options, drawing=dataclasses.replace(options.drawing, default_lang=fallback)
    )


def compile_referenced(
    path: pathlib.Path,
    *,
    shown: str,
    root: pathlib.Path | None = None,
    scenario: str | None = None,
) -> pipeline.Compiled:
    """``compile_inline`` of the journey file a page refers to (shown as ``shown``).

    Bytes that are no journey text (not UTF-8, a NUL, too large) give a document
    with that diagnostic (CJ006, CJ007), located and with its hint, as `cjdsl check`.

    Raises:
        OSError: the file cannot be read; the message says which and why.
    """
    try:
        data = files.read_bounded(path)
    except OSError as error:
        raise OSError(f"cannot read {shown}: {error.strerror or error}") from error
    source, problem = pipeline.decode(data, os.fspath(path))
    if problem is not None:
        return pipeline.Compiled(pipeline.Document(source, None, (problem,)))
    return compile_inline(source.text, path=path, root=root, scenario=scenario)


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """A diagnostic (or an option or render problem) placed where the author can find it.

    ``path`` is a file the author edits: the ``.journey`` file, or the page
    for a journey written inline, with ``line`` counted in that file.
    """

    path: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str

    @property
    def location(self) -> str:
        """``path:line:col``."""
        return f"{self.path}:{self.line}:{self.col}"

    def __str__(self) -> str:
        return f"{self.location}: {self.code} {self.message}"


def problems(
    compiled: pipeline.Compiled,
    *,
    display: Callable[[str], str] = str,
    inline_at: tuple[str, int, int] | None = None,
) -> tuple[Problem, ...]:
    """Every diagnostic of ``compiled`` as a located ``Problem``.

    Args:
        display: turns a file path into the path shown (e.g. relative to the project).
        inline_at: for a journey written inside a page: ``(page path, line of the
            journey's first line in the page, indentation)``; diagnostics of that
            text are moved there. Diagnostics in imported files keep their own files.
    """
    main = compiled.document.source.path
    found = []
    for diagnostic in compiled.document.diagnostics:
        span = diagnostic.span
        message = diagnostic.message + (f" (help: {diagnostic.hint})" if diagnostic.hint else "")
        path, line, col = span.file.path, span.line, span.col
        if inline_at is not None and path == main:
            path, first, indent = inline_at
            line, col = first + line - 1, col + indent
        found.append(
            Problem(display(path), line, col, diagnostic.code.id, diagnostic.severity, message)
        )
    return tuple(found)


def reported(found: Iterable[Problem], level: str) -> tuple[Problem, ...]:
    """The problems at least as severe as ``level`` (one of ``DIAGNOSTICS``)."""
    rank = DIAGNOSTICS.index(level)
    return tuple(p for p in found if p.severity.rank <= rank)


# -- highlight overlay ------------------------------------------------------------------


def manual_highlight(spec: str | None) -> Highlight | None:
    """The highlight an author spelled out as ids, or ``None``.

    ``None`` also for the analysis highlights (``critical``, ``probable``,
    ``bottlenecks``, ``moments``): the renderer draws those itself.
    """
    if not spec or spec.strip() in choices.HIGHLIGHTS:
        return None
    return Highlight.parse(spec)


@dataclasses.dataclass(frozen=True, slots=True)
class Highlight:
    """Touchpoints and transitions to emphasise; the rest of the diagram is dimmed.

    >>> spec = Highlight.parse("ad -> shop -> checkout, bought")
    >>> spec.nodes, spec.edges
    (('ad', 'bought', 'checkout', 'shop'), (('ad', 'shop'), ('shop', 'checkout')))
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, spec: str) -> Highlight:
        """Read ``a -> b -> c, d``: ids separated by commas, arrows mark transitions.

        Raises:
            OptionError: something other than ids, ``->`` and commas.
        """
        nodes: set[str] = set()
        edges: set[tuple[str, str]] = set()
        for part in spec.split(","):
            chain = [step.strip() for step in part.split("->")]
            if chain == [""]:
                continue
            for step in chain:
                if not vocabulary.ID.fullmatch(step):  # ids as the language writes them
                    raise OptionError(
                        f"cannot read the highlight `{spec.strip()}` at `{step}`: write ids "
                        "separated by commas, and `a -> b` for a transition"
                    )
            nodes.update(chain)
            edges.update(itertools.pairwise(chain))
        return cls(tuple(sorted(nodes)), tuple(sorted(edges)))

    def check(self, compiled: pipeline.Compiled) -> tuple[str, ...]:
        """What this highlight names that the journey does not have, as messages."""
        journey = compiled.document.journey
        if journey is None:
            return ()
        ids = [t.id for t in journey.touchpoints]
        messages = [_unknown("touchpoint to highlight", n, ids) for n in self.nodes if n not in ids]
        arrows = {(t.source, t.target) for t in journey.transitions}
        messages += [
            f"no transition `{a} -> {b}` to highlight"
            for a, b in self.edges
            if a in ids and b in ids and (a, b) not in arrows
        ]
        return tuple(messages)


# -- rendering with a cache ---------------------------------------------------------------


class Cache:
    """Rendered diagrams on disk under a content hash; ``None`` as folder turns caching off."""

    def __init__(self, folder: str | os.PathLike[str] | None) -> None:
        self.folder = pathlib.Path(folder) if folder is not None else None
        self.misses = 0
        """Diagrams and maps asked for and not found: rendered now (``docsites.progress``)."""

    def path(self, key: str, suffix: str) -> pathlib.Path | None:
        """Where the entry for ``key`` lives (``None`` without a folder)."""
        return self.folder / key[:2] / f"{key}.{suffix}" if self.folder else None

    def load(self, key: str, suffix: str) -> bytes | None:
        """The cached bytes, or ``None`` when absent, unreadable or no regular file (a
        FIFO committed where an entry goes would block the build)."""
        path = self.path(key, suffix)
        try:
            found = files.read_regular(path, limit=-1) if path else None
        except OSError:
            found = None
        if found is None and suffix != "version":
            self.misses += 1
        return found

    def store(self, key: str, suffix: str, data: bytes) -> None:
        """Keep ``data`` under ``key``; a cache that cannot be written is skipped, not fatal."""
        path = self.path(key, suffix)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            files.write_atomic(path, data)
        except OSError:
            return


def graphviz_version(engine: str, cache: Cache) -> str:
    """The Graphviz ``engine`` uses, for cache keys, without starting it when the cache knows.

    The system ``dot``'s version is remembered in the cache beside a stamp of
    the binary (path, size, modification time), so an upgrade is noticed.

    Raises:
        RenderError: no Graphviz for ``engine``.
    """
    if rendering.engines.choose(engine, "svg") == "wasm":
        return rendering.engines.version("wasm")
    dot = rendering.engines.system_dot()
    assert dot is not None
    stat = os.stat(dot)
    stamp = f"{os.path.realpath(dot)}|{stat.st_size}|{stat.st_mtime_ns}"
    key = hashlib.sha256(stamp.encode("utf-8")).hexdigest()
    known = cache.load(key, "version")
    if known is not None:
        return known.decode("utf-8")
    found = rendering.engines.version("dot")
    cache.store(key, "version", found.encode("utf-8"))
    return found


@dataclasses.dataclass(frozen=True, slots=True)
class Image:
    """One rendered diagram: its theme, bytes, file suffix and content hash."""

    theme: str
    data: bytes
    suffix: str
    key: str
    prefix: str

    @property
    def filename(self) -> str:
        """A file name unique to the content: ``journey-<hash>.svg``."""
        return f"journey-{self.key[:20]}.{self.suffix}"


def prefix_for(page: str, index: int) -> str:
    """An SVG id prefix unique to one diagram occurrence on one page.

    >>> prefix_for("examples/online-shop.md", 2)
    'cj-examples-online-shop-e5dc8d-2'
    """
    slug = re.sub(r"[^A-Za-z0-9]+", "-", pathlib.PurePosixPath(page).with_suffix("").as_posix())
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()[:6]
    return f"cj-{slug.strip('-')[:40].rstrip('-') or 'page'}-{digest}-{index}"


def render(
    compiled: pipeline.Compiled, options: Options, *, prefix: str, cache: Cache
) -> tuple[Image, ...]:
    """Render a journey without errors, once per theme (light and dark for ``auto``).

    Raises:
        RenderError: the journey has errors, or Graphviz is missing or fails.
    """
    journey = compiled.document.journey
    if journey is None or not compiled.document.ok:
        raise RenderError("the journey has errors and cannot be rendered")
    fmt = "png" if options.format_ == "png" else "svg"
    version = graphviz_version(options.drawing.engine, cache)
    shown = functools.cache(lambda: _shown(compiled, options))  # on a miss, once
    overlay = functools.cache(lambda: _analysis_overlay(shown(), options))
    out = []
    for theme in choices.page_themes(options.theme):
        own = f"{prefix}-dark" if options.theme == choices.AUTO and theme == "dark" else prefix
        key = _key(compiled, options, theme=theme, prefix=own, fmt=fmt, graphviz=version)
        data = cache.load(key, fmt)
        if data is None and options.view == "blueprint":
            drawing = dataclasses.replace(options.drawing, theme=theme)
            data = blueprint_view.render(journey, format_=fmt, options=drawing, prefix=own)
        if data is None:
            data = views.render(
                shown(),
                format_=fmt,
                options=dataclasses.replace(options.drawing, theme=theme),
                prefix=own,
                overlay=overlay(),
            )
            cache.store(key, fmt, data)
        out.append(Image(theme, data, fmt, key, own))
    return tuple(out)


@dataclasses.dataclass(frozen=True, slots=True)
class MapHtml:
    """One journey map as a page fragment; ``note`` says why its analysis figures are missing."""

    html: str
    key: str
    note: str | None = None


def render_map(
    compiled: pipeline.Compiled, options: Options, *, prefix: str, cache: Cache
) -> MapHtml:
    """The journey map of a journey without errors, as HTML to put into a page.

    Cached like diagrams, without Graphviz in the key. A map whose analysis
    failed is not cached, so its warning comes back on every build.

    Raises:
        RenderError: the journey has errors, or the persona is unknown.
    """
    journey = compiled.document.journey
    if journey is None or not compiled.document.ok:
        raise RenderError("the journey has errors and cannot be rendered")
    key = _key(compiled, options, theme=options.theme, prefix=prefix, fmt="html", graphviz="")
    cached = cache.load(key, "html")
    if cached is not None:
        return MapHtml(cached.decode("utf-8"), key)
    journey = _shown(compiled, options)
    try:
        persona = options.drawing.persona
        report, note = views.map_report(journey, persona=persona)
        html = journey_map.fragment(
            journey,
            report,
            findings=views.findings(journey, persona=persona),
            persona=persona,
            theme=options.theme,
            prefix=prefix,
            label=options.alt,
            note=note,
            lang=options.drawing.lang_for(journey.lang),
            before=_as_is(compiled) if options.scenario else None,
        )
    except ValueError as error:
        raise RenderError(str(error)) from error
    if note is None:
        cache.store(key, "html", html.encode("utf-8"))
    return MapHtml(html, key, note)


def _shown(compiled: pipeline.Compiled, options: Options) -> model.Journey:
    """The journey to draw: as written, or fitted to ``options.events``."""
    if options.events:
        compiled = events.fitted(compiled, options.events, options.events_time_format)
    journey = compiled.document.journey
    assert journey is not None
    return journey


def _as_is(compiled: pipeline.Compiled) -> dict[str, float]:
    """The emotion of the journey a scenario was applied to (its touchpoints are all in its
    own text: imports bring none), for the as-is curve of the scenario's map."""
    base = pipeline.compile_source(compiled.document.source, read=None).journey
    return scenarios.emotions(base)


def _analysis_overlay(journey: model.Journey, options: Options) -> rendering.Overlay | None:
    kind = (options.highlight or "").strip()
    if kind not in choices.HIGHLIGHTS:
        return None
    drawing = options.drawing
    return views.overlay_of(
        journey, highlight=kind, persona=drawing.persona, lang=drawing.lang_for(journey.lang)
    )


def _key(
    compiled: pipeline.Compiled,
    options: Options,
    *,
    theme: str,
    prefix: str,
    fmt: str,
    graphviz: str,
) -> str:
    base = pathlib.Path(compiled.document.source.path).parent
    payload = {
        "cjdsl": __version__,
        "graphviz": graphviz,
        "journey": compiled.document.source.text,
        "imports": [
            [pathlib.Path(os.path.relpath(path, base)).as_posix(), text]
            for path, text in compiled.imports
        ],
        "view": [
            options.view,
            options.drawing.persona,
            theme,
            options.drawing.direction,
            options.drawing.engine,
            options.drawing.lang,
            options.drawing.default_lang,
        ],
        "highlight": options.highlight,
        "scenario": options.scenario,
        "events": [events.stamp(options.events), options.events_time_format],
        "alt": options.alt if fmt == "html" else None,
        "prefix": prefix,
        "format": fmt,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()
