"""The VS Code preview panel's page in a real browser: it frames `cjdsl preview` and works.

A VS Code webview is a Chromium page. This test gives headless Chromium the very
page ``previewHtml`` in editors/vscode/extension.js makes (the webview's own
Content-Security-Policy, the sandboxed frame) around a running `cjdsl preview`,
and checks inside the frame that the diagram is there and that a save updates it
(the framed page's scripts and its requests to its server are allowed). With the
policy naming another origin the frame stays empty: the policy is what is tested.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import time
from typing import Any

from . import browser
from .conftest import CASES, ROOT, need, need_dot
from .test_preview import GOOD, Server, save

VSCODE = ROOT / "editors" / "vscode"
# extension.js with stand-ins for the two modules only VS Code provides, to call one function
PAGE_OF = """
const Module = require("module");
const load = Module._load;
const stubs = {
  vscode: {},
  "vscode-languageclient/node": { LanguageClient: class {}, TransportKind: {} },
};
Module._load = function (request, ...rest) {
  return stubs[request] ?? load.call(this, request, ...rest);
};
const { previewHtml } = require(process.argv[1]);
process.stdout.write(previewHtml(process.argv[2], "Preview kündigung.journey"));
"""


def _webview_page(url: str) -> str:
    node = shutil.which("node")
    need(node is not None, "node (Debian: apt-get install nodejs)")
    assert node is not None
    done = subprocess.run(
        [node, "-e", PAGE_OF, str(VSCODE / "extension.js"), url],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _frame(page: browser.Browser, url: str, seconds: float = 20) -> dict[str, Any] | None:
    """The browser's target for a frame that loaded ``url``, once there is one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for target in page.call("Target.getTargets")["targetInfos"]:
            if target["type"] == "iframe" and target["url"] == url:
                found: dict[str, Any] = target
                return found
        time.sleep(0.1)
    return None


def test_the_webview_page_frames_the_live_preview_and_nothing_else(
    tmp_path: pathlib.Path,
) -> None:
    need_dot()
    binary = browser.chromium()
    need(binary is not None, "Chromium (Debian: apt-get install chromium)")
    assert binary is not None
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, tmp_path / name)
    server = Server(tmp_path, "--interval", "0.1", "--engine", "dot")
    page = None
    try:
        server.run(1)
        html = _webview_page(server.url)
        # VS Code serves a webview from an origin of its own: here a file, not the server
        (tmp_path / "webview.html").write_text(html, encoding="utf-8")
        elsewhere = html.replace(
            f"frame-src {server.url.rstrip('/')}", "frame-src http://127.0.0.1:9"
        )
        assert elsewhere != html
        (tmp_path / "elsewhere.html").write_text(elsewhere, encoding="utf-8")

        page = browser.Browser(binary, width=1200, height=800)
        page.goto((tmp_path / "webview.html").as_uri())
        assert page.evaluate("document.querySelectorAll('iframe').length") == 1
        frame = _frame(page, server.url)
        assert frame is not None, "the preview did not load in the frame"
        # read the framed page as the browser runs it (its own process: another origin)
        outer = page.session
        page.session = page.call("Target.attachToTarget", targetId=frame["targetId"], flatten=True)[
            "sessionId"
        ]
        page.wait_for("document.readyState === 'complete'")
        page.wait_for("document.querySelectorAll('#live svg').length === 2")
        assert page.evaluate("document.querySelector('h1').textContent") == "Kündigung"
        save(tmp_path / "kündigung.journey", GOOD.replace("am Telefon", "per Brief"))
        page.wait_for("document.querySelector('#live svg').textContent.includes('per Brief')")
        page.session = outer

        # the same page whose policy names another origin: the frame never gets the preview
        page.goto((tmp_path / "elsewhere.html").as_uri())
        assert _frame(page, server.url, seconds=3) is None
    finally:
        if page is not None:
            page.close()
        server.kill()
