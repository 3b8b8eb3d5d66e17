"""`cjdsl lsp` end to end: a real client talks the real protocol to `python -m cjdsl lsp`.

Every feature is exercised on a journey with umlaut ids and an emoji before
an id, so UTF-16 columns (the protocol's default) differ from code points.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient

import cjdsl.language.formatting

from .conftest import CASES

SERVER = [sys.executable, "-m", "cjdsl", "lsp"]
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS

pytestmark = pytest.mark.asyncio(loop_scope="module")


def recording_client() -> LanguageClient:
    """The test client, also keeping every publishDiagnostics with its version."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []  # type: ignore[attr-defined]

    def published(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    features = {**pytest_lsp.client.DEFAULT_CLIENT_FEATURES, PUBLISH: published}
    pytest_lsp.client.register_lsp_features(client, features)
    return client


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    where = tmp_path_factory.mktemp("lsp")
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, where / name)
    return where


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    scope="module",
    config=ClientServerConfig(server_command=SERVER, client_factory=recording_client),
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            initialization_options={"docsUrl": "https://docs.example/diagnostics.html"},
        )
    )
    yield
    await lsp_client.shutdown_session()


# -- helpers ---------------------------------------------------------------------------------


def uri(path: pathlib.Path) -> str:
    return path.absolute().as_uri()


def position(text: str, needle: str, nth: int = 0, *, plus: int = 0) -> types.Position:
    """The UTF-16 position of the ``nth`` occurrence of ``needle`` (counted independently of
    the server's own conversion code)."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += plus
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line, len(text[start:at].encode("utf-16-le")) // 2)


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply text edits with UTF-16 positions, last first."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        before = sum(len(x) + 1 for x in lines[: p.line])
        units = lines[p.line].encode("utf-16-le")[: p.character * 2].decode("utf-16-le")
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def wait_for(
    client: LanguageClient, test: Callable[[types.PublishDiagnosticsParams], bool]
) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics (already received or coming) that passes ``test``."""
    for _ in range(300):
        received: list[types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
        for params in received:
            if test(params):
                return params
        await asyncio.sleep(0.05)
    raise AssertionError("no matching diagnostics within 15 s")


async def published(client: LanguageClient, doc: str, version: int) -> list[types.Diagnostic]:
    found = await wait_for(client, lambda p: p.uri == doc and p.version == version)
    return list(found.diagnostics)


def open_doc(client: LanguageClient, path: pathlib.Path, text: str | None = None) -> str:
    doc = uri(path)
    client.published[:] = [p for p in client.published if p.uri != doc]  # type: ignore[attr-defined]
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(doc, "journey", 1, path.read_text() if text is None else text)
        )
    )
    return doc


def change(client: LanguageClient, doc: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=version, uri=doc),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def close(client: LanguageClient, doc: str) -> None:
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(doc))
    )


# -- diagnostics -----------------------------------------------------------------------------


async def test_diagnostics_match_check_with_codes_links_and_utf16_ranges(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    path = folder / "tippfehler.journey"
    text = (folder / "kündigung.journey").read_text()
    text = text.replace("kündigung -> weg", "kündgung -> weg")
    path.write_text(text)  # `cjdsl check` reads the same text from disk
    doc = open_doc(client, path)
    found = await published(client, doc, 1)
    done = subprocess.run(
        [*SERVER[:-1], "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    expected = json.loads(done.stdout)["diagnostics"]
    assert [(d.code, d.range.start.line + 1) for d in found] == [
        (e["code"], e["start"]["line"]) for e in expected
    ]
    assert [d.message.split("\nhelp: ")[0] for d in found] == [e["message"] for e in expected]
    (unknown,) = [d for d in found if d.code == "CJ101"]
    assert unknown.severity == types.DiagnosticSeverity.Error
    assert unknown.range == types.Range(
        position(text, "kündgung -> weg"), position(text, "kündgung -> weg", plus=8)
    )
    assert "help: did you mean `kündigung`?" in unknown.message
    assert unknown.code_description is not None
    assert unknown.code_description.href == (
        "https://docs.example/diagnostics.html#cj101-unknown-reference"
    )
    assert unknown.source == "cjdsl"
    warning = next(d for d in found if d.code == "CJ404")
    assert warning.severity == types.DiagnosticSeverity.Warning

    # the quick fix replaces the misspelt id, and applying it clears the error
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(doc),
            unknown.range,
            types.CodeActionContext(diagnostics=[unknown]),
        )
    )
    assert actions is not None
    (action,) = actions
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
    assert action.title == "Change to `kündigung`"
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply(text, list(action.edit.changes[doc]))
    assert fixed == text.replace("kündgung -> weg", "kündigung -> weg")
    change(client, doc, 2, fixed)
    assert [d.code for d in await published(client, doc, 2)] == ["CJ404"]

    close(client, doc)
    await wait_for(client, lambda p: p.uri == doc and p.version is None and not p.diagnostics)


async def test_a_persona_quick_fix_edits_the_name_after_for_not_the_label(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    """The model carries the span of each name in a `for` list: the caret and the fix land
    on `ben` after `for`, never inside the label "call ben" that holds the same word."""
    text = (CASES / "diagnostics" / "persona_reference.journey").read_text()
    doc = open_doc(client, folder / "persona.journey", text)
    found = await published(client, doc, 1)
    (unknown,) = [d for d in found if d.code == "CJ101"]
    assert unknown.range == types.Range(types.Position(2, 37), types.Position(2, 40))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            types.TextDocumentIdentifier(doc),
            unknown.range,
            types.CodeActionContext(diagnostics=[unknown]),
        )
    )
    assert actions is not None
    (action,) = actions
    assert isinstance(action, types.CodeAction)
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply(text, list(action.edit.changes[doc]))
    assert 'entry touchpoint call "call ben" for bena' in fixed
    close(client, doc)


