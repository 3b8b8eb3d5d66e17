"""How live are the language server's diagnostics on a large journey?

Starts ``python -m cjdsl lsp`` as an editor would and talks the real protocol
to it over stdio. Opens a generated journey of about 2,000 lines, then makes
N edits (alternately a probability changed, which checks clean, and a typo in
a transition target, which gives an error) and times each one from sending
``didChange`` to receiving the ``publishDiagnostics`` of that version, with a
typing pause between edits so each is measured on its own. Then times
completion requested right after an edit (``->`` typed on a new line), while
the server is busy checking that edit. Prints median, 95th percentile and
worst of each, and one compile in-process for comparison (the difference is
the debounce and the protocol).

    python bench/bench_lsp.py                 # 2,000 lines, 40 edits
    python bench/bench_lsp.py --lines 5000 --edits 60
"""

from __future__ import annotations

import argparse
import asyncio
import pathlib
import statistics
import sys
import tempfile
import time

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from journeys import generate

from cjdsl import pipeline
from cjdsl.source import SourceFile

EDITED = "tp1 -> tp2 60% after 1d"
"""The generated line the edits rewrite."""


class Bench:
    """A language client that notes when each version's diagnostics arrive."""

    def __init__(self) -> None:
        self.client = LanguageClient("bench", "1")
        self.arrived: dict[int, float] = {}
        self.news = asyncio.Event()

        def published(params: types.PublishDiagnosticsParams) -> None:
            if params.version is not None:
                self.arrived[params.version] = time.perf_counter()
                self.news.set()

        # pygls marks the handler with attributes: a plain function, not a bound method
        self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(published)

    async def start(self, uri: str, text: str) -> None:
        await self.client.start_io(sys.executable, "-m", "cjdsl", "lsp")
        await self.client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )
        self.client.initialized(types.InitializedParams())
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "journey", 1, text))
        )
        await self.diagnostics_of(1)

    async def diagnostics_of(self, version: int) -> float:
        """When the diagnostics of ``version`` arrived (waiting up to 60 s)."""
        while version not in self.arrived:
            self.news.clear()
            await asyncio.wait_for(self.news.wait(), 60)
        return self.arrived[version]

    def change(self, uri: str, version: int, line: int, text: str) -> float:
        """Replace line ``line`` with ``text``; the time it was sent."""
        edit = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
            text=text + "\n",
        )
        sent = time.perf_counter()
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri), [edit]
            )
        )
        return sent

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()  # type: ignore[no-untyped-call]  # pygls 2.1: untyped


async def measure(path: pathlib.Path, text: str, edits: int) -> tuple[list[float], list[float]]:
    """Seconds from didChange to its diagnostics, and from a request to its completions."""
    bench = Bench()
    uri = path.as_uri()
    await bench.start(uri, text)
    line = text.splitlines().index(EDITED)
    diagnostics = []
    version = 1
    for n in range(edits):
        version += 1
        new = EDITED.replace("60%", "61%") if n % 2 else EDITED.replace("tp2", "tpp2")
        sent = bench.change(uri, version, line, new)
        diagnostics.append(await bench.diagnostics_of(version) - sent)
        await asyncio.sleep(0.3)
    completions = []
    for n in range(max(5, edits // 2)):
        version += 1
        bench.change(uri, version, line, f"tp{n} -> ")
        started = time.perf_counter()
        found = await bench.client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(uri), types.Position(line, len(f"tp{n} -> "))
            )
        )
        completions.append(time.perf_counter() - started)
        assert isinstance(found, types.CompletionList) and len(found.items) > 100
        await bench.diagnostics_of(version)
        await asyncio.sleep(0.3)
    await bench.stop()
    return diagnostics, completions


def summary(what: str, seconds: list[float]) -> str:
    """``what: median … ms, p95 … ms, worst … ms (n …)``."""
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    return (
        f"{what}: median {statistics.median(ms):.0f} ms, p95 {p95:.0f} ms, "
        f"worst {ms[-1]:.0f} ms ({len(ms)} samples)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000, help="size of the journey")
    parser.add_argument("--edits", type=int, default=40, help="edits to time")
    args = parser.parse_args()
    text = generate(args.lines)
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "large.journey"
        path.write_text(text, encoding="utf-8")
        pipeline.compile_source(SourceFile(str(path), text))  # loads the grammar once
        compiles = []
        for _ in range(10):
            start = time.perf_counter()
            pipeline.compile_source(SourceFile(str(path), text))
            compiles.append(time.perf_counter() - start)
        diagnostics, completions = asyncio.run(measure(path, text, args.edits))
    print(f"journey: {text.count(chr(10))} lines, {len(text):,} characters")
    print(summary("one compile in-process", compiles))
    print(summary("didChange -> publishDiagnostics", diagnostics))
    print(summary("completion after `->`, right after an edit", completions))


if __name__ == "__main__":
    main()
