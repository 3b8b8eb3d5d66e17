"""The pipeline in one call: text to a checked ``Document``, and the files it read.

``compile`` is the one way to compile: it reads imports through the reader it is given
and records every file it asked for (``Compiled.reads``), which is what ``watch`` stamps,
the docs plugins cache and watch, and the language server follows. ``compile_source`` and
``compile_bytes`` are its short forms. None of them raises for bad input; the façade in
``cjdsl`` decides whether errors become a ``JourneyError``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gc
import pathlib
import re
from collections.abc import Iterator
from typing import Final

import networkx as nx

from . import checks, codes, files, graph, model, resolving, scenarios, suppression
from .diagnostics import Diagnostic, has_errors, sort
from .source import MAX_COMMAS, MAX_LINES, MAX_SOURCE_BYTES, SourceFile, Span

__all__ = [
    "Compiled",
    "Document",
    "Read",
    "compile",
    "compile_bytes",
    "compile_source",
    "decode",
    "too_large",
]


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """A checked journey: the model (``None`` if it could not be built) and all diagnostics."""

    source: SourceFile
    journey: model.Journey | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not has_errors(self.diagnostics)

    def graph(self, *, persona: str | None = None) -> nx.DiGraph:
        """The journey graph of ``persona`` (everyone's when ``None``)."""
        if self.journey is None:
            return nx.DiGraph()
        return graph.build(self.journey, persona=persona)

    # What Jupyter shows of a document: its diagram, or its errors (``cjdsl.notebook``).
    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        from .notebook import display

        return display.Diagram(self)._repr_mimebundle_(include, exclude)

    def _repr_html_(self) -> str:
        from .notebook import display

        return display.Diagram(self)._repr_html_()

    def _repr_svg_(self) -> str | None:
        from .notebook import display

        return display.Diagram(self)._repr_svg_()


def too_large(source: SourceFile, size: int) -> Diagnostic:
    """CJ007 for a file of ``size`` bytes, at its start (one byte over the limit is what
    ``read_bounded`` returns of any larger file: its size is then not known)."""
    known = f"is {_size(size)}, more than" if size > MAX_SOURCE_BYTES + 1 else "is larger than"
    return Diagnostic(
        codes.FILE_TOO_LARGE,
        f"the file {known} the {_size(MAX_SOURCE_BYTES)} cjdsl reads",
        Span(source, 0, 0),
        label="not read",
        hint="is this a journey? split a journey this large into several files",
    )


def _too_dense(source: SourceFile) -> Diagnostic | None:
    """CJ007 for a text with more lines or commas than cjdsl compiles within its memory
    bound (``MAX_LINES``, ``MAX_COMMAS``); counted in C, before anything is parsed."""
    for what, found, limit in (
        ("lines", source.text.count("\n"), MAX_LINES),
        ("commas", source.text.count(","), MAX_COMMAS),
    ):
        if found > limit:
            return Diagnostic(
                codes.FILE_TOO_LARGE,
                f"the file has {found:,} {what}, more than the {limit:,} cjdsl compiles",
                Span(source, 0, 0),
                label="not read",
                hint="is this a journey? split a journey this large into several files",
            )
    return None


def _size(count: int) -> str:
    """A byte count for people: ``64 MiB``, ``1.2 kB``."""
    return f"{count / 2**20:.0f} MiB" if count >= 2**20 else f"{count / 1000:.1f} kB"


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a journey is compiled.

    Parsing and lowering allocate millions of small objects that hold no
    reference cycles; each full collection walks the whole growing heap and
    finds nothing, which on a 10,000-touchpoint journey cost a third of the
    compile time. The collector runs again as soon as compiling is done.

    What compiling made is mostly the model, which outlives it. It goes to the
    oldest generation as it is (``freeze`` then ``unfreeze``): otherwise the
    first young collection afterwards walks all of it, 0.1-0.16 s for 10,000
    touchpoints, and finds nothing to free.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def decode(data: bytes, path: str) -> tuple[SourceFile, Diagnostic | None]:
    """Decode file bytes as UTF-8, reporting bad bytes and NULs as CJ006, and
    more than ``MAX_SOURCE_BYTES`` as CJ007 (without decoding): every reader of
    journey bytes (compile, fmt) goes through here."""
    if len(data) > MAX_SOURCE_BYTES:
        source = SourceFile(path, "")
        return source, too_large(source, len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8-sig", errors="replace")
        source = SourceFile(path, text)
        at = len(data[: error.start].decode("utf-8-sig", errors="replace"))
        return source, Diagnostic(
            codes.INVALID_ENCODING,
            f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})",
            Span(source, at, at + 1),
            label="cannot decode this byte",
            hint="save the file as UTF-8",
        )
    source = SourceFile(path, text)
    nul = text.find("\0")
    if nul >= 0:
        return source, Diagnostic(
            codes.INVALID_ENCODING,
            "the file contains a NUL character",
            Span(source, nul, nul + 1),
            label="NUL here",
            hint="remove it; is this a binary file?",
        )
    return source, None


@dataclasses.dataclass(frozen=True, slots=True)
class Read:
    """A file compiling asked for: its path (resolved) and its bytes, ``None`` when it could
    not be read (missing, a folder, a device: creating it later is a change to notice)."""

    path: pathlib.Path
    data: bytes | None