async def test_syntax_errors_are_published_and_the_server_carries_on(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    path = folder / "kündigung.journey"
    good = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(client, path, good)
    assert [d.code for d in await published(client, doc, 1)] == ["CJ404"]

    broken = good.replace("prüfen -> gehalten 30%", "prüfen -> ")
    broken = broken.replace('action "Liest', 'action "Liest die {')
    change(client, doc, 2, broken)
    found = await published(client, doc, 2)
    assert {"CJ005"} <= {str(d.code) for d in found}
    target = next(d for d in found if d.code == "CJ005")
    assert target.range.start == position(broken, "prüfen -> \n", plus=7)

    # a half-typed file still has hover, symbols and completion from what parsed
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(doc), position(broken, "kündigung -> weg"))
    )
    assert hover is not None and "Überlegen" in hover.contents.value  # type: ignore[union-attr]
    # formatting refuses a file with syntax errors
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            types.TextDocumentIdentifier(doc), types.FormattingOptions(2, True)
        )
    )
    unclosed = good.replace("\n}\n\nstage danach", "\n\nstage danach", 1)
    change(client, doc, 3, unclosed)
    assert any(d.code == "CJ003" for d in await published(client, doc, 3))
    change(client, doc, 4, '\x00 nonsense {{{ "')
    assert await published(client, doc, 4)
    change(client, doc, 5, good)
    assert [d.code for d in await published(client, doc, 5)] == ["CJ404"]
    close(client, doc)


async def test_an_unsaved_import_is_read_from_the_editor(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    main = open_doc(client, folder / "kündigung.journey")
    assert [d.code for d in await published(client, main, 1)] == ["CJ404"]
    common = open_doc(client, folder / "common.journey")
    await published(client, common, 1)
    count = len(client.published)  # type: ignore[attr-defined]
    change(client, common, 2, 'persona jörg "Jörg"\n')  # the hotline channel is gone
    found = await wait_for(
        client,
        lambda p: p.uri == main and client.published.index(p) >= count,  # type: ignore[attr-defined]
    )
    unknown = next(d for d in found.diagnostics if d.code == "CJ101")
    assert "unknown channel `hotline`" in unknown.message
    close(client, common)
    close(client, main)


async def test_requests_for_a_document_that_is_not_open_get_empty_answers(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    # pygls would read such a document from disk and answer an internal error when it is
    # missing; the server answers "nothing here" and carries on
    where = types.TextDocumentIdentifier(uri(folder / "nirgends.journey"))
    at = types.Position(0, 0)
    assert await client.text_document_hover_async(types.HoverParams(where, at)) is None
    assert await client.text_document_definition_async(types.DefinitionParams(where, at)) is None
    assert not await client.text_document_document_symbol_async(types.DocumentSymbolParams(where))
    found = await client.text_document_completion_async(types.CompletionParams(where, at))
    assert isinstance(found, types.CompletionList) and not found.items
    assert not await client.text_document_formatting_async(
        types.DocumentFormattingParams(where, types.FormattingOptions(2, True))
    )
    doc = open_doc(client, folder / "kündigung.journey")  # and it still works
    assert [d.code for d in await published(client, doc, 1)] == ["CJ404"]
    close(client, doc)


# -- navigation ------------------------------------------------------------------------------


async def test_hover_describes_touchpoints_channels_and_personas(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    text = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(client, folder / "kündigung.journey", text)

    async def hover(needle: str, nth: int = 0, plus: int = 0) -> str:
        found = await client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(doc), position(text, needle, nth, plus=plus)
            )
        )
        assert found is not None
        assert isinstance(found.contents, types.MarkupContent)
        assert found.contents.kind == types.MarkupKind.Markdown
        return found.contents.value

    on_target = await hover("kündigung -> weg", plus=3)  # a transition end
    assert "**Kündigung am Telefon**" in on_target
    assert "stage **Überlegen** (`überlegen`)" in on_target
    assert "channel **Hotline** (`hotline`, offline)" in on_target
    assert "→ `weg` (70%, after 2d)" in on_target
    on_declaration = await hover("prüfen")
    assert "emotion -1 unsicher" in on_declaration
    assert "Liest die Kündigungsfrist" in on_declaration
    assert "for `anna`, `jörg`" in on_declaration
    assert "Web" in await hover("@web", plus=1)
    persona = await hover('"😀 ruft an" for anna', plus=len('"😀 ruft an" for '))
    assert "**Anna, 36** · persona `anna`" in persona
    assert "**Jörg, 58**" in await hover("jörg")  # declared in the imported file
    assert "stage `danach`" in await hover("danach")
    keyword = await hover("touchpoint")
    assert keyword.startswith("keyword `touchpoint`") and "A moment of contact." in keyword
    attribute = await hover("emotion")
    assert attribute.startswith('attribute `emotion` · `emotion +1 "curious"`')
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(doc), position(text, "40%"))
    )
    assert nothing is None
    close(client, doc)


