"""The VS Code extension's language-client part: manifest, settings, and the client at work.

VS Code itself cannot run here (no display, and its test runner downloads an
editor build). Instead ``tests/cases/lsp/vscode_host.js`` stands in for the
extension host: it loads ``extension.js`` with the real
``vscode-languageclient``, which starts the configured ``cjdsl lsp --stdio``
and talks the protocol to it, and records what VS Code would be handed. The
server's features themselves are tested over the protocol in test_lsp.py.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess
import sys
from typing import Any

from .conftest import CASES, ROOT, need

VSCODE = ROOT / "editors" / "vscode"
MANIFEST = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))


def test_the_manifest_starts_the_client_on_journey_files() -> None:
    assert (VSCODE / MANIFEST["main"]).is_file()
    assert "onLanguage:journey" in MANIFEST["activationEvents"]
    settings = MANIFEST["contributes"]["configuration"]["properties"]
    assert settings["cjdsl.path"]["default"] == "cjdsl"
    assert settings["cjdsl.trace.server"]["enum"] == ["off", "messages", "verbose"]
    assert MANIFEST["dependencies"]["vscode-languageclient"].startswith("^9")
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    assert "node_modules/vscode-languageclient" in lock["packages"]
    commands = {c["command"] for c in MANIFEST["contributes"]["commands"]}
    source = (VSCODE / "extension.js").read_text(encoding="utf-8")
    assert commands <= set(re.findall(r'"(cjdsl\.[A-Za-z]+)"', source))
    assert 'args: ["lsp"]' in source and 'language: "journey"' in source


def test_the_extension_is_valid_javascript_and_its_client_library_resolves() -> None:
    node = shutil.which("node")
    need(node is not None, "node (Debian: apt-get install nodejs)")
    assert node is not None
    checked = subprocess.run(
        [node, "--check", "extension.js"], cwd=VSCODE, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    need((VSCODE / "node_modules").is_dir(), "npm packages: run `npm ci` in editors/vscode")
    resolved = subprocess.run(
        [node, "-e", "console.log(require.resolve('vscode-languageclient/node'))"],
        cwd=VSCODE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert resolved.returncode == 0, resolved.stderr


def test_the_command_the_client_starts_exists_and_accepts_stdio() -> None:
    # vscode-languageclient runs `<cjdsl.path> lsp --stdio`
    done = subprocess.run(
        [sys.executable, "-m", "cjdsl", "lsp", "--stdio", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--stdio" in done.stdout


def _host(folder: pathlib.Path, scenario: str) -> dict[str, Any]:
    """Run the stand-in extension host on a copy of the LSP cases in ``folder``; its report.

    The setting cjdsl.path points into the workspace, at a script that notes how it was
    started (``started.log``) and then becomes the real ``cjdsl``.
    """
    node = shutil.which("node")
    need(node is not None, "node (Debian: apt-get install nodejs)")
    need((VSCODE / "node_modules").is_dir(), "npm packages: run `npm ci` in editors/vscode")
    real = shutil.which("cjdsl", path=str(pathlib.Path(sys.executable).parent))
    need(real is not None, "the `cjdsl` script beside this Python (pip install -e '.[lsp]')")
    assert node is not None and real is not None
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, folder / name)
    (folder / "bin").mkdir()
    wrapper = folder / "bin" / "cjdsl"
    wrapper.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{folder}/started.log"\nexec "{real}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    done = subprocess.run(
        [
            node,
            str(CASES / "lsp" / "vscode_host.js"),
            str(VSCODE),
            str(folder),
            "${workspaceFolder}/bin/cjdsl",
            str(folder / "kündigung.journey"),
            scenario,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_client_starts_the_server_shows_its_results_and_survives_a_bad_path(
    tmp_path: pathlib.Path,
) -> None:
    report = _host(tmp_path, "lsp")

    assert (tmp_path / "started.log").read_text(encoding="utf-8").splitlines() == [
        "lsp --stdio",
        "lsp --stdio",
    ]
    steps = {s["step"]: s for s in report["steps"]}
    assert steps["activate"]["diagnostics"] and steps["restart"]["diagnostics"]
    (only,) = report["diagnostics"].values()
    assert [(d["code"], d["line"], d["severity"]) for d in only] == [("CJ404", 15, 1)]
    assert only[0]["link"].endswith("diagnostics.md#cj404-no-post-purchase")
    assert "help: model what happens after the purchase" in only[0]["message"]
    assert report["commands"] == ["cjdsl.restartServer", "cjdsl.openPreview"]
    for feature in (
        "registerHoverProvider",
        "registerCompletionItemProvider",
        "registerDefinitionProvider",
        "registerReferenceProvider",
        "registerDocumentSymbolProvider",
        "registerCodeActionsProvider",
        "registerDocumentFormattingEditProvider",
    ):
        assert feature in report["providers"]
    assert "**Kündigung am Telefon** · touchpoint `kündigung`" in report["hover"]
    assert "stage **Überlegen** (`überlegen`)" in report["hover"]

    # a wrong cjdsl.path: one clear message naming the command, the reason and the fix;
    # restarting and deactivating after that failed start must not throw
    ours = [e for e in report["errors"] if e.startswith("cjdsl: could not start")]
    assert len(ours) == 2 and steps["restart again"]["errors"] > steps["bad path"]["errors"]
    assert f'"{tmp_path}/no-such-cjdsl lsp"' in ours[0]
    assert "ENOENT" in ours[0] and "undefined" not in ours[0]
    assert "pip install 'cjdsl[lsp]'" in ours[0]
    assert "deactivate" in steps


def _running_previews(folder: pathlib.Path) -> list[str]:
    """Command lines of `cjdsl preview` processes still running on a file in ``folder``."""
    found = []
    for proc in pathlib.Path("/proc").iterdir():
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        text = [a.decode("utf-8", "replace") for a in argv]
        if "preview" in text and any(a.startswith(str(folder)) for a in text):
            found.append(" ".join(text))
    return found


def test_open_preview_shows_cjdsl_preview_beside_the_editor_and_stops_it_on_close(
    tmp_path: pathlib.Path,
) -> None:
    report = _host(tmp_path, "preview")
    steps = {s["step"]: s for s in report["steps"]}
    journey = tmp_path / "kündigung.journey"

    # without a journey in the editor: a message, no server, no panel
    assert steps["no editor"]["errors"] == 1 and steps["not a journey"]["errors"] == 2
    assert report["errors"][0] == "cjdsl: open a .journey file saved on disk to preview it."
    started = (tmp_path / "started.log").read_text(encoding="utf-8").splitlines()
    previews = [line for line in started if line.startswith("preview")]
    assert previews == [f"preview --port 0 {journey}"] * 2  # opened, closed, opened again

    # the panel: beside the editor, keeping the focus there, framing the live page
    panel = report["panels"][0]
    assert panel["viewType"] == "cjdsl.preview" and panel["title"] == "Preview kündigung.journey"
    assert panel["showOptions"] == {"viewColumn": -2, "preserveFocus": True}  # Beside
    assert panel["options"]["enableScripts"] is True  # for the framed page's live update
    assert panel["options"]["localResourceRoots"] == []
    url = steps["open"]["url"]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url) and not url.endswith(":8765/")
    page = steps["open"]["page"]
    assert page["status"] == 200 and "kündigung.journey" in page["body"]  # cjdsl's page
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', panel["html"])
    assert policy is not None
    rules = dict(
        [*rule.split(" ", 1), ""][:2] for rule in policy[1].replace("&#39;", "'").split("; ")
    )
    assert rules["default-src"] == "'none'"
    assert rules["frame-src"] == url.rstrip("/")  # this server's origin and nothing else
    assert re.fullmatch(r"'nonce-[A-Za-z0-9+/=]{24}'", rules["style-src"])
    assert set(rules) == {"default-src", "frame-src", "style-src"}
    assert "<script" not in panel["html"]
    assert f'<iframe src="{url}"' in panel["html"]

    # the same file again: the panel comes forward, no second server
    assert steps["open again"]["same"] is True and steps["open again"]["panels"] == 1
    assert panel["reveals"] == 1
    # closing the panel stops the server (its port refuses), deactivating stops the next one
    assert panel["disposed"] is True
    assert steps["closed"]["after"] == {"error": "ECONNREFUSED"}
    assert steps["reopen"]["page"]["status"] == 200 and steps["reopen"]["url"] != url
    assert steps["deactivate"]["after"] == {"error": "ECONNREFUSED"}
    assert _running_previews(tmp_path) == []

    # a wrong cjdsl.path: one message naming the command, the reason and the fix; no panel
    assert steps["bad path"]["errors"] == 3 and steps["bad path"]["panels"] == 2
    assert report["errors"][2] == (
        f'cjdsl: could not start "{tmp_path}/no-such-cjdsl preview" '
        f"(spawn {tmp_path}/no-such-cjdsl ENOENT). "
        "Install it with `pip install cjdsl`, or point the setting cjdsl.path at it."
    )
