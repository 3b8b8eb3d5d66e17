"""How live are the language server's diagnostics on a large journey?

Starts ``python -m cjdsl lsp`` as an editor would, opens a generated journey
of about 2,000 lines, then makes N edits (a probability changed, a typo made
and fixed, alternately) and times each one from sending ``didChange`` to
receiving the ``publishDiagnostics`` of that version. Prints the median, the
90th percentile and the worst, and the time of one compile in-process for
comparison (the rest is the debounce and the protocol).

    python bench/bench_lsp.py            # 2,000 lines, 30 edits
    python bench/bench_lsp.py --lines 5000 --edits 50
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

from cjdsl import document
from cjdsl.source import SourceFile


async def measure(path: pathlib.Path, text: str, edits: int) -> list[float]:
    client = LanguageClient("bench", "1")
    arrived: dict[int, float] = {}
    ready = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            arrived[params.version] = time.perf_counter()
            ready.set()

    await client.start_io(sys.executable, "-m", "cjdsl", "lsp")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "journey", 1, text))
    )
    await asyncio.wait_for(ready.wait(), 60)
    line = text.splitlines().index("tp1 -> tp2 60% after 1d")
    times = []
    for version in range(2, edits + 2):
        new = "tp1 -> tp2 61% after 1d" if version % 2 else "tp1 -> tpp2 60% after 1d"
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, 0), types.Position(line, 100)), text=new
        )
        ready.clear()
        sent = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri), [change]
            )
        )
        while version not in arrived:
            await asyncio.wait_for(ready.wait(), 60)
            ready.clear()
        times.append(arrived[version] - sent)
        await asyncio.sleep(0.3)  # a typing pause: each edit is measured on its own
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    text = generate(args.lines)
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "large.journey"
        path.write_text(text, encoding="utf-8")
        compiles = []
        for _ in range(5):
            start = time.perf_counter()
            document.compile_source(SourceFile(str(path), text))
            compiles.append(time.perf_counter() - start)
        times = asyncio.run(measure(path, text, args.edits))
    ms = sorted(t * 1000 for t in times)
    print(f"journey: {text.count(chr(10))} lines, {len(text):,} characters")
    print(f"one compile in-process: median {statistics.median(compiles) * 1000:.0f} ms")
    print(
        f"didChange -> publishDiagnostics over {len(ms)} edits: "
        f"median {statistics.median(ms):.0f} ms, "
        f"p90 {ms[int(len(ms) * 0.9) - 1]:.0f} ms, worst {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
