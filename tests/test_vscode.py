"""The VS Code language support: the TextMate grammar run by a real TextMate engine
(vscode-textmate with Oniguruma, through `vscode-tmgrammar-test` from npm), and the
language configuration's JavaScript regular expressions run by node."""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

from .conftest import EXAMPLES, ROOT, need

VSCODE = ROOT / "editors" / "vscode"
BIN = VSCODE / "node_modules" / ".bin"
FIXTURES = sorted((VSCODE / "test").glob("*.journey"))
GRAMMAR = VSCODE / "syntaxes" / "journey.tmLanguage.json"


def tool(name: str) -> pathlib.Path:
    path = BIN / name
    need(path.exists(), f"`{name}` from npm: run `npm ci` in editors/vscode")
    return path


def run(*args: str | pathlib.Path, cwd: pathlib.Path = VSCODE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_manifest_declares_the_language_and_grammar() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert language["id"] == grammar["language"] == "journey"
    assert language["extensions"] == [".journey"]
    assert (VSCODE / language["configuration"]).is_file()
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR
    assert json.loads(GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == grammar["scopeName"]
    assert "vscode-tmgrammar-test" in manifest["devDependencies"]
    lock = json.loads((VSCODE / "package-lock.json").read_text(encoding="utf-8"))
    assert "node_modules/vscode-tmgrammar-test" in lock["packages"]


def test_grammar_fixtures_pass() -> None:
    assert len(FIXTURES) >= 3
    done = run(tool("vscode-tmgrammar-test"), "-g", GRAMMAR, *FIXTURES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("run successfuly") == len(FIXTURES)


def test_a_wrong_assertion_fails(tmp_path: pathlib.Path) -> None:
    wrong = tmp_path / "wrong.journey"
    wrong.write_text(
        '# SYNTAX TEST "source.journey"\nstage s\n# <----- storage.type.persona.journey\n',
        encoding="utf-8",
    )
    done = run(tool("vscode-tmgrammar-test"), "-g", GRAMMAR, wrong)
    assert done.returncode != 0 and "storage.type.persona.journey" in done.stdout


def test_examples_have_no_invalid_scopes(tmp_path: pathlib.Path) -> None:
    for example in EXAMPLES:
        shutil.copy(example, tmp_path)
    snap = tool("vscode-tmgrammar-snap")
    done = run(snap, "-g", GRAMMAR, "--updateSnapshot", f"{tmp_path}/*.journey")
    assert done.returncode == 0, done.stdout + done.stderr
    snapshots = sorted(tmp_path.glob("*.journey.snap"))
    assert len(snapshots) == len(EXAMPLES)
    for snapshot in snapshots:
        text = snapshot.read_text(encoding="utf-8")
        assert "invalid" not in text, snapshot.name
        assert "storage.type.stage.journey" in text and "keyword.operator.arrow.journey" in text


CONFIGURATION_CHECK = r"""
const fs = require("fs");
const config = JSON.parse(fs.readFileSync("language-configuration.json", "utf8"));
const source = fs.readFileSync(process.argv[1], "utf8");
const word = new RegExp(config.wordPattern.pattern, config.wordPattern.flags + "g");
const start = new RegExp(config.folding.markers.start);
const end = new RegExp(config.folding.markers.end);
const open = [], folds = [];
source.split("\n").forEach((line, index) => {
  if (start.test(line)) open.push(index + 1);
  else if (end.test(line) && open.length) folds.push([open.pop(), index + 1]);
});
const words = "cart-email kündigung 40% 2.5h _draft2 a->b".match(word);
console.log(JSON.stringify({ folds: folds.sort((a, b) => a[0] - b[0]), words }));
"""


def test_language_configuration(tmp_path: pathlib.Path) -> None:
    config = json.loads((VSCODE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    assert config["brackets"] == [["{", "}"]]
    pairs = {pair["open"]: pair["close"] for pair in config["autoClosingPairs"]}
    assert pairs == {"{": "}", '"': '"', '"""': '"""'}
    node = shutil.which("node")
    need(node is not None, "node, to run the configuration's JavaScript regular expressions")
    assert node is not None
    example = EXAMPLES[0]
    done = run(node, "-e", CONFIGURATION_CHECK, example)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["words"] == ["cart-email", "kündigung", "40%", "2.5h", "_draft2", "a", "b"]
    lines = example.read_text(encoding="utf-8").split("\n")
    expected = []
    stack = []
    for number, line in enumerate(lines, 1):
        code = re.sub(r'"(?:[^"\\]|\\.)*"|#.*', "", line)
        stack += [number] * code.count("{")
        for _ in range(code.count("}")):
            begun = stack.pop()
            if begun != number:
                expected.append([begun, number])
    assert found["folds"] == sorted(expected) and len(expected) > 10