async def test_definition_and_references_across_files(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    text = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(client, folder / "kündigung.journey", text)
    where = types.TextDocumentIdentifier(doc)

    found = await client.text_document_definition_async(
        types.DefinitionParams(where, position(text, "kündigung -> gehalten", plus=9))
    )
    assert isinstance(found, types.Location)
    assert found.uri == doc
    declared = position(text, "kündigung ")
    assert found.range == types.Range(
        declared, types.Position(declared.line, declared.character + 9)
    )

    imported = await client.text_document_definition_async(
        types.DefinitionParams(where, position(text, "@hotline", plus=2))
    )
    assert isinstance(imported, types.Location)
    assert imported.uri == uri(folder / "common.journey")
    assert imported.range.start == types.Position(1, 8)

    persona = await client.text_document_definition_async(
        types.DefinitionParams(where, position(text, "for anna", plus=5))
    )
    assert isinstance(persona, types.Location)
    assert persona.range.start == position(text, "anna")

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(True),
            text_document=where,
            position=position(text, "kündigung ", plus=2),
        )
    )
    assert refs is not None
    starts = sorted((r.range.start.line, r.range.start.character) for r in refs)
    assert starts == sorted(
        (p.line, p.character)
        for p in (
            position(text, "kündigung ", 0),
            position(text, "-> kündigung", plus=3),
            position(text, "kündigung -> weg"),
            position(text, "kündigung -> gehalten"),
        )
    )
    without = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(False),
            text_document=where,
            position=position(text, "anna"),
        )
    )
    assert without is not None
    assert sorted((r.range.start.line, r.range.start.character) for r in without) == sorted(
        (p.line, p.character)
        for p in (position(text, "anna, jörg"), position(text, "for anna\n", plus=4))
    )
    stage = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(True),
            text_document=where,
            position=position(text, "danach"),
        )
    )
    assert stage is not None
    assert [r.range.start for r in stage] == [position(text, "danach")]
    close(client, doc)


async def test_document_symbols_outline_stages_and_their_nodes(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    text = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(client, folder / "kündigung.journey", text)
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(doc))
    )
    assert found is not None
    outline = [
        (s.name, s.kind, [(c.name, c.kind) for c in (s.children or [])])
        for s in found
        if isinstance(s, types.DocumentSymbol)
    ]
    assert outline == [
        ("anna", types.SymbolKind.Class, []),
        ("web", types.SymbolKind.Interface, []),
        (
            "überlegen",
            types.SymbolKind.Namespace,
            [("prüfen", types.SymbolKind.Event), ("kündigung", types.SymbolKind.Event)],
        ),
        (
            "danach",
            types.SymbolKind.Namespace,
            [("gehalten", types.SymbolKind.Constant), ("weg", types.SymbolKind.Null)],
        ),
    ]
    stage = found[2]
    assert isinstance(stage, types.DocumentSymbol)
    assert stage.detail == "Überlegen"
    assert stage.selection_range.start == position(text, "überlegen")
    assert stage.range.end.line == text[: text.index("\n}\n")].count("\n") + 1
    close(client, doc)


# -- completion ------------------------------------------------------------------------------


