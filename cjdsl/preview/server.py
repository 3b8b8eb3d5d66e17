"""The live preview server: a journey's diagram and diagnostics on a loopback web page.

``Preview`` holds the latest ``View`` and wakes the browsers waiting for a
new one; ``make_server`` builds the HTTP server (``127.0.0.1`` only, and only
for requests addressed to it by that name or ``localhost``) and
``watch_in_thread`` rebuilds the view on every save (``watching``).
Endpoints: ``/`` the page, ``/content`` its live part (ETag'd by version, 304
when unchanged) and ``/events`` a Server-Sent Events stream of versions.
Server-Sent Events rather than polling: a save shows at once, and an idle
page costs nothing but a keep-alive every 15 s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import pathlib
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Final

from .. import rendering, views
from ..errors import RenderError
from . import watching
from .page import View, content, page

__all__ = [
    "BACKLOG",
    "HOST",
    "IDLE",
    "MAX_BODY",
    "REQUEST_DEADLINE",
    "Preview",
    "build_view",
    "host_ok",
    "make_server",
    "watch_in_thread",
]

HOST: Final = "127.0.0.1"
KEEPALIVE: Final = 15.0
"""Seconds between SSE comments that keep idle connections open through proxies."""
IDLE: Final = 30.0
"""Seconds one read from or write to a client may wait before the connection is closed."""
REQUEST_DEADLINE: Final = 10.0
"""Seconds a client has to send a whole request line and its headers (an idle kept-alive
connection is closed after as long): a client trickling a byte at a time (slowloris)
would otherwise hold a thread for as long as it likes."""
BACKLOG: Final = 128
"""Connections the kernel holds for the server to accept (the standard library's 5 made a
burst of page loads wait for SYN retries)."""
MAX_BODY: Final = 64 * 1024
"""The largest request body read and thrown away: no endpoint takes one."""

_HEADERS: Final = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
    ),
}


def _inline(svg: bytes) -> str:
    """SVG text fit to sit inside HTML: no XML declaration or doctype before ``<svg``."""
    text = svg.decode("utf-8")
    return text[text.find("<svg") :] if "<svg" in text else text


def build_view(
    path: pathlib.Path,
    *,
    version: int,
    previous: View | None,
    theme: str,
    options: rendering.Options,
    scenario: str | None = None,
) -> tuple[View, watching.Snapshot]:
    """Check and render ``path`` once as SVG: the new view and the snapshot of the files read.

    ``theme`` (one of ``rendering.options.PAGE_THEMES``) is the page's: ``auto``
    renders a light and a dark diagram and lets the browser's colour scheme choose;
    ``options`` say how to draw them. A run that cannot render keeps the previous
    diagrams, marked stale.
    """
    kept = previous.diagrams if previous is not None else ()
    title = previous.title if previous is not None else ""
    shown = str(path)
    found = watching.compile_watched(path, scenario=scenario)
    doc = found.document
    if doc is None:
        reason = found.error.strerror if found.error else None
        problem = f"cannot read `{shown}`: {reason or found.error}; waiting for it"
        lang = options.lang_for(None)
        return View(version, shown, title, kept, (), bool(kept), problem, lang), found.seen
    if doc.journey is not None and doc.journey.title:
        title = doc.journey.title
    lang = options.lang_for(doc.journey.lang if doc.journey is not None else None)
    if not doc.ok or doc.journey is None:
        view = View(version, shown, title, kept, doc.diagnostics, bool(kept), lang=lang)
        return view, found.seen
    journey = doc.journey
    shown_themes = rendering.options.page_themes(theme)
    schemes = shown_themes if theme == rendering.options.AUTO else ("any",)
    try:
        diagrams = tuple(
            (
                scheme,
                _inline(views.render(journey, options=dataclasses.replace(options, theme=one))),
            )
            for scheme, one in zip(schemes, shown_themes, strict=True)
        )
    except RenderError as error:
        problem = f"cannot render: {error}"
        view = View(version, shown, title, kept, doc.diagnostics, bool(kept), problem, lang)
        return view, found.seen
    return View(version, shown, title, diagrams, doc.diagnostics, lang=lang), found.seen


class Preview:
    """The current view, and a condition the event streams wait on."""

    def __init__(self, view: View) -> None:
        self._view = view
        self._changed = threading.Condition()
        self.stopping = threading.Event()

    @property
    def view(self) -> View:
        """The latest view."""
        with self._changed:
            return self._view

    def publish(self, view: View) -> None:
        """Show a new view and wake every waiting stream."""
        with self._changed:
            self._view = view
            self._changed.notify_all()

    def wait(self, version: int, timeout: float) -> int:
        """Block until the version differs from ``version`` (or ``timeout``); the current one."""
        with self._changed:
            self._changed.wait_for(
                lambda: self._view.version != version or self.stopping.is_set(), timeout
            )
            return self._view.version

    def stop(self) -> None:
        """End the event streams."""
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()


def watch_in_thread(
    preview: Preview,
    path: pathlib.Path,
    *,
    theme: str,
    options: rendering.Options,
    interval: float,
    report: Callable[[View], None],
    scenario: str | None = None,
) -> threading.Thread:
    """Rebuild the view on every change of ``path`` or its imports, in a daemon thread."""

    def build() -> watching.Snapshot:
        before = preview.view
        try:
            view, seen = build_view(
                path,
                version=before.version + 1,
                previous=before,
                theme=theme,
                options=options,
                scenario=scenario,
            )
        except Exception as error:  # a bug in one run must not freeze the page for good
            problem = (
                f"internal error ({type(error).__name__}: {error}); "
                "this is a bug in cjdsl, please report it"
            )
            view = dataclasses.replace(
                before, version=before.version + 1, stale=bool(before.diagrams), problem=problem
            )
            seen = watching.snapshot([path])
        preview.publish(view)
        report(view)
        return seen

    def loop() -> None:
        watching.watch(
            build,
            interval=interval,
            sleep=preview.stopping.wait,
            running=lambda: not preview.stopping.is_set(),
        )

    thread = threading.Thread(target=loop, name="cjdsl-preview-watch", daemon=True)
    thread.start()
    return thread


class _Server(http.server.ThreadingHTTPServer):
    """The threading server with a longer backlog, quiet about clients that went away."""

    daemon_threads = True
    request_queue_size = BACKLOG

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        """A browser that closes a tab or reloads mid-answer resets its connection:
        normal, not worth a traceback in the terminal. Anything else is a bug, shown."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


