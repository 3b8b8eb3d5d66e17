"""`cjdsl preview` as a real server: HTTP, the live update stream, and a headless Chromium.

Every wait is bounded (the event stream sends a keep-alive every 15 s, so
reading it needs a deadline of its own) and every process is killed in a
``finally``. The Chromium tests skip without Chromium, and fail under CI=true.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from cjdsl.preview import page as preview_html
from cjdsl.preview import server as preview

from . import browser
from .conftest import CASES, EXAMPLES, need, need_dot

GOOD = (CASES / "lsp" / "kündigung.journey").read_text(encoding="utf-8")
# Set CJDSL_SCREENSHOTS to a folder to keep the screenshots and look at them.
SHOTS = pathlib.Path(os.environ["CJDSL_SCREENSHOTS"]) if "CJDSL_SCREENSHOTS" in os.environ else None


class Server:
    """A `cjdsl preview` process and the URL it announced."""

    def __init__(self, folder: pathlib.Path, *args: str, ignore_sigint: bool = False) -> None:
        command = [sys.executable, "-m", "cjdsl", "preview", "kündigung.journey", "--port", "0"]
        if ignore_sigint:  # as a background job of a non-interactive shell starts
            shell = shutil.which("sh") or "/bin/sh"
            command = [shell, "-c", 'trap "" INT; exec "$@"', "sh", *command]
        self.process = subprocess.Popen(
            [*command, *args],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        try:
            first = self.lines.get(timeout=60)
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", first)
            assert match, first
        except BaseException:
            self.kill()
            raise
        self.url = match.group(1)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def run(self, number: int, timeout: float = 30) -> str:
        """Wait for the terminal line of run ``number``."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if f" run {number}:" in line:
                return line
        raise AssertionError(f"no run {number} within {timeout:g} s")

    def get(
        self, path: str, *, method: str = "GET", **headers: str
    ) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(
            self.url + path.lstrip("/"), headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8")

    def stop(self) -> int:
        """Ctrl-C: the exit status (the process is killed if it does not stop in 20 s)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture
def folder(tmp_path: pathlib.Path) -> pathlib.Path:
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def server(folder: pathlib.Path) -> Iterator[Server]:
    need_dot()
    running = Server(folder, "--interval", "0.1", "--engine", "dot")
    try:
        running.run(1)
        yield running
    finally:
        running.kill()


def save(path: pathlib.Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    stamp = time.time_ns() + 1_000_000_000
    os.utime(temporary, ns=(stamp, stamp))
    os.replace(temporary, path)


def next_event(server: Server, after: int, timeout: float = 30) -> int:
    """Read the event stream until it announces a version above ``after``."""
    deadline = time.monotonic() + timeout
    with urllib.request.urlopen(server.url + "events", timeout=timeout) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("data: ") and int(line[6:]) > after:
                return int(line[6:])
            if time.monotonic() > deadline:  # keep-alives would go on for ever
                break
    raise AssertionError(f"no version above {after} within {timeout:g} s")


def test_the_page_shows_the_diagram_and_follows_every_save(
    folder: pathlib.Path, server: Server
) -> None:
    status, headers, page = server.get("/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>Kündigung · cjdsl preview</title>" in page
    assert "<svg" in page and "Kündigung am Telefon" in page
    assert "CJ404" in page and "kündigung.journey:16:7" in page
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page

    status, headers, live = server.get("/content")
    assert status == 200 and headers["ETag"] == '"1"'
    assert live.startswith('<div id="live" data-version="1"')
    assert server.get("/content", **{"If-None-Match": '"1"'})[0] == 304
    assert next_event(server, 0) == 1

    save(folder / "kündigung.journey", GOOD.replace("am Telefon", "per Brief"))
    assert next_event(server, 1) == 2
    status, headers, live = server.get("/content", **{"If-None-Match": '"1"'})
    assert status == 200 and headers["ETag"] == '"2"'
    assert "Kündigung per Brief" in live and "am Telefon" not in live

    # broken: the diagnostics with place and hint, the last good diagram kept and marked
    save(folder / "kündigung.journey", GOOD.replace("kündigung -> weg", "kündgung -> weg"))
    assert next_event(server, 2) == 3
    live = server.get("/content")[2]
    assert 'class="status error">1 error, 1 warning<' in live
    assert "unknown touchpoint <code>kündgung</code>" in live
    assert "kündigung.journey:23:1" in live
    assert "<strong>help</strong> did you mean <code>kündigung</code>?" in live
    assert '<span class="ln">23</span><mark>kündgung</mark> -&gt; weg' in live
    assert "the diagram shows the last version that rendered" in live
    assert "is-stale" in live and "Kündigung per Brief" in live

    # text from the file is escaped, never markup
    save(folder / "kündigung.journey", GOOD.replace('"Kündigung"', '"<script>alert(1)</script>"'))
    assert next_event(server, 3) == 4
    page = server.get("/")[2]
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    (folder / "kündigung.journey").unlink()
    assert next_event(server, 4) == 5
    assert "cannot read <code>kündigung.journey</code>" in server.get("/content")[2]
    save(folder / "kündigung.journey", GOOD)
    assert next_event(server, 5) == 6
    assert "is-stale" not in server.get("/content")[2]

    status, headers, body = server.get("/events", method="HEAD")  # headers only, no stream
    assert status == 200 and headers["Content-Type"].startswith("text/event-stream")
    assert body == ""
    assert server.get("/nothing")[0] == 404
    assert server.get("/", Host="evil.example:80")[0] == 403  # no DNS rebinding
    assert server.stop() == 0


def test_preview_listens_on_loopback_only_and_says_when_the_port_is_taken(
    folder: pathlib.Path, server: Server
) -> None:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    listening = pathlib.Path("/proc/net/tcp").read_text()
    assert f"0100007F:{port:04X}" in listening  # 127.0.0.1, not 0.0.0.0
    assert f"00000000:{port:04X}" not in listening
    taken = subprocess.run(
        [sys.executable, "-m", "cjdsl", "preview", "kündigung.journey", "--port", str(port)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert taken.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in taken.stderr and "--port" in taken.stderr


def test_ctrl_c_stops_a_preview_started_with_sigint_ignored(folder: pathlib.Path) -> None:
    need_dot()
    running = Server(folder, "--interval", "0.1", "--engine", "dot", ignore_sigint=True)
    try:
        running.run(1)
        started = time.monotonic()
        assert running.stop() == 0
        assert time.monotonic() - started < 10
    finally:
        running.kill()


def test_diagnostics_html_escapes_and_marks_the_span() -> None:
    from cjdsl import pipeline
    from cjdsl.source import SourceFile

    doc = pipeline.compile_source(SourceFile("<x>.journey", 'journey "T"\ntouchpoint a <b>\n'))
    out = preview_html.diagnostics(doc.diagnostics)
    assert "&lt;x&gt;.journey:2:14" in out
    assert "<mark>&lt;</mark>b&gt;" in out
    assert "<b>" not in out and "<x>" not in out


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_in_headless_chromium_updates_itself(
    folder: pathlib.Path, server: Server, tmp_path: pathlib.Path, scheme: str
) -> None:
    binary = browser.chromium()
    need(binary is not None, "Chromium (Debian: apt-get install chromium)")
    assert binary is not None
    page = browser.Browser(binary, width=1400, height=900, dark=scheme == "dark")
    try:
        page.goto(server.url)
        assert page.evaluate("document.querySelectorAll('#live svg').length") == 2
        visible = page.evaluate(
            "[...document.querySelectorAll('figure.diagram')]"
            ".filter(f => getComputedStyle(f).display !== 'none').map(f => f.className)"
        )
        assert visible == [f"diagram scheme-{scheme}"]
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(16, 19, 24)") == (scheme == "dark")
        # the diagram's figure takes the diagram's own background (no frame in another colour)
        figure = page.evaluate(
            f"getComputedStyle(document.querySelector('.scheme-{scheme}')).backgroundColor"
        )
        assert figure == ("rgb(13, 17, 23)" if scheme == "dark" else "rgb(255, 255, 255)")

        # layout: the diagram left, the problems beside it, all inside the window
        box = page.evaluate(BOXES)
        assert box["problems"]["left"] >= box["svg"]["right"]
        assert box["problems"]["right"] <= 1400 and box["svg"]["bottom"] <= 900
        fitted = box["svg"]["width"]
        # the drawing's own width, in points as Graphviz writes it, in CSS pixels
        drawn = page.evaluate(
            f"document.querySelector('.scheme-{scheme} svg').getAttribute('width')"
        )
        assert drawn.endswith("pt")
        natural_width = float(drawn[:-2]) * 4 / 3
        assert 600 < fitted < natural_width  # shrunk to fit beside the problems

        save(folder / "kündigung.journey", GOOD.replace("kündigung -> weg", "kündgung -> weg"))
        page.wait_for("document.getElementById('live').dataset.version === '2'")
        assert page.evaluate("document.querySelector('.status').textContent") == (
            "1 error, 1 warning"
        )
        assert page.evaluate("document.querySelectorAll('.diagnostic.error').length") == 1
        assert page.evaluate("document.querySelector('.diagnostic .where').textContent") == (
            "kündigung.journey:23:1"
        )
        assert page.evaluate("document.querySelectorAll('#live svg').length") == 2
        assert page.evaluate("!!document.querySelector('.banner.stale')")
        shot = (SHOTS or tmp_path) / f"preview-{scheme}.png"
        page.screenshot(shot)
        assert shot.stat().st_size > 20_000

        # "100%" shows the natural size; a save keeps the place the reader scrolled to
        page.evaluate("document.querySelector('[data-zoom=full]').click()")
        natural = page.evaluate(BOXES)["svg"]["width"]
        assert abs(natural - natural_width) < 2
        page.evaluate("document.querySelector('.canvas').scrollLeft = 150")
        save(folder / "kündigung.journey", GOOD.replace("am Telefon", "per Brief"))
        page.wait_for("document.getElementById('live').dataset.version === '3'")
        page.wait_for("document.querySelector('svg').textContent.includes('per Brief')")
        assert page.evaluate("document.querySelector('.status').textContent") == "1 warning"
        assert page.evaluate("document.querySelector('.canvas').scrollLeft") == 150
        assert not page.evaluate("!!document.querySelector('.banner')")
        page.evaluate("document.querySelector('[data-zoom=fit]').click()")
        assert page.evaluate(BOXES)["svg"]["width"] == pytest.approx(fitted, abs=2)
    finally:
        page.close()


BOXES = """(() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, bottom: r.bottom, width: r.width}; };
  const svg = [...document.querySelectorAll('figure.diagram')]
    .find(f => getComputedStyle(f).display !== 'none').querySelector('svg');
  return {svg: box(svg), problems: box(document.querySelector('.problems'))};
})()"""


def one_shot(command: list[str], timeout: float = 120) -> str:
    """Run a one-shot headless Chromium; its stdout. Its whole process group is killed
    after it, so no helper process outlives a test that times out."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # Chromium's helpers share its new process group
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    assert process.returncode == 0, out
    return out


