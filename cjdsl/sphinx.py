"""Sphinx extension ``cjdsl.sphinx``: the ``journey`` directive renders journeys at build time.

In ``conf.py``: ``extensions = ["cjdsl.sphinx"]``; in a page::

    .. journey:: ../journeys/shop.journey
       :persona: anna
       :caption: Anna's way to the first order
       :name: fig-shop

or with the journey written inline as the directive's content; ``:view: map``
shows the journey map (one column per touchpoint, the emotion curve, persona
and analysis highlights) in place of the diagram. Diagnostics
become Sphinx warnings at the ``.journey`` file and line (or the page and
line for inline content), so ``-W`` fails a build on a broken journey; a page
with findings is read again on every build so the warnings never go quiet.
"""

from __future__ import annotations

import dataclasses
import pathlib
import posixpath
from typing import Any, ClassVar, Final

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxTranslator

from . import __version__, files, pipeline
from .diagnostics import Severity
from .docsites import events as docsite_events
from .docsites import pages, support
from .docsites import progress as build_progress
from .errors import RenderError
from .rendering import options as choices

__all__ = ["JourneyDirective", "journey", "setup"]

logger = logging.getLogger(__name__)

_OUTDATED: Final = "cjdsl_outdated"
_TALLY: Final = "cjdsl_tally"
_LEVELS: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


class journey(nodes.General, nodes.Element):
    """A rendered journey: ``html`` (inline SVG) or ``images`` to write, or an ``error`` note."""


def _settings(env: BuildEnvironment) -> support.Options:
    config = env.config
    site = {
        "theme": config.cjdsl_theme,
        "format": config.cjdsl_format,
        "direction": config.cjdsl_direction,
        "engine": config.cjdsl_engine,
        "source": config.cjdsl_source,
        "zoom": str(config.cjdsl_zoom),
    }
    if config.cjdsl_lang:
        site["lang"] = config.cjdsl_lang
    if config.cjdsl_events:
        site["events"] = config.cjdsl_events
    if config.cjdsl_events_time_format:
        site["events-time-format"] = config.cjdsl_events_time_format
    folder = pathlib.Path(env.srcdir)
    options = support.Options().replace(support.project_options(site, folder))
    return support.site_language(options, config.language, folder)


def _cache(env: BuildEnvironment) -> support.Cache:
    folder = env.config.cjdsl_cache_dir
    if folder is None:
        return support.Cache(pathlib.Path(env.doctreedir) / "cjdsl")
    return support.Cache(pathlib.Path(env.srcdir) / folder if folder else None)


def _tally(env: BuildEnvironment) -> build_progress.Tally:
    """The diagrams of this build so far (kept on the environment, merged after parallel
    reading, started afresh by each build)."""
    found = getattr(env, _TALLY, None)
    if not isinstance(found, build_progress.Tally):
        found = build_progress.Tally(env.config.cjdsl_progress_every)
        setattr(env, _TALLY, found)
    return found


def _count(env: BuildEnvironment, cache: support.Cache, seconds: float) -> None:
    """Count one diagram; every ``cjdsl_progress_every`` renders a line on Sphinx's status."""
    line = _tally(env).add(cache.misses > 0, seconds)
    if line:
        logger.info(line)


def _outdated(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, _OUTDATED):
        setattr(env, _OUTDATED, set())
    found: set[str] = getattr(env, _OUTDATED)
    return found


