"""Resolution: imports read (each file once per run), duplicates and references checked,
and one file's declarations made into the ``model.Journey``; CJ1xx diagnostics.

Lowering says what each statement of one file declares (``Declarations``); this module
puts a file together with what it imports and reports what does not fit: a name declared
twice, a reference to nothing, an import that cannot be read or leads in a circle. Imports
are read through a callable the caller injects: this module does no I/O of its own.
"""

from __future__ import annotations

import errno
import itertools
import pathlib
from collections.abc import Callable, Iterable
from typing import Final, TypeVar

from . import codes, model
from .diagnostics import Diagnostic, Related, Reporter, Suggestions
from .language import lowering, parsing
from .language.declarations import Declarations
from .source import MAX_SOURCE_BYTES, SourceFile, Span

__all__ = ["MAX_IMPORT_DEPTH", "Reader", "compile_model", "import_text", "resolve"]

Reader = Callable[[pathlib.Path], bytes]
"""Reads an imported file's bytes (``files.read_bounded``: at most one byte past the size
cjdsl compiles); raises ``OSError`` when it cannot."""

MAX_IMPORT_DEPTH: Final = 16

Compiled = dict[pathlib.Path, "model.Journey | None"]
"""The imports compiled in one run, by resolved path: each file is compiled (and its
diagnostics reported) once, however many files import it."""

_Declared = TypeVar(
    "_Declared",
    model.Persona,
    model.Channel,
    model.Stage,
    model.Touchpoint,
    model.Scenario,
    model.Process,
)


def compile_model(
    source: SourceFile,
    *,
    read: Reader | None = None,
    root: pathlib.Path | None = None,
    _importing: tuple[pathlib.Path, ...] = (),
    _compiled: Compiled | None = None,
) -> tuple[model.Journey | None, tuple[Diagnostic, ...], tuple[Diagnostic, ...]]:
    """The model of a source, its syntax diagnostics (CJ0xx) and the others (CJ1xx).

    Parsed by Lark (``parsing.parse_fast``: lark-cython where installed, the recovering
    parse on a syntax error), lowered, then resolved with its imports.

    Args:
        source: The text and the path it is shown under (imports resolve beside it).
        read: Reads imported files; without it, any ``import`` is reported as not found.
        root: When given, imports that resolve outside this folder (symbolic links
            followed) are refused with CJ114 and not read: a documentation build
            renders pages from authors it may not fully trust, and an import must not
            pull arbitrary files of the build machine into a published page.
    """
    parsed = parsing.parse_fast(source)
    declared, lowered = lowering.lower(parsed)
    if declared is None:
        return None, parsed.diagnostics, lowered
    journey, resolved = resolve(
        declared,
        source,
        read=read,
        root=root,
        _importing=_importing,
        _compiled=_compiled,
    )
    return journey, parsed.diagnostics, lowered + resolved


def import_text(data: bytes, path: pathlib.Path) -> str:
    """The text of an import's bytes: UTF-8, a BOM dropped.

    Raises:
        OSError: more than ``MAX_SOURCE_BYTES`` (``EFBIG``, reported as CJ007).
        UnicodeDecodeError: not UTF-8.
    """
    if len(data) > MAX_SOURCE_BYTES:
        raise OSError(errno.EFBIG, "File too large", str(path))
    return data.decode("utf-8-sig")


def resolve(
    declared: Declarations,
    source: SourceFile,
    *,
    read: Reader | None = None,
    root: pathlib.Path | None = None,
    _importing: tuple[pathlib.Path, ...] = (),
    _compiled: Compiled | None = None,
) -> tuple[model.Journey, tuple[Diagnostic, ...]]:
    """The journey of one file's declarations, with its imports read and its references
    checked (``compile_model`` documents the arguments)."""
    resolver = _Resolver(
        source,
        read,
        _importing,
        root.resolve() if root else None,
        {} if _compiled is None else _compiled,
    )
    resolver.found = declared
    for relative, at in declared.imports:
        resolver.import_file(relative, at)
    return resolver.finish(), tuple(resolver.diagnostics)


