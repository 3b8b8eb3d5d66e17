"""Wiring: the pygls server, its features, and diagnostics published as the user types.

Diagnostics are computed off the event loop in one worker thread (compiles
run one at a time, newest text wins): after ``didOpen`` and ``didSave`` at
once, after ``didChange`` once typing pauses for ``DEBOUNCE`` seconds. A
result for a version that is no longer current is dropped, never published.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import pathlib
from typing import Any, Final
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from .. import __version__
from ..source import SourceFile, Span
from . import completion, convert, edits, hover, navigation, state, tokens

__all__ = ["DEBOUNCE", "JourneyServer", "create", "serve"]

DEBOUNCE: Final = 0.03
"""Seconds of quiet after a change before it is checked: one keystroke is ~0.1 s, so a
burst of them (a paste, key repeat) is still checked once."""

_LOG: Final = logging.getLogger(__name__)
_CHECKOUT_DOCS: Final = pathlib.Path(__file__).resolve().parents[2] / "docs" / "diagnostics.md"


class JourneyServer(LanguageServer):
    """A pygls server that remembers each open document's last compile."""

    def __init__(self) -> None:
        super().__init__(
            "cjdsl", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
        )
        self.state = state.State()
        self.docs_url: str | None = _CHECKOUT_DOCS.as_uri() if _CHECKOUT_DOCS.exists() else None
        self.debounce: float = DEBOUNCE
        self._worker = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="cjdsl-check")
        self._pending: dict[str, asyncio.Task[None]] = {}

    @property
    def encoding(self) -> str:
        """The negotiated position encoding (``utf-16`` unless the client prefers another)."""
        chosen = str(self.workspace.position_encoding or "utf-16")
        return chosen if chosen in convert.ENCODINGS else "utf-16"

    async def analysis(self, uri: str) -> state.Analysis:
        """The analysis of the document's current text, compiling it if needed.

        Only for open documents (``current`` checks): pygls would read any other
        one from disk, and fail on a missing file.
        """
        text_document = self.workspace.get_text_document(uri)
        version, text = text_document.version, text_document.source
        cached = self.state.get(uri, version, text)
        if cached is not None:
            return cached
        buffers = {
            str(pathlib.Path(path).resolve()): d.source
            for d in list(self.workspace.text_documents.values())
            if unquote(d.uri) != unquote(uri) and (path := convert.uri_to_path(d.uri))
        }
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(
            self._worker, lambda: state.analyse(uri, version, text, buffers=buffers)
        )
        current = self.open_document(uri)  # it may have been closed meanwhile
        if current is not None and current.version == version and current.source == text:
            self.state.store(found)
        return found

    async def current(self, uri: str) -> state.Analysis | None:
        """The analysis of an open document; ``None`` for one the editor has not opened."""
        if self.open_document(uri) is None:
            return None
        return await self.analysis(uri)

    def open_document(self, uri: str) -> TextDocument | None:
        """The open document of ``uri`` (pygls keys them by the unquoted URI), or ``None``."""
        found: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return found

    def schedule(self, uri: str, *, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing a check not yet started."""
        pending = self._pending.pop(uri, None)
        if pending is not None and not pending.done():
            pending.cancel()
        self._pending[uri] = asyncio.get_running_loop().create_task(self._publish(uri, delay))

    async def _publish(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.open_document(uri) is None:
            return
        try:
            found = await self.analysis(uri)
        except Exception as error:  # a bug must not take the editor's server down
            _LOG.exception("checking %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"cjdsl: checking failed: {error}")
            )
            return
        current = self.open_document(uri)
        if current is None or current.version != found.version or current.source != found.text:
            return
        source = found.document.source
        diagnostics = [
            convert.diagnostic(
                d, source, encoding=self.encoding, docs=self.docs_url, imports=found.imports
            )
            for d in found.document.diagnostics
        ]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri, diagnostics, version=found.version)
        )
        self.recheck_importers(uri)

    def recheck_importers(self, uri: str) -> None:
        """Check again the open documents that import ``uri``: its text has changed."""
        for importer in self.state.importers(uri):
            self.state.invalidate(importer)
            self.schedule(importer, delay=0)

    def close(self, uri: str) -> None:
        """Forget a closed document and clear its diagnostics."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.recheck_importers(uri)  # they read the file from disk again
        self.state.forget(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    def offset(self, analysis: state.Analysis, position: types.Position) -> int:
        """The character offset of a position in the analysed text."""
        return convert.to_offset(analysis.document.source, position, encoding=self.encoding)


def create() -> JourneyServer:
    """A server with every feature registered."""
    server = JourneyServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: JourneyServer, params: types.InitializeParams) -> None:
        options: Any = params.initialization_options
        if isinstance(options, dict):
            if isinstance(options.get("docsUrl"), str):
                ls.docs_url = options["docsUrl"]
            if isinstance(options.get("debounce"), int | float):
                ls.debounce = max(0.0, float(options["debounce"]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: JourneyServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: JourneyServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, delay=ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: JourneyServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.state.invalidate(params.text_document.uri)  # files it imports may have been saved
        ls.schedule(params.text_document.uri, delay=0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: JourneyServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: JourneyServer, params: types.HoverParams) -> types.Hover | None:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None:
            return None
        offset = ls.offset(analysis, params.position)
        at = analysis.index.at(offset)
        if at is None:
            return _word_hover(analysis, offset, ls.encoding)
        if analysis.journey is None:
            return None
        text = hover.describe(analysis.journey, at.kind, at.name)
        if text is None:
            text = f"{at.kind} `{at.name}` is not declared"
        return types.Hover(
            types.MarkupContent(types.MarkupKind.Markdown, text),
            convert.to_range(at.span, encoding=ls.encoding),
        )

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(
        ls: JourneyServer, params: types.DefinitionParams
    ) -> types.Location | None:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None:
            return None
        return navigation.definition(
            analysis.index,
            ls.offset(analysis, params.position),
            uri=params.text_document.uri,
            encoding=ls.encoding,
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def on_references(
        ls: JourneyServer, params: types.ReferenceParams
    ) -> list[types.Location]:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None:
            return []
        return navigation.references(
            analysis.index,
            ls.offset(analysis, params.position),
            uri=params.text_document.uri,
            include_declaration=params.context.include_declaration,
            encoding=ls.encoding,
        )

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def on_symbols(
        ls: JourneyServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol]:
        analysis = await ls.current(params.text_document.uri)
        if analysis is None:
            return []
        return navigation.symbols(analysis.index, encoding=ls.encoding)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[">", "@", ","]),
    )
    async def on_completion(
        ls: JourneyServer, params: types.CompletionParams
    ) -> types.CompletionList:
        uri = params.text_document.uri
        opened = ls.open_document(uri)
        if opened is None:
            return types.CompletionList(is_incomplete=False, items=[])
        text = opened.source
        source = SourceFile(uri, text)
        offset = convert.to_offset(source, params.position, encoding=ls.encoding)
        # The context comes from the text as it is now; the ids from the newest model,
        # even of a slightly older version: waiting for a compile of a large file would
        # make completion lag behind typing.
        journey = ls.state.last_journey(uri)
        if journey is None:
            journey = (await ls.analysis(uri)).journey
        items = completion.complete(text, offset, journey, source=source, encoding=ls.encoding)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def on_formatting(
        ls: JourneyServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit]:
        uri = params.text_document.uri
        opened = ls.open_document(uri)
        if opened is None:
            return []
        text = opened.source
        path = convert.uri_to_path(uri) or uri
        return edits.format_document(text, path=path, encoding=ls.encoding)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def on_code_action(ls: JourneyServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        return edits.quick_fixes(params.text_document.uri, params.context.diagnostics, params.range)

    return server


def serve() -> None:
    """Run the server over stdin/stdout until the client says ``exit``."""
    create().start_io()


def _word_hover(analysis: state.Analysis, offset: int, encoding: str) -> types.Hover | None:
    """A keyword or attribute name under the cursor, explained from the vocabulary."""
    source = analysis.document.source
    start = source.text.rfind("\n", 0, offset) + 1
    end = source.text.find("\n", start)
    for token in tokens.scan(source.text, start, len(source.text) if end < 0 else end):
        if token.kind == "name" and token.start <= offset <= token.end:
            text = hover.word(token.text)
            if text is None:
                return None
            span = Span(source, token.start, token.end)
            return types.Hover(
                types.MarkupContent(types.MarkupKind.Markdown, text),
                convert.to_range(span, encoding=encoding),
            )
    return None