def host_ok(header: str | None) -> bool:
    """True for a ``Host`` naming this server: ``127.0.0.1``, ``localhost`` or ``[::1]``,
    with or without a port. A page on another site may not read ours through a DNS name
    rebound to 127.0.0.1.

    >>> [host_ok(h) for h in ("127.0.0.1:8000", "[::1]", "[::1]:80", "evil.example", None)]
    [True, True, True, False, False]
    """
    host = (header or "").strip().lower()
    host = host[: host.find("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
    return host in (HOST, "localhost", "[::1]")


def make_server(preview: Preview, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``preview`` on ``127.0.0.1:port`` (``0``: any free port).

    Raises:
        OSError: the port is taken.
    """

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "cjdsl-preview"
        protocol_version = "HTTP/1.1"
        timeout = IDLE

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the terminal shows each run, not each request."""

        def handle_one_request(self) -> None:
            """One request, whose line and headers must arrive within ``REQUEST_DEADLINE``."""
            self._deadline = threading.Timer(REQUEST_DEADLINE, self._give_up)
            self._deadline.daemon = True
            self._deadline.start()
            try:
                super().handle_one_request()
            finally:
                self._deadline.cancel()

        def parse_request(self) -> bool:
            parsed = super().parse_request()
            self._deadline.cancel()  # the request is in: answering takes what it takes
            return parsed

        def _give_up(self) -> None:
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """The standard library's error pages (400, 414, 431, 501 …) as plain text with
            the same security headers as every other answer; no request text echoed."""
            self.close_connection = True
            phrase = self.responses.get(code, ("error",))[0]
            body = f"{code} {phrase}\n".encode() if code >= 200 and code not in (204, 304) else b""
            self._send(code, body, "text/plain; charset=utf-8", Connection="close")

        def _host_ok(self) -> bool:
            return host_ok(self.headers.get("Host"))

        def _send(self, status: int, body: bytes, kind: str, **extra: str) -> None:
            self.send_response(status)
            for name, value in {**_HEADERS, **extra}.items():
                self.send_header(name, value)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _drop_body(self) -> bool:
            """Read and throw away a request's body, so it is never taken for the next
            request on the connection; False (and an error sent) when it cannot be."""
            if self.headers.get("Transfer-Encoding"):
                self.send_error(501, "request bodies are not accepted")
                return False
            length = self.headers.get("Content-Length", "0").strip()
            if not length.isdigit():
                self.send_error(400)
                return False
            if int(length) > MAX_BODY:
                self.send_error(413)
                return False
            self.rfile.read(int(length))
            return True

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            route = self.path.split("?", 1)[0]
            if not self._drop_body():
                return
            if not self._host_ok():
                self._send(403, b"forbidden host\n", "text/plain; charset=utf-8")
            elif route == "/":
                body = page(preview.view).encode("utf-8")
                self._send(200, body, "text/html; charset=utf-8")
            elif route == "/content":
                view = preview.view
                etag = f'"{view.version}"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", "text/html; charset=utf-8", ETag=etag)
                else:
                    body = content(view).encode("utf-8")
                    self._send(200, body, "text/html; charset=utf-8", ETag=etag)
            elif route == "/events":
                self._events()
            else:
                self._send(404, b"not found\n", "text/plain; charset=utf-8")

        def _events(self) -> None:
            self.send_response(200)
            for name, value in _HEADERS.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if self.command == "HEAD":
                return
            version = -1
            with contextlib.suppress(OSError):
                for chunk in self._stream(version):
                    self.wfile.write(chunk)
                    self.wfile.flush()

        def _stream(self, version: int) -> Iterator[bytes]:
            yield b"retry: 1000\n\n"
            while not preview.stopping.is_set():
                current = preview.wait(version, KEEPALIVE)
                if current != version:
                    version = current
                    yield f"event: version\ndata: {version}\n\n".encode()
                else:
                    yield b": keep-alive\n\n"

    return _Server((HOST, port), Handler)
