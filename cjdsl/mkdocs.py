"""MkDocs plugin ``cjdsl`` and a ``pymdownx.superfences`` formatter: journeys as diagrams.

With ``plugins: [cjdsl]`` in ``mkdocs.yml``, every ```` ```journey ```` fence and
every image reference to a ``.journey`` file (``![Alt](shop.journey)``) becomes a
diagram rendered at build time, or with ``view=map`` the journey map. Fence
options follow the info string (```` ```journey {persona=anna caption="Anna buys"
#fig-anna} ````); a reference takes them as an attribute list after it. Problems
are logged as located warnings, so ``mkdocs build --strict`` fails on a broken
journey.

Sites that route fences through ``pymdownx.superfences`` instead register
``fence_formatter`` with ``fence_validator`` as a custom fence; a broken journey
there raises ``FenceError``, a ``SuperFencesException`` that superfences lets
through and MkDocs reports as a build error.

Longer than the ~400-line guideline: MkDocs' two routes (the plugin's page scan and the
superfences formatter) must place blocks, options and warnings the same way, so they are
kept together.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import pathlib
import re
import secrets
import textwrap
import urllib.parse
from typing import Any, Final

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from pymdownx.superfences import SuperFencesException

from . import files, pipeline
from .cli import progress as terminal
from .diagnostics import Severity
from .docsites import events as docsite_events
from .docsites import pages, support
from .docsites import progress as build_progress
from .errors import RenderError
from .rendering import options as choices

__all__ = ["FenceError", "JourneyPlugin", "PluginConfig", "fence_formatter", "fence_validator"]

log = logging.getLogger("mkdocs.plugins.cjdsl")

CSS_URI: Final = "assets/cjdsl/cjdsl.css"
IMAGES_URI: Final = "assets/cjdsl"
_FENCE: Final = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>.*?)[ \t]*$")
_REFERENCE: Final = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\((?P<path>[^)\s]+\.journey)(?:\s+\"(?P<title>[^\"\n]*)\")?\)"
    r"(?P<attrs>\{[^}\n]*\})?"
)
_CODE_SPAN: Final = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LEVELS: Final = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.info}


class FenceError(SuperFencesException, PluginError):  # type: ignore[misc]
    """A journey fence could not be shown; superfences re-raises it and MkDocs reports it."""


class PluginConfig(base.Config):  # type: ignore[no-untyped-call]
    """``plugins: - cjdsl: {...}``: the site-wide defaults of every journey."""

    theme = c.Choice(support.THEMES, default=choices.AUTO)
    format = c.Choice(support.FORMATS, default="inline")
    direction = c.Choice(choices.DIRECTIONS, default=choices.DEFAULTS.direction)
    lang = c.Optional(c.Choice(choices.LANGS))
    engine = c.Choice(choices.ENGINES, default=choices.DEFAULTS.engine)
    source = c.Choice(support.SOURCES, default="none")
    diagnostics = c.Choice(support.DIAGNOSTICS, default="warning")
    scheme = c.Choice(support.SCHEMES, default=support.SCHEMES[0])
    zoom = c.Type((str, int, float), default="0.75")
    cache_dir = c.Type(str, default=".cache/cjdsl")
    cache = c.Type(bool, default=True)
    allow_imports_outside = c.Type(bool, default=False)
    progress_every = c.Type(int, default=build_progress.EVERY)
    events = c.Optional(c.Type(str))
    events_time_format = c.Optional(c.Type(str))


@dataclasses.dataclass(frozen=True, slots=True)
class _Site:
    """What a journey on any page needs from the site: defaults, cache and paths."""

    options: support.Options
    cache: support.Cache
    root: pathlib.Path
    docs_dir: pathlib.Path
    level: str
    system: bool
    imports_root: pathlib.Path | None
    """Imports must stay inside this folder (the project's) unless the site allows otherwise."""
    tally: build_progress.Tally = dataclasses.field(default_factory=build_progress.Tally)
    """The build's diagrams so far: a log line every ``progress_every`` renders, a summary."""

    def display(self, path: str) -> str:
        """Paths under the project are shown relative to it, as MkDocs shows pages."""
        try:
            return pathlib.Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path


@dataclasses.dataclass(slots=True)
class _Block:
    """One journey found in a page's Markdown."""

    first: int  # 0-based line of the fence or reference
    last: int  # 0-based last line the block covers
    indent: str
    info: str
    text: str | None  # fence content; None for a reference
    path: str | None = None
    alt: str = ""
    title: str | None = None
    span: tuple[int, int] = (0, 0)  # columns of a reference within its line
    source_only: bool = False  # ```journey-source: shown highlighted, neither checked nor rendered


def _scan(markdown: str) -> list[_Block]:
    """The journey fences and ``![](x.journey)`` references, outside other code blocks.

    >>> [(b.first, b.info, b.text) for b in _scan("```journey {theme=dark}\\nx\\n```")]
    [(0, '{theme=dark}', 'x')]
    """
    lines = markdown.split("\n")
    found: list[_Block] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            fence, indent = match["fence"], match["indent"]
            close = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
            end = index + 1
            while end < len(lines) and not close.match(lines[end]):
                end += 1
            language, _, rest = match["info"].partition(" ")
            body = "\n".join(line.removeprefix(indent) for line in lines[index + 1 : end])
            last = min(end, len(lines) - 1)
            if language == "journey" or language.startswith("journey{"):
                info = rest if language == "journey" else language[len("journey") :] + rest
                found.append(_Block(index, last, indent, info, body))
            elif language == "journey-source":
                found.append(_Block(index, last, indent, "", body, source_only=True))
            index = end + 1
            continue
        masked = _CODE_SPAN.sub(lambda m: " " * len(m.group()), lines[index])
        for ref in _REFERENCE.finditer(masked):
            found.append(
                _Block(
                    index,
                    index,
                    "",
                    (ref["attrs"] or "").strip(),
                    None,
                    path=ref["path"],
                    alt=ref["alt"],
                    title=ref["title"],
                    span=ref.span(),
                )
            )
        index += 1
    return found


class JourneyPlugin(BasePlugin[PluginConfig]):  # type: ignore[no-untyped-call]
    """Turns journey fences and ``.journey`` references into diagrams."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: _Site | None = None
        self.nonce = secrets.token_hex(8)
        self.fragments: dict[str, str] = {}
        self.images: dict[str, bytes] = {}
        self.watched: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = pathlib.Path(config.config_file_path or ".").resolve().parent
        try:
            site = {
                "theme": self.config.theme,
                "format": self.config.format,
                "direction": self.config.direction,
                "engine": self.config.engine,
                "source": self.config.source,
                "zoom": str(self.config.zoom),
            }
            if self.config.lang:
                site["lang"] = self.config.lang
            if self.config.events:
                site["events"] = self.config.events
            if self.config.events_time_format:
                site["events-time-format"] = self.config.events_time_format
            options = support.Options().replace(support.project_options(site, root))
            theme = config.theme
            locale = theme.get("language") or theme.get("locale") if theme is not None else None
            options = support.site_language(options, locale, root)
        except support.OptionError as error:
            raise PluginError(f"cjdsl: {error}") from error
        folder = (root / self.config.cache_dir) if self.config.cache else None
        self.site = _Site(
            options,
            support.Cache(folder),
            root,
            pathlib.Path(config.docs_dir).resolve(),
            self.config.diagnostics,
            self.config.scheme == "system",
            None if self.config.allow_imports_outside else root,
            build_progress.Tally(self.config.progress_every),
        )
        global _ACTIVE
        _ACTIVE = self.site
        if CSS_URI not in config.extra_css:
            config.extra_css.append(CSS_URI)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        files.append(File.generated(config, CSS_URI, content=pages.CSS))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        assert self.site is not None
        blocks = _scan(markdown)
        if not blocks:
            return markdown
        lines = markdown.split("\n")
        page_path = page.file.abs_src_path or str(self.site.docs_dir / page.file.src_path)
        token = self._token(page)
        for number, block in enumerate(blocks, start=1):
            self.fragments[f"{token}x{number}x"] = self._fragment(block, number, page, page_path)
        for number, block in reversed(list(enumerate(blocks, start=1))):
            key = f"{token}x{number}x"
            if block.text is None:
                line = lines[block.first]
                start, end = block.span
                lines[block.first] = line[:start] + key + line[end:]
            else:
                lines[block.first : block.last + 1] = ["", block.indent + key, ""]
        return "\n".join(lines)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        token = self._token(page)
        if token not in html:
            return html

        def fragment(match: re.Match[str]) -> str:
            return self.fragments.pop(match["key"], match.group())

        html = re.sub(rf"<p>\s*(?P<key>{token}x\d+x)\s*</p>", fragment, html)
        return re.sub(rf"(?P<key>{token}x\d+x)", fragment, html)

    def _token(self, page: Page) -> str:
        """The stand-in for a page's diagrams between its Markdown and its HTML.

        Every occurrence in the page's HTML is replaced, so no text may hold one by chance
        or by design: a journey label holding a predictable stand-in once pulled another
        journey's whole diagram into its SVG attribute. A nonce drawn for each build makes
        it unguessable; it never reaches the site, which stays the same from build to build.
        """
        seed = f"{self.nonce}:{page.file.src_uri}".encode()
        return "cjdsl" + hashlib.sha256(seed).hexdigest()[:24]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._leave()
        summary = self.site.tally.summary() if self.site is not None else None
        if summary:
            log.info(summary)
        folder = pathlib.Path(config.site_dir) / IMAGES_URI
        for name, data in sorted(self.images.items()):
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / name
            if not target.exists() or target.read_bytes() != data:
                files.write_atomic(target, data)

    def on_build_error(self, *, error: Exception) -> None:
        self._leave()

    def _leave(self) -> None:
        """The superfences formatter falls back to its defaults outside this site's build."""
        global _ACTIVE
        if _ACTIVE is self.site:
            _ACTIVE = None

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        for path in sorted(self.watched):
            if os.path.exists(path):
                server.watch(path)
        return server

    # -- one journey ----------------------------------------------------------------------

    def _fragment(self, block: _Block, number: int, page: Page, page_path: str) -> str:
        """The HTML for one block; every problem is logged where the author can find it."""
        site = self.site
        assert site is not None
        where = f"{site.display(page_path)}:{block.first + 1}"
        if block.source_only and block.text is not None:
            return pages.source_html(block.text)
        try:
            values = support.parse_info(block.info)
            if block.title and "caption" not in values:
                values["caption"] = block.title
            if block.alt and "alt" not in values:
                values["alt"] = block.alt
            defaults = site.options
            if block.text is None:  # the site's `source` is for journeys written in pages
                defaults = dataclasses.replace(defaults, source="none")
            options = defaults.replace(values)
        except support.OptionError as error:
            log.warning(f"cjdsl: {where}: {error}")
            return pages.error_html((), what=str(error))
        if block.text is not None:
            compiled = support.compile_inline(
                block.text, path=page_path, root=site.imports_root, scenario=options.scenario
            )
            inline_at: tuple[str, int, int] | None = (page_path, block.first + 2, len(block.indent))
        else:
            assert block.path is not None
            target = _resolve(block.path, page_path, site.docs_dir)
            self.watched.add(str(target))
            try:
                compiled = support.compile_referenced(
                    target,
                    shown=f"`{block.path}`",
                    root=site.imports_root,
                    scenario=options.scenario,
                )
            except OSError as error:
                log.warning(f"cjdsl: {where}: {error}")
                return pages.error_html((), what=str(error))
            inline_at = None
        self.watched.update(compiled.dependencies)
        self.watched.update(docsite_events.files(docsite_events.resolve(options, site.docs_dir)))
        found = support.problems(compiled, display=site.display, inline_at=inline_at)
        for problem in support.reported(found, site.level):
            context = "" if block.text is not None else f" (shown in {where})"
            _LEVELS[problem.severity](f"cjdsl: {problem}{context}")
        prefix = support.prefix_for(page.file.src_uri, number)
        return _show(compiled, options, found, site, prefix, where, self.images, page)


def _resolve(reference: str, page_path: str, docs_dir: pathlib.Path) -> pathlib.Path:
    """A reference as Markdown images take it: relative to the page, or ``/`` to the docs."""
    path = urllib.parse.unquote(reference)
    if path.startswith("/"):
        return (docs_dir / path.lstrip("/")).resolve()
    return (pathlib.Path(page_path).parent / path).resolve()


def _show(
    compiled: pipeline.Compiled,
    options: support.Options,
    found: tuple[support.Problem, ...],
    site: _Site,
    prefix: str,
    where: str,
    images: dict[str, bytes] | None,
    page: Page | None,
) -> str:
    """Render and assemble one journey's HTML, or the note saying why it is missing."""
    code = pages.source_html(compiled.document.source.text)
    if options.source == "only":
        return pages.figure_html(code, options)
    if not compiled.document.ok:
        return pages.error_html(p for p in found if p.severity is Severity.ERROR)
    # With a caption the figure carries the anchor; the frame inside it must not repeat it.
    inner = dataclasses.replace(options, caption=None, name=None) if options.caption else options
    inner = docsite_events.resolve(inner, site.docs_dir)
    misses, timer = site.cache.misses, build_progress.Timer()
    with terminal.status(f"cjdsl: rendering {where}"):  # a spinner only on a terminal's stderr
        if options.view == "map":
            body, shown = _map(compiled, inner, site, prefix, where)
        else:
            body, shown = _diagram(compiled, inner, site, prefix, where, images, page)
    if shown and (line := site.tally.add(site.cache.misses > misses, timer())):
        log.info(line)
    if not shown:
        return body
    body = pages.figure_html(body, options)
    if options.source == "none":
        return body
    return code + body if options.source == "above" else body + code


def _map(
    compiled: pipeline.Compiled, options: support.Options, site: _Site, prefix: str, where: str
) -> tuple[str, bool]:
    """The journey map's HTML and ``True``, or the note saying why it is missing and ``False``."""
    try:
        found = support.render_map(compiled, options, prefix=prefix, cache=site.cache)
    except RenderError as error:
        log.warning(f"cjdsl: {where}: cannot render the journey map: {error}")
        return pages.error_html((), what=str(error)), False
    if found.note:
        log.warning(f"cjdsl: {where}: the map has no analysis figures: {found.note}")
    return pages.map_html(found, options, system=site.system), True


def _diagram(
    compiled: pipeline.Compiled,
    inner: support.Options,
    site: _Site,
    prefix: str,
    where: str,
    images: dict[str, bytes] | None,
    page: Page | None,
) -> tuple[str, bool]:
    """The diagram's HTML (inline SVG or image tags, the files go to ``images``) and ``True``.

    Or the note saying why it is missing, and ``False``.
    """
    highlight = support.manual_highlight(inner.highlight)
    if highlight is not None:
        for message in highlight.check(compiled):
            log.warning(f"cjdsl: {where}: {message}")
    try:
        rendered = support.render(compiled, inner, prefix=prefix, cache=site.cache)
    except RenderError as error:
        log.warning(f"cjdsl: {where}: cannot render the journey: {error}")
        return pages.error_html((), what=str(error)), False
    journey = compiled.document.journey
    title = journey.title if journey is not None else "journey"
    if inner.format_ == "inline" or images is None or page is None:
        body = pages.inline_html(rendered, inner, highlight=highlight, system=site.system)
    else:
        urls = []
        for image in rendered:
            images[image.filename] = pages.image_bytes(image, highlight)
            url = get_relative_url(f"{IMAGES_URI}/{image.filename}", page.url)
            urls.append((image.theme, url))
        body = pages.images_html(urls, inner, title=title, system=site.system)
    return body, True


# -- the pymdownx.superfences route -------------------------------------------------------

_ACTIVE: _Site | None = None


def _fallback_site() -> _Site:
    root = pathlib.Path.cwd()
    return _Site(
        support.Options(),
        support.Cache(root / ".cache" / "cjdsl"),
        root,
        root,
        "warning",
        False,
        root,
    )


def fence_validator(
    language: str, inputs: dict[str, str], options: dict[str, Any], attrs: dict[str, str], md: Any
) -> bool:
    """Check a journey fence's options (``key="value"`` in its header) for ``fence_formatter``.

    Raises:
        FenceError: an unknown option or a bad value.
    """
    site = _ACTIVE or _fallback_site()
    try:
        options["cjdsl"] = site.options.replace(inputs)
    except support.OptionError as error:
        raise FenceError(f"cjdsl: journey fence: {error}") from error
    return True


def fence_formatter(
    source: str,
    language: str,
    class_name: str,
    options: dict[str, Any],
    md: Any,
    **kwargs: Any,
) -> str:
    """Render a journey fence for ``pymdownx.superfences``.

    Raises:
        FenceError: the journey has errors; the message lists them with their lines.
    """
    site = _ACTIVE or _fallback_site()
    chosen: support.Options = options.get("cjdsl") or site.options
    page_path = _page_path(md)
    first = _locate(source, list(getattr(md, "lines", None) or []))
    compiled = support.compile_inline(
        textwrap.dedent(source),
        path=page_path or str(site.root / "fence.journey"),
        root=site.imports_root,
        scenario=chosen.scenario,
    )
    shown = site.display(page_path) if page_path else "journey fence"
    inline_at = (page_path or shown, first + 1, 0) if first is not None else None
    found = support.problems(compiled, display=site.display, inline_at=inline_at)
    if not compiled.document.ok:
        listed = "\n".join(f"  {p}" for p in found if p.severity is Severity.ERROR)
        raise FenceError(f"cjdsl: the journey fence in {shown} has errors:\n{listed}")
    for problem in support.reported(found, site.level):
        _LEVELS[problem.severity](f"cjdsl: {problem}")
    number = getattr(md, "cjdsl_fences", 0) + 1
    md.cjdsl_fences = number
    prefix = support.prefix_for(page_path or "fence", number)
    where = f"{shown}:{first}" if first is not None else shown  # the fence's opening line
    return _show(compiled, chosen, found, site, prefix, where, None, None)


def _page_path(md: Any) -> str | None:
    """The source file of the page MkDocs is converting, when it can be told."""
    try:
        file = md.treeprocessors["relpath"].file
    except (AttributeError, KeyError, TypeError):
        return None
    path = getattr(file, "abs_src_path", None)
    return str(path) if path else None


def _locate(source: str, lines: list[str]) -> int | None:
    """The 0-based page line of a fence's first content line, found in the page's Markdown."""
    body = source.split("\n")
    for index in range(len(lines)):
        if _FENCE.match(lines[index]) and [
            line.strip() for line in lines[index + 1 : index + 1 + len(body)]
        ] == [line.strip() for line in body]:
            return index + 1
    return None