def test_chromium_screenshot_and_dom_dump_from_the_command_line(
    server: Server, tmp_path: pathlib.Path
) -> None:
    binary = browser.chromium()
    need(binary is not None, "Chromium (Debian: apt-get install chromium)")
    assert binary is not None
    common = [binary, *browser.FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "page.png"
    one_shot([*common, f"--screenshot={shot}", "--window-size=1400,1000", server.url])
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = one_shot([*common, "--dump-dom", server.url])
    assert '<div id="live" data-version="1"' in dom and "<svg" in dom
    assert "Kündigung am Telefon" in dom


def test_preview_render_options_pass_the_size_limit_and_collapse_on() -> None:
    from cjdsl import rendering

    def view(options: rendering.Options) -> preview_html.View:
        return preview.build_view(
            EXAMPLES[0], version=1, previous=None, theme="auto", options=options
        )[0]

    refused = view(rendering.Options(max_nodes=1))
    assert refused.problem is not None and "--collapse" in refused.problem
    assert refused.diagrams == ()
    need_dot()
    drawn = view(rendering.Options(collapse_by="stage", max_nodes=1, engine="dot"))
    assert drawn.problem is None
    assert [scheme for scheme, _ in drawn.diagrams] == ["light", "dark"]
    assert all(svg.startswith("<svg") for _, svg in drawn.diagrams)
