"""The VS Code extension's language-client part: manifest, settings, and code node accepts.

VS Code itself is not run here; the server the client starts is tested end to end
over the protocol in test_lsp.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

from .conftest import ROOT, need

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