async def test_completion_offers_what_fits_the_cursor(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    base = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(client, folder / "kündigung.journey", base)
    await published(client, doc, 1)
    version = 1

    async def labels(addition: str, *, at_end_of: str | None = None) -> list[str]:
        nonlocal version
        version += 1
        if at_end_of is None:
            text = base + addition
            cursor = position(text, addition, plus=len(addition))
        else:
            text = base.replace(at_end_of, at_end_of + addition, 1)
            cursor = position(text, at_end_of + addition, plus=len(at_end_of + addition))
        change(client, doc, version, text)
        found = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(doc), cursor)
        )
        assert isinstance(found, types.CompletionList)
        for item in found.items:  # each edit replaces the word typed so far, in UTF-16
            assert item.text_edit is not None and isinstance(item.text_edit, types.TextEdit)
            assert item.text_edit.range.end == cursor
        return [item.label for item in found.items]

    assert await labels("weg -> ") == ["prüfen", "kündigung", "gehalten", "weg"]
    assert await labels("weg -> kü") == ["prüfen", "kündigung", "gehalten", "weg"]
    assert await labels('touchpoint neu "Neu" @') == ["hotline", "web"]
    assert await labels('prüfen -> weg "😀" for ') == ["jörg", "anna"]
    assert await labels("prüfen -> weg for anna, ") == ["jörg"]
    assert await labels("prüfen -> weg after ") == []
    statement = await labels("\nsta")
    assert statement[:9] == [
        "journey",
        "import",
        "persona",
        "channel",
        "stage",
        "entry",
        "touchpoint",
        "goal",
        "exit",
    ]
    assert "prüfen" in statement  # a transition may start here too
    assert await labels("\nentry ") == ["touchpoint"]
    attributes = await labels("\n    em", at_end_of='action "Liest die Kündigungsfrist"')
    assert {"emotion", "action", "kpi", "cost", "tags", "link"} <= set(attributes)
    assert "touchpoint" not in attributes
    in_stage = await labels("\n  ", at_end_of='exit weg "Gekündigt"')
    assert in_stage[:5] == ["entry", "touchpoint", "goal", "exit", "description"]
    assert await labels('\npersona x "X" {\n  ') == ["description", "goal", "share", "pain"]
    assert await labels('\ntouchpoint x "Kein @ hier') == []
    assert await labels("\n# weg -> ") == []
    close(client, doc)


# -- formatting ------------------------------------------------------------------------------


async def test_formatting_gives_cjdsl_fmt_layout(
    client: LanguageClient, folder: pathlib.Path
) -> None:
    path = folder / "kündigung.journey"
    messy = (CASES / "lsp" / "kündigung.journey").read_text()
    messy = messy.replace("  touchpoint kündigung", "touchpoint   kündigung").replace(
        "prüfen -> gehalten 30%", "prüfen->gehalten   30%"
    )
    doc = open_doc(client, path, messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            types.TextDocumentIdentifier(doc), types.FormattingOptions(2, True)
        )
    )
    assert edits
    expected = cjdsl.language.formatting.format_text(messy, path=str(path))
    assert expected is not None and expected != messy
    formatted = apply(messy, list(edits))
    assert formatted == expected
    change(client, doc, 2, formatted)
    again = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            types.TextDocumentIdentifier(doc), types.FormattingOptions(2, True)
        )
    )
    assert not again
    close(client, doc)


# -- another encoding --------------------------------------------------------------------------


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    scope="module",
    config=ClientServerConfig(server_command=SERVER, client_factory=recording_client),
)
async def utf8_client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    capabilities = pytest_lsp.client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
    )
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


async def test_a_client_preferring_utf8_gets_byte_columns(
    utf8_client: LanguageClient, folder: pathlib.Path
) -> None:
    text = (CASES / "lsp" / "kündigung.journey").read_text()
    doc = open_doc(utf8_client, folder / "kündigung.journey", text)
    await published(utf8_client, doc, 1)
    line = text.splitlines().index('prüfen -> kündigung 40% "😀 ruft an" for anna')
    column = len('prüfen -> kündigung 40% "😀 ruft an" for '.encode())
    found = await utf8_client.text_document_definition_async(
        types.DefinitionParams(types.TextDocumentIdentifier(doc), types.Position(line, column))
    )
    assert isinstance(found, types.Location)
    assert found.range.start == types.Position(3, len("persona "))
    refs = await utf8_client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(False),
            text_document=types.TextDocumentIdentifier(doc),
            position=types.Position(line, len("prüfen -> ".encode())),
        )
    )
    assert refs is not None
    assert types.Position(line, len("prüfen -> ".encode())) in [r.range.start for r in refs]
    end = len("prüfen -> kündigung".encode())
    assert any(r.range.end == types.Position(line, end) for r in refs)