class JourneyDirective(SphinxDirective):
    """``.. journey:: PATH`` or ``.. journey::`` with the journey as content."""

    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {
        "persona": directives.unchanged_required,
        "theme": directives.unchanged_required,
        "direction": directives.unchanged_required,
        "lang": directives.unchanged_required,
        "engine": directives.unchanged_required,
        "format": directives.unchanged_required,
        "view": directives.unchanged_required,
        "highlight": directives.unchanged_required,
        "caption": directives.unchanged_required,
        "name": directives.unchanged_required,
        "alt": directives.unchanged_required,
        "class": directives.unchanged_required,
        "source": directives.unchanged_required,
        "timeout": directives.unchanged_required,
        "zoom": directives.unchanged_required,
        "scenario": directives.unchanged_required,
        "events": directives.unchanged_required,
        "events-time-format": directives.unchanged_required,
    }

    def run(self) -> list[nodes.Node]:
        try:
            options = _settings(self.env).replace(
                {k: v for k, v in self.options.items() if k != "name"}
            )
        except support.OptionError as error:
            return self._fail(f"journey directive: {error}")
        if self.arguments and self.content:
            return self._fail("journey directive: give a path or content, not both")
        if self.arguments:
            relative, absolute = self.env.relfn2path(self.arguments[0])
            self.env.note_dependency(relative)
            try:
                compiled = support.compile_referenced(
                    pathlib.Path(absolute),
                    shown=self.arguments[0],
                    root=self._imports_root(),
                    scenario=options.scenario,
                )
            except OSError as error:
                return self._fail(f"journey directive: {error}")
            inline_at = None
        elif self.content:
            source, first = self.state_machine.get_source_and_line(self.content_offset + 1)
            page = source or self.env.doc2path(self.env.docname)
            compiled = support.compile_inline(
                "\n".join(self.content),
                path=page,
                root=self._imports_root(),
                scenario=options.scenario,
            )
            inline_at = (str(page), first or self.lineno + 1, _indent(page, first))
        else:
            return self._fail("journey directive: give a path to a .journey file or content")
        for dependency in compiled.dependencies:
            self.env.note_dependency(dependency)
        srcdir = pathlib.Path(self.env.srcdir)
        for log in docsite_events.files(docsite_events.resolve(options, srcdir)):
            self.env.note_dependency(log)  # a changed log re-reads the page
        found = support.reported(
            support.problems(compiled, inline_at=inline_at), self.config.cjdsl_diagnostics
        )
        for problem in found:
            getattr(logger, _LEVELS[problem.severity])(
                f"{problem.code} {problem.message}",
                location=problem.location,
                type="cjdsl",
                subtype=problem.code,
            )
        if found:
            _outdated(self.env).add(self.env.docname)
        node = journey()
        node["alt"] = options.alt or (
            compiled.document.journey.title if compiled.document.journey else "journey"
        )
        if options.source == "only":
            text = compiled.document.source.text
            return self._wrap(nodes.literal_block(text, text, language=_language()), options, None)
        if not compiled.document.ok:
            errors = [p for p in found if p.severity is Severity.ERROR] or list(
                support.problems(compiled, inline_at=inline_at)
            )
            node["error"] = pages.error_html(errors)
        else:
            self._render(node, compiled, options)
        return self._wrap(node, options, compiled)

    def _render(self, node: journey, compiled: pipeline.Compiled, options: support.Options) -> None:
        if options.view == "map":
            self._map(node, compiled, options)
            return
        highlight = support.manual_highlight(options.highlight)
        if highlight is not None:
            for message in highlight.check(compiled):
                self._warn(f"journey directive: {message}")
        prefix = support.prefix_for(self.env.docname, self.env.new_serialno("cjdsl"))
        unnamed = docsite_events.resolve(
            dataclasses.replace(options, name=None, caption=None), pathlib.Path(self.env.srcdir)
        )
        try:
            cache, timer = _cache(self.env), build_progress.Timer()
            images = support.render(compiled, unnamed, prefix=prefix, cache=cache)
            _count(self.env, cache, timer())
        except RenderError as error:
            self._warn(f"journey directive: cannot render: {error}")
            node["error"] = pages.error_html((), what=str(error))
            return
        system = self.config.cjdsl_scheme == "system"
        if options.format_ == "inline":
            node["html"] = pages.inline_html(images, unnamed, highlight=highlight, system=system)
        else:
            node["files"] = [
                (image.theme, image.filename, pages.image_bytes(image, highlight))
                for image in images
            ]
            node["options"] = unnamed
            node["system"] = system

    def _map(self, node: journey, compiled: pipeline.Compiled, options: support.Options) -> None:
        """The journey map, embedded as HTML (no Graphviz)."""
        prefix = support.prefix_for(self.env.docname, self.env.new_serialno("cjdsl"))
        unnamed = docsite_events.resolve(
            dataclasses.replace(options, name=None, caption=None), pathlib.Path(self.env.srcdir)
        )
        try:
            cache, timer = _cache(self.env), build_progress.Timer()
            found = support.render_map(compiled, unnamed, prefix=prefix, cache=cache)
            _count(self.env, cache, timer())
        except RenderError as error:
            self._warn(f"journey directive: cannot render: {error}")
            node["error"] = pages.error_html((), what=str(error))
            return
        if found.note:
            self._warn(f"journey directive: the map has no analysis figures: {found.note}")
        node["html"] = pages.map_html(found, unnamed, system=self.config.cjdsl_scheme == "system")

    def _wrap(
        self, node: nodes.Element, options: support.Options, compiled: pipeline.Compiled | None
    ) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        shown = node
        if options.caption:
            figure = nodes.figure("", node, classes=["cjdsl-figure"])
            parsed, messages = self.state.inline_text(options.caption, self.lineno)
            figure += nodes.caption(options.caption, "", *parsed)
            result += messages
            shown = figure
        if "name" in self.options:
            self.options["name"] = self.options["name"].strip()
            self.add_name(shown)
        if compiled is None:
            return [shown, *result]
        source = compiled.document.source.text
        code = nodes.literal_block(source, source, language=_language())
        return (
            [code, shown, *result]
            if options.source == "above"
            else [shown, code, *result]
            if options.source == "below"
            else [shown, *result]
        )

    def _warn(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="cjdsl", subtype="directive")
        _outdated(self.env).add(self.env.docname)

    def _imports_root(self) -> pathlib.Path | None:
        """The source folder, which imports may not leave unless the project allows it."""
        if self.config.cjdsl_allow_imports_outside:
            return None
        return pathlib.Path(self.env.srcdir).resolve()

    def _fail(self, message: str) -> list[nodes.Node]:
        self._warn(message)
        node = journey()
        node["alt"] = "journey"
        node["error"] = pages.error_html((), what=message.removeprefix("journey directive: "))
        return [node]


