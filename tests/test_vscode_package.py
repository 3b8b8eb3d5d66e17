"""The VS Code extension as the Marketplace gets it: `vsce package` and the .vsix it writes.

The real `@vscode/vsce` (a devDependency in editors/vscode) packages the extension;
the .vsix, a zip, must hold every file the manifest names (main, grammar, language
configuration, icon, README, LICENSE) and from node_modules exactly the packages
the extension runs with (package-lock.json's non-dev packages), no tests or tools.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import struct
import subprocess
import zipfile
from typing import Any

from .conftest import need

VSCODE = pathlib.Path(__file__).resolve().parent.parent / "editors" / "vscode"
MANIFEST: dict[str, Any] = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
LOCK: dict[str, Any] = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
# https://code.visualstudio.com/api/references/extension-manifest (the allowed categories)
CATEGORIES = {
    "AI", "Azure", "Chat", "Data Science", "Debuggers", "Education", "Extension Packs",
    "Formatters", "Keymaps", "Language Packs", "Linters", "Machine Learning", "Notebooks",
    "Other", "Programming Languages", "SCM Providers", "Snippets", "Testing", "Themes",
    "Visualization",
}  # fmt: skip


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_manifest_has_what_the_marketplace_shows() -> None:
    assert "private" not in MANIFEST  # vsce would package it, the Marketplace refuses it
    for field in ("name", "displayName", "description", "version", "publisher", "license"):
        assert MANIFEST[field], field
    assert MANIFEST["license"] == "MIT" and (VSCODE / "LICENSE").is_file()
    assert "MIT License" in (VSCODE / "LICENSE").read_text(encoding="utf-8")
    assert set(MANIFEST["categories"]) <= CATEGORIES
    assert "Programming Languages" in MANIFEST["categories"]
    assert 1 <= len(MANIFEST["keywords"]) <= 30  # the Marketplace takes at most 30
    assert _png_size((VSCODE / MANIFEST["icon"]).read_bytes()) == (128, 128)
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", MANIFEST["galleryBanner"]["color"])
    readme = (VSCODE / "README.md").read_text(encoding="utf-8")
    assert "cjdsl: Open preview" in readme and "cjdsl lsp" in readme
    assert "@vscode/vsce" in MANIFEST["devDependencies"]
    assert "node_modules/@vscode/vsce" in LOCK["packages"]
    titles = {c["command"]: c["title"] for c in MANIFEST["contributes"]["commands"]}
    assert titles["cjdsl.openPreview"] == "Open preview"


def _needed_packages() -> set[str]:
    """The node_modules folders the extension runs with: the lock's non-dev packages."""
    return {
        where
        for where, package in LOCK["packages"].items()
        if where.startswith("node_modules/") and not package.get("dev")
    }


def test_vsce_packages_what_the_manifest_names_and_no_more(tmp_path: pathlib.Path) -> None:
    node = shutil.which("node")
    need(node is not None, "node (Debian: apt-get install nodejs)")
    vsce = VSCODE / "node_modules" / "@vscode" / "vsce" / "vsce"
    need(vsce.is_file(), "npm packages: run `npm ci` in editors/vscode")
    assert node is not None
    out = tmp_path / "cjdsl-journey.vsix"
    done = subprocess.run(
        [node, str(vsce), "package", "--allow-missing-repository", "--out", str(out)],
        cwd=VSCODE,
        stdin=subprocess.DEVNULL,  # a question vsce asks would fail the run, not hang it
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DONE" in done.stdout
    with zipfile.ZipFile(out) as vsix:
        names = set(vsix.namelist())
        packaged = json.loads(vsix.read("extension/package.json"))
        described = vsix.read("extension.vsixmanifest").decode("utf-8")
        icon = vsix.read(f"extension/{MANIFEST['icon']}")
        assert vsix.testzip() is None

    assert packaged == MANIFEST
    contributes = MANIFEST["contributes"]
    named = {
        MANIFEST["main"],
        MANIFEST["icon"],
        *(g["path"] for g in contributes["grammars"]),
        *(lang["configuration"] for lang in contributes["languages"]),
    }
    for path in named:
        assert f"extension/{pathlib.PurePosixPath(path)}" in names, path
    assert _png_size(icon) == (128, 128)
    # the README and LICENSE, as the manifest of the package points at them
    assets = dict(re.findall(r'<Asset Type="([^"]+)" Path="([^"]+)"', described))
    assert assets["Microsoft.VisualStudio.Services.Content.Details"] == "extension/readme.md"
    assert assets["Microsoft.VisualStudio.Services.Content.License"] == "extension/LICENSE.txt"
    assert assets["Microsoft.VisualStudio.Services.Icons.Default"] == "extension/images/icon.png"
    assert {"extension/readme.md", "extension/LICENSE.txt"} <= names

    # from node_modules: each runtime package whole, nothing else
    needed = _needed_packages()
    assert "node_modules/vscode-languageclient" in needed
    shipped: set[str] = set()
    for name in names:
        if not name.startswith("extension/node_modules/"):
            continue
        parts = name.removeprefix("extension/").split("/")
        # the deepest node_modules/<package> (or node_modules/@scope/<package>) it lies in
        where = [i for i, part in enumerate(parts) if part == "node_modules"][-1]
        size = 3 if parts[where + 1].startswith("@") else 2
        shipped.add("/".join(parts[: where + size]))
    assert shipped == needed
    for name in names:
        if name.startswith("extension/") and "/node_modules/" not in name:
            assert not name.startswith(("extension/test/", "extension/scripts/")), name
        assert not name.endswith((".vsix", ".d.ts")), name
