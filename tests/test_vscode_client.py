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


def test_the_client_starts_the_server_shows_its_results_and_survives_a_bad_path(
    tmp_path: pathlib.Path,
) -> None:
    node = shutil.which("node")
    need(node is not None, "node (Debian: apt-get install nodejs)")
    need((VSCODE / "node_modules").is_dir(), "npm packages: run `npm ci` in editors/vscode")
    real = shutil.which("cjdsl", path=str(pathlib.Path(sys.executable).parent))
    need(real is not None, "the `cjdsl` script beside this Python (pip install -e '.[lsp]')")
    assert node is not None and real is not None
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, tmp_path / name)
    # the setting points into the workspace, at a script that notes how it was started
    (tmp_path / "bin").mkdir()
    wrapper = tmp_path / "bin" / "cjdsl"
    wrapper.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{tmp_path}/started.log"\nexec "{real}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    done = subprocess.run(
        [
            node,
            str(CASES / "lsp" / "vscode_host.js"),
            str(VSCODE),
            str(tmp_path),
            "${workspaceFolder}/bin/cjdsl",
            str(tmp_path / "kündigung.journey"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])

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
    assert report["commands"] == ["cjdsl.restartServer"]
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