@dataclasses.dataclass(frozen=True, slots=True)
class Compiled:
    """A checked journey and every file compiling read for it, in the order it read them."""

    document: Document
    reads: tuple[Read, ...] = ()

    @property
    def imports(self) -> tuple[tuple[str, str], ...]:
        """Each import that was read, as (path, text), sorted: the docs cache's key."""
        found = {str(r.path): r.data.decode("utf-8-sig", "replace") for r in self.reads if r.data}
        return tuple(sorted(found.items()))

    @property
    def missing(self) -> tuple[str, ...]:
        """The imports that could not be read, sorted: a site watches for them to appear."""
        return tuple(sorted({str(r.path) for r in self.reads if r.data is None}))

    @property
    def dependencies(self) -> tuple[str, ...]:
        """Every imported path, read or missing, sorted."""
        return tuple(sorted({str(r.path) for r in self.reads}))


def compile(
    source: SourceFile,
    *,
    read: resolving.Reader | None = files.read_bounded,
    root: pathlib.Path | None = None,
    rules: suppression.Rules = suppression.DEFAULT,
    scenario: str | None = None,
) -> Compiled:
    """Parse, lower, resolve and check one source, reading imports with ``read`` (``None``:
    none can be read), and note every file it asked for.

    ``root``: imports that lead outside this folder are refused (CJ114); ``rules``: which
    codes are reported (the project's configuration; see ``suppression``); ``scenario``:
    the document is that scenario of the journey (``scenarios.apply``; CJ804 if none).
    """
    reads: dict[pathlib.Path, Read] = {}

    def recorded(path: pathlib.Path) -> bytes:
        if read is None:
            reads.setdefault(path, Read(path, None))
            raise FileNotFoundError(errno.ENOENT, "not found", str(path))
        try:
            data = read(path)
        except OSError:
            reads.setdefault(path, Read(path, None))
            raise
        reads.setdefault(path, Read(path, data))
        return data

    doc = compile_source(source, read=recorded, root=root, rules=rules, scenario=scenario)
    return Compiled(doc, tuple(reads.values()))


def compile_source(
    source: SourceFile,
    *,
    read: resolving.Reader | None = files.read_bounded,
    root: pathlib.Path | None = None,
    rules: suppression.Rules = suppression.DEFAULT,
    scenario: str | None = None,
) -> Document:
    """Parse, lower and check one source (``compile`` says what ``scenario`` does).

    With syntax errors, the model is still built from what parsed (for
    editors), but only syntax and literal diagnostics are reported: unknown
    references and graph findings would mostly echo the syntax error. With
    unknown references, the structure checks (CJ2xx) are held back likewise.

    ``root``: imports that lead outside this folder are refused (CJ114); the
    documentation plugins pass their project folder. A text longer than
    ``MAX_SOURCE_BYTES`` is not parsed (CJ007). The diagnostics are what the source's
    ``# cjdsl: ignore[…]`` comments and ``rules`` leave (``suppression.apply``).
    """
    if len(source.text) > MAX_SOURCE_BYTES // 4:  # only a long text is worth encoding to count
        size = len(source.text.encode("utf-8", "surrogatepass"))
        if size > MAX_SOURCE_BYTES:
            return Document(source, None, (too_large(source, size),))
    dense = _too_dense(source)
    if dense is not None:
        return Document(source, None, (dense,))
    surrogate = _SURROGATE.search(source.text)
    if surrogate is not None:
        return Document(source, None, (_lone_surrogate(source, surrogate.start()),))
    with _collector_paused():
        return _compile(source, read, root, rules, scenario)


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _lone_surrogate(source: SourceFile, at: int) -> Diagnostic:
    """CJ006 for a text (from the API, say JSON's ``"\\ud800"``) that no file can hold:
    every output would fail to encode it."""
    return Diagnostic(
        codes.INVALID_ENCODING,
        f"the text contains a lone surrogate (U+{ord(source.text[at]):04X}), which is no character",
        Span(source, at, at + 1),
        label="not a character",
        hint="decode the text with errors='replace', or fix the surrogate pair it came from",
    )


def _compile(
    source: SourceFile,
    read: resolving.Reader | None,
    root: pathlib.Path | None,
    rules: suppression.Rules,
    scenario: str | None,
) -> Document:
    journey, syntax, lowered = resolving.compile_model(source, read=read, root=root)
    found: list[Diagnostic] = [*syntax]
    if syntax:
        found += [d for d in lowered if d.code is not codes.UNKNOWN_REFERENCE]
    else:
        found += lowered
        if journey is not None and journey.scenarios:
            found += scenarios.check_all(journey)
        if journey is not None and scenario is not None:
            chosen = journey.scenario(scenario)
            if chosen is None:
                found.append(scenarios.unknown(journey, scenario))
            else:
                journey = scenarios.apply(journey, chosen)[0]
        if journey is not None:
            findings = checks.run(journey, graph.build(journey))
            if has_errors(lowered):  # a graph with holes: its structure findings mislead
                findings = [d for d in findings if not d.code.id.startswith("CJ2")]
            found += findings
    return Document(source, journey, suppression.apply(sort(found), source, rules))


def compile_bytes(
    data: bytes,
    path: str,
    *,
    read: resolving.Reader | None = files.read_bounded,
    root: pathlib.Path | None = None,
    rules: suppression.Rules = suppression.DEFAULT,
    scenario: str | None = None,
) -> Document:
    """Decode file bytes and compile them; bad encoding gives a document with one CJ006,
    more than ``MAX_SOURCE_BYTES`` one with CJ007 (see ``decode``)."""
    source, problem = decode(data, path)
    if problem is not None:
        return Document(source, None, (problem,))
    return compile_source(source, read=read, root=root, rules=rules, scenario=scenario)
