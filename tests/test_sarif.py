"""`cjdsl check --format sarif` against the official SARIF 2.1.0 schema, and the documented
GitHub workflow: its YAML parses and every cjdsl command and option it names exists."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from cjdsl import codes
from cjdsl.cli import COMMANDS, cli

from .conftest import ROOT

SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
BAD = 'journey "Bad"\nentry touchpoint a "A"\ngoal g "G"\na -> gg 40%\n'
WARN = 'journey "Wärme"\nentry touchpoint a "Ä"\ntouchpoint b "B"\ngoal g "G"\na -> g\na -> b\n'
DUPLICATE = 'journey "Dup"\nentry touchpoint a "A"\ntouchpoint a "A2"\ngoal g "G"\na -> g\n'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "bad.journey").write_text(BAD, "utf-8")
    (tmp_path / "journeys" / "Kündigung.journey").write_text(WARN, "utf-8")
    (tmp_path / "journeys" / "dup.journey").write_text(DUPLICATE, "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sarif(*paths: str) -> dict[str, Any]:
    code, out, _ = run("check", "--format", "sarif", *paths)
    assert code == 1
    log: dict[str, Any] = json.loads(out)
    return log


def test_the_log_follows_the_official_schema(project: pathlib.Path) -> None:
    log = sarif("journeys/bad.journey", "journeys/Kündigung.journey", "journeys/dup.journey")
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    # the schema accepts much; what code scanning needs must be there too
    (the_run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert the_run["tool"]["driver"]["name"] == "cjdsl"


def test_a_log_that_breaks_the_schema_is_caught() -> None:
    """The validation can fail: a result without its message is refused."""
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA, cls=jsonschema.Draft4Validator)


def test_rules_are_every_code_with_help_and_a_link_into_the_docs(project: pathlib.Path) -> None:
    rules = sarif("journeys/bad.journey")["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [c.id for c in codes.ALL]
    page = (ROOT / "docs" / "diagnostics.md").read_text("utf-8")
    anchors = set(re.findall(r"\]\(#([a-z0-9-]+)\)", page))
    for found, code in zip(rules, codes.ALL, strict=True):
        assert found["name"] == code.name
        assert found["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert code.fix in found["help"]["text"]
        uri, anchor = found["helpUri"].split("#")
        assert uri.endswith("/docs/diagnostics.md") and anchor in anchors


def test_docs_url_comes_from_the_environment(
    project: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CJDSL_DOCS_URL", "https://journeys.example.org/diagnostics/")
    rules = sarif("journeys/bad.journey")["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == "https://journeys.example.org/diagnostics/#cj001-syntax-error"


def test_results_point_at_files_relative_to_the_working_directory(project: pathlib.Path) -> None:
    log = sarif("journeys/bad.journey", str(project / "journeys" / "Kündigung.journey"))
    results = log["runs"][0]["results"]
    by_code = {r["ruleId"]: r for r in results}
    bad = by_code["CJ101"]
    assert bad["level"] == "error" and "`gg`" in bad["message"]["text"]
    (location,) = bad["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "journeys/bad.journey",
        "uriBaseId": "%SRCROOT%",
    }
    # `a -> gg 40%` on line 4: `gg` is columns 6-7, the end column exclusive
    region = location["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 6, "endLine": 4, "endColumn": 8}
    warning = by_code["CJ201"]  # an absolute path under the working directory: relative too
    assert warning["level"] == "warning"
    artifact = warning["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "journeys/K%C3%BCndigung.journey"
    base = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == project.resolve().as_uri() + "/"


def test_infos_are_notes_and_related_places_are_related_locations(
    project: pathlib.Path,
) -> None:
    shop = str(ROOT / "examples" / "online-shop.journey")
    code, out, _ = run("check", "--format", "sarif", shop, "journeys/dup.journey")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert {r["level"] for r in results if r["ruleId"].startswith("CJ5")} == {"note"}
    outside = next(r for r in results if r["ruleId"].startswith("CJ5"))
    artifact = outside["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": pathlib.Path(shop).as_uri()}  # not under the working directory
    duplicate = next(r for r in results if r["ruleId"] == "CJ102")
    (related,) = duplicate["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == 2


def test_stdin_and_hostile_text_stay_inert(project: pathlib.Path) -> None:
    hostile = 'journey "X"\nentry touchpoint a "A"\ngoal g "G"\na -> g\u202e\x1b]0;x\x07 40%\n'
    result = CliRunner().invoke(cli, ["check", "--format", "sarif", "-"], input=hostile)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    log = json.loads(result.stdout)
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    for found in log["runs"][0]["results"]:
        assert found["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"


# -- the documented workflow ------------------------------------------------------------

CI_PAGE = ROOT / "docs" / "ci.md"


def yaml_blocks() -> list[Any]:
    """Every YAML example of the page, parsed: the whole workflow and the steps it adds."""
    return [
        yaml.safe_load(block)
        for block in re.findall(r"```yaml\n(.*?)```", CI_PAGE.read_text("utf-8"), re.DOTALL)
    ]


def workflow() -> dict[Any, Any]:
    (loaded,) = [block for block in yaml_blocks() if isinstance(block, dict)]
    return loaded


def test_the_pull_request_steps_parse_and_name_diff_options_that_exist() -> None:
    (steps,) = [block for block in yaml_blocks() if isinstance(block, list)]
    runs = [s["run"] for s in steps if "cjdsl diff" in s.get("run", "")]
    assert runs, "the pull-request example runs no `cjdsl diff`"
    _, usage, _ = run("diff", "--help")
    for text in runs:
        line = text[text.index("cjdsl diff") :].replace("\\\n", " ").split(">>")[0]
        for word in shlex.split(line):
            if word.startswith("--"):
                assert word in usage, f"cjdsl diff has no {word}"


def test_the_workflow_example_parses_and_uploads_sarif() -> None:
    steps = workflow()["jobs"]["check"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert "github/codeql-action/upload-sarif" in uses
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/"))
    sarif_step = next(s for s in steps if "--format sarif" in s.get("run", ""))
    assert upload["with"]["sarif_file"] in sarif_step["run"]
    assert workflow()["jobs"]["check"]["permissions"]["security-events"] == "write"
    assert any('>> "$GITHUB_STEP_SUMMARY"' in s.get("run", "") for s in steps)


def test_the_workflow_names_commands_and_options_that_exist() -> None:
    commands = [
        shlex.split(s["run"].split("|")[0].split(">")[0])
        for s in workflow()["jobs"]["check"]["steps"]
        if s.get("run", "").startswith("cjdsl ")
    ]
    assert {c[1] for c in commands} == {"check", "analyze", "fmt"}
    for words in commands:
        assert words[1] in COMMANDS
        _, usage, _ = run(words[1], "--help")
        for word in words[2:]:
            if word.startswith("--"):
                assert word in usage, f"cjdsl {words[1]} has no {word}"
        formats = [words[i + 1] for i, w in enumerate(words) if w == "--format"]
        for name in formats:
            assert name in usage


def test_the_workflow_commands_run(project: pathlib.Path) -> None:
    """The commands as written, on a folder of journeys: findings exit 1, not 2."""
    (project / "journeys" / "shop.journey").write_bytes(
        (ROOT / "examples" / "online-shop.journey").read_bytes()
    )
    code, out, _ = run("check", "--format", "sarif", "journeys/")
    assert code == 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert "journeys/bad.journey" in uris and "journeys/shop.journey" in uris
    code, out, _ = run("analyze", "--format", "markdown", "journeys/shop.journey")
    assert code == 0 and out.lstrip().startswith("#")


def test_as_a_real_process_in_a_project(project: pathlib.Path) -> None:
    """`python -m cjdsl` in the project's folder, with its pyproject.toml: the configuration
    applies, the log goes to stdout whole and validates, stderr stays empty."""
    (project / "pyproject.toml").write_text(
        '[tool.cjdsl]\nignore = ["CJ102"]\nextend-exclude = ["bad.journey"]\n', encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "cjdsl", "check", "--strict", "--format", "sarif", "journeys"],
        capture_output=True,
        cwd=project,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 1 and done.stderr == b""
    log = json.loads(done.stdout)
    jsonschema.validate(log, SCHEMA, cls=jsonschema.Draft4Validator)
    found = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for r in log["runs"][0]["results"]
    }
    assert ("CJ201", "journeys/K%C3%BCndigung.journey") in found
    assert not any(code == "CJ102" or "bad" in uri for code, uri in found)