def _language() -> str:
    """``journey`` where cjdsl's Pygments lexer is installed, else no highlighting (no warning)."""
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:
        return "none"
    try:
        get_lexer_by_name("journey")
    except ClassNotFound:
        return "none"
    return "journey"


def _indent(page: object, line: int | None) -> int:
    """Columns of indentation of ``line`` in the page, so columns point into the page."""
    try:
        text = pathlib.Path(str(page)).read_text(encoding="utf-8").splitlines()[(line or 1) - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 0
    return len(text) - len(text.lstrip())


# -- writing ------------------------------------------------------------------------------


def visit_html(translator: SphinxTranslator, node: journey) -> None:
    """Inline SVG, image files, or the error note."""
    body: list[str] = translator.body  # type: ignore[attr-defined]
    body.append(translator.starttag(node, "div", "", CLASS="cjdsl-container"))  # type: ignore[attr-defined]
    if "error" in node:
        body.append(node["error"])
    elif "html" in node:
        body.append(node["html"])
    else:
        builder = translator.builder
        folder = pathlib.Path(builder.outdir) / builder.imagedir
        folder.mkdir(parents=True, exist_ok=True)
        urls = []
        for theme, filename, data in node["files"]:
            target = folder / filename
            if not target.exists() or target.read_bytes() != data:
                files.write_atomic(target, data)
            urls.append((theme, posixpath.join(builder.imgpath, filename)))
        body.append(
            pages.images_html(urls, node["options"], title=node["alt"], system=node["system"])
        )
    body.append("</div>\n")
    raise nodes.SkipNode


def visit_other(translator: SphinxTranslator, node: journey) -> None:
    """Builders without HTML leave the diagram out; a caption stays."""
    raise nodes.SkipNode


def _get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose journeys had findings are read again, so their warnings repeat."""
    return sorted((_outdated(env) & set(env.found_docs)) - removed - added - changed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _outdated(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _outdated(env).update(_outdated(other) & docnames)
    _tally(env).merge(_tally(other))
    setattr(other, _TALLY, None)


def _start(app: Sphinx) -> None:
    setattr(app.env, _TALLY, None)  # a pickled environment keeps the last build's counts


def _summary(app: Sphinx, exception: Exception | None) -> None:
    summary = _tally(app.env).summary() if exception is None else None
    if summary:
        logger.info(summary)


def _check_config(app: Sphinx) -> None:
    try:
        _settings(app.env)
    except support.OptionError as error:
        raise ConfigError(f"cjdsl: {error}") from error
    for name, value, allowed in (
        ("cjdsl_diagnostics", app.config.cjdsl_diagnostics, support.DIAGNOSTICS),
        ("cjdsl_scheme", app.config.cjdsl_scheme, support.SCHEMES),
    ):
        if value not in allowed:
            raise ConfigError(f"cjdsl: {name} = {value!r}; choose from {', '.join(allowed)}")


def _write_css(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        static = pathlib.Path(app.outdir) / "_static"
        static.mkdir(parents=True, exist_ok=True)
        files.write_atomic(static / "cjdsl.css", pages.CSS.encode("utf-8"))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, its node, settings and events."""
    app.add_config_value("cjdsl_theme", choices.AUTO, "env", str)
    app.add_config_value("cjdsl_format", "inline", "env", str)
    app.add_config_value("cjdsl_direction", choices.DEFAULTS.direction, "env", str)
    app.add_config_value("cjdsl_engine", choices.DEFAULTS.engine, "env", str)
    app.add_config_value("cjdsl_lang", None, "env", (str, type(None)))
    app.add_config_value("cjdsl_source", "none", "env", str)
    app.add_config_value("cjdsl_zoom", "0.75", "env", (str, int, float))
    app.add_config_value("cjdsl_diagnostics", "warning", "env", str)
    app.add_config_value("cjdsl_scheme", support.SCHEMES[0], "env", str)
    app.add_config_value("cjdsl_cache_dir", None, "", (str, type(None)))
    app.add_config_value("cjdsl_allow_imports_outside", False, "env", bool)
    app.add_config_value("cjdsl_events", None, "env", (str, type(None)))
    app.add_config_value("cjdsl_events_time_format", None, "env", (str, type(None)))
    app.add_config_value("cjdsl_progress_every", build_progress.EVERY, "", int)
    app.add_node(
        journey,
        html=(visit_html, None),
        latex=(visit_other, None),
        text=(visit_other, None),
        man=(visit_other, None),
        texinfo=(visit_other, None),
    )
    app.add_directive("journey", JourneyDirective)
    app.add_css_file("cjdsl.css")
    app.connect("builder-inited", _check_config)
    app.connect("env-get-outdated", _get_outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", _write_css)
    app.connect("builder-inited", _start)
    app.connect("build-finished", _summary)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