class _Resolver(Reporter):
    def __init__(
        self,
        source: SourceFile,
        read: Reader | None,
        importing: tuple[pathlib.Path, ...],
        root: pathlib.Path | None,
        compiled: Compiled,
    ) -> None:
        self.source = source
        self.read = read
        self.importing = importing
        self.root = root
        self.compiled = compiled
        super().__init__()
        self.found = Declarations()
        self.imported_personas: list[model.Persona] = []
        self.imported_channels: list[model.Channel] = []

    def import_file(self, relative: str, at: Span) -> None:
        """Read an imported file's personas and channels (its touchpoints are reported)."""
        base = pathlib.Path(self.source.path).parent
        display = (base / relative).as_posix() if self.source.path != "-" else relative
        target = (base / relative).resolve()
        here = pathlib.Path(self.source.path).resolve()
        if target in self.importing or target == here:
            chain = " -> ".join(p.name for p in (*self.importing, here, target))
            self.report(
                codes.IMPORT_CYCLE,
                f"import cycle: {chain}",
                at,
                label="this import leads back to a file that is importing it",
                hint="move the shared channels and personas into a file both import",
            )
            return
        if self.root is not None and not target.is_relative_to(self.root):
            self.report(
                codes.IMPORT_OUTSIDE_ROOT,
                f"import `{relative}` leads out of the project folder",
                at,
                label=f"{display} is not under {self.root.name or self.root}",
                hint="move the file into the project, or allow imports from outside it: "
                "`allow_imports_outside: true` (MkDocs), `cjdsl_allow_imports_outside = True`"
                " (Sphinx)",
            )
            return
        if target in self.compiled:  # reached before in this run: reported there
            self.share(self.compiled[target])
            return
        if len(self.importing) >= MAX_IMPORT_DEPTH:
            self.report(
                codes.IMPORT_CYCLE,
                f"imports nest deeper than {MAX_IMPORT_DEPTH} files",
                at,
                hint="flatten the imports",
            )
            return
        try:
            if self.read is None:
                raise FileNotFoundError(relative)
            text = import_text(self.read(target), target)
        except OSError as error:
            if error.errno == errno.EFBIG:
                self.report(
                    codes.FILE_TOO_LARGE,
                    f"cannot import `{relative}`: larger than {MAX_SOURCE_BYTES // 2**20} MiB",
                    at,
                    label=f"{display} is too large",
                    hint="is this the right file? split a journey this large into several",
                )
                return
            self.cannot_import(relative, display, at, error.strerror or "not found")
            return
        except UnicodeDecodeError:
            self.cannot_import(relative, display, at, "not valid UTF-8")
            return
        stack = (*self.importing, pathlib.Path(self.source.path).resolve())
        journey, syntax, diagnostics = compile_model(
            SourceFile(display, text),
            read=self.read,
            root=self.root,
            _importing=stack,
            _compiled=self.compiled,
        )
        self.compiled[target] = journey
        self.diagnostics.extend(syntax)
        self.diagnostics.extend(d for d in diagnostics if d.code is not codes.UNKNOWN_REFERENCE)
        if journey is None:
            return
        for node in journey.touchpoints:
            self.report(
                codes.IMPORT_IGNORED,
                f"`{node.id}` in imported `{relative}` is ignored",
                node.span,
                label="imports share channels and personas only",
                hint="declare touchpoints in the journey that uses them",
            )
        self.share(journey)

    def share(self, imported: model.Journey | None) -> None:
        """Take the personas and channels of an imported journey."""
        if imported is not None:
            self.imported_personas.extend(imported.personas)
            self.imported_channels.extend(imported.channels)

    def cannot_import(self, relative: str, display: str, at: Span, reason: str) -> None:
        self.report(
            codes.IMPORT_NOT_FOUND,
            f"cannot import `{relative}`: {reason.lower()}",
            at,
            label=f"looked for {display}",
            hint="imports are relative to the importing file",
        )

    def finish(self) -> model.Journey:
        found = self.found
        personas = self.unique([*self.imported_personas, *found.personas], "persona")
        channels = self.unique([*self.imported_channels, *found.channels], "channel")
        stages = self.unique(found.stages, "stage")
        nodes = self.unique(found.nodes, "touchpoint")
        self.references(found, personas, channels, nodes)
        whole = Span(self.source, 0, len(self.source.text))
        if found.title is None and not self.importing:
            self.report(
                codes.MISSING_HEADER,
                "the file has no `journey` header",
                found.first or Span(self.source, 0, 0),
                label='expected `journey "Title"` first',
                hint='start the file with `journey "Your title"`',
            )
        return model.Journey(
            title=found.title or "",
            description=found.header.get("description"),
            owner=found.header.get("owner"),
            lang=found.header.get("lang"),
            personas=tuple(personas),
            channels=tuple(channels),
            stages=tuple(stages),
            touchpoints=tuple(nodes),
            transitions=tuple(found.transitions),
            import_refs=tuple(model.Ref(relative, at) for relative, at in found.imports),
            span=found.header_span or whole,
            processes=tuple(self.unique(found.processes, "process")),
            scenarios=tuple(self.unique(found.scenarios, "scenario")),
        )

    def unique(self, items: Iterable[_Declared], what: str) -> list[_Declared]:
        first: dict[str, _Declared] = {}
        for item in items:
            if item.id in first and item.name_span == first[item.id].name_span:
                continue  # one declaration reached twice (a diamond of imports)
            if item.id in first:
                self.report(
                    codes.DUPLICATE_ID,
                    f"{what} `{item.id}` is declared twice",
                    item.name_span,
                    label="second declaration",
                    hint="give each one its own id",
                    related=(Related(first[item.id].name_span, "first declared here"),),
                )
            else:
                first[item.id] = item
        return list(first.values())

    def references(
        self,
        found: Declarations,
        personas: list[model.Persona],
        channels: list[model.Channel],
        nodes: list[model.Touchpoint],
    ) -> None:
        known_nodes = {n.id for n in nodes}
        known_personas = {p.id for p in personas}
        known_channels = {c.id for c in channels}
        # One index of candidates per kind for the whole file: a half-done rename with a
        # thousand misspelt ids costs one lookup each (review F9).
        hints = {
            "touchpoint": Suggestions(n.id for n in nodes),
            "persona": Suggestions(p.id for p in personas),
            "channel": Suggestions(c.id for c in channels),
        }
        for node in nodes:
            channel = node.channel_ref
            if channel is not None and channel.id not in known_channels:
                self.unknown("channel", channel.id, channel.span, hints)
        for process in found.processes:
            for ref in process.support_refs:
                if ref.id not in known_nodes:
                    self.unknown("touchpoint", ref.id, ref.span, hints)
        for transition in found.transitions:
            if transition.source not in known_nodes:
                self.unknown("touchpoint", transition.source, transition.source_span, hints)
            if transition.target not in known_nodes:
                self.unknown("touchpoint", transition.target, transition.target_span, hints)
        owners: Iterable[model.Touchpoint | model.Transition] = itertools.chain(
            nodes, found.transitions
        )
        for owner in owners:
            for ref in owner.persona_refs:
                if ref.id not in known_personas:
                    self.unknown("persona", ref.id, ref.span, hints)

    def unknown(self, what: str, name: str, at: Span, hints: dict[str, Suggestions]) -> None:
        if self.importing:
            return  # an imported library may name things its importers declare
        self.report(
            codes.UNKNOWN_REFERENCE,
            f"unknown {what} `{name}`",
            at,
            label=f"no {what} named `{name}`",
            hint=hints[what].hint(name) or f"declare it: `{_declaration(what, name)}`",
        )


def _declaration(what: str, name: str) -> str:
    return {
        "channel": f'channel {name} "Label" online',
        "persona": f'persona {name} "Label"',
    }.get(what, f'touchpoint {name} "Label"')
