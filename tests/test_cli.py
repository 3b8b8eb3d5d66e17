"""The command line, through Click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cjdsl.cli import cli

from .conftest import EXAMPLES, ROOT, need_dot

GOOD = 'journey "Good"\nentry touchpoint a "A"\ngoal g "G"\nexit x\na -> g 40%\na -> x 10%\n'
WARN = 'journey "Warn"\nentry touchpoint a "A"\ntouchpoint b "B"\ngoal g "G"\na -> g\na -> b\n'
BAD = 'journey "Bad"\nentry touchpoint a "A"\ngoal g "G"\na -> gg 40%\n'


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, pathlib.Path]:
    out = {}
    for name, text in (("good", GOOD), ("warn", WARN), ("bad", BAD)):
        out[name] = tmp_path / f"{name}.journey"
        out[name].write_text(text, encoding="utf-8")
    return out


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_check_exit_codes(files: dict[str, pathlib.Path]) -> None:
    assert run("check", str(files["good"]))[0] == 0
    assert run("check", str(files["warn"]))[0] == 0
    assert run("check", "--strict", str(files["warn"]))[0] == 1
    code, _, err = run("check", str(files["good"]), str(files["bad"]))
    assert code == 1 and "error[CJ101]" in err and "did you mean `g`?" in err
    assert "1 error in 2 files" in err


def test_check_usage_and_io_errors_exit_2(tmp_path: pathlib.Path) -> None:
    code, _, err = run("check", str(tmp_path / "missing.journey"))
    assert code == 2 and "cannot read" in err and "missing.journey" in err
    assert run("check")[0] == 2
    assert run("check", "--format", "xml", "x")[0] == 2


def test_check_reads_stdin() -> None:
    code, _, err = run("check", "-", input=BAD)
    assert code == 1 and "<stdin>:4:6" in err


def test_check_json_is_on_stdout(files: dict[str, pathlib.Path]) -> None:
    code, out, _ = run("check", "--format", "json", str(files["bad"]))
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    (item,) = data["diagnostics"]
    assert item["code"] == "CJ101" and item["start"] == {"line": 4, "column": 6, "offset": 53}


def test_check_github_annotations(files: dict[str, pathlib.Path]) -> None:
    _, _, err = run("check", "--format", "github", str(files["bad"]))
    assert err.startswith(f"::error file={files['bad']},line=4,col=6,")


def test_explain() -> None:
    code, out, _ = run("explain", "dead-end")
    assert code == 0 and out.startswith("CJ201 dead-end (warning)")
    assert run("explain", "CJ999")[0] == 2


def test_render_format_from_suffix_and_stdout(
    files: dict[str, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    code, out, _ = run("render", str(files["good"]), "-o", "-", "-f", "dot")
    assert code == 0 and out.startswith('digraph "Good" {')
    target = tmp_path / "out.dot"
    assert run("render", str(files["good"]), "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("digraph")
    graphviz = tmp_path / "out.gv"  # Graphviz's own suffix for DOT
    assert run("render", str(files["good"]), "-o", str(graphviz))[0] == 0
    assert graphviz.read_text(encoding="utf-8").startswith("digraph")
    code, _, err = run("render", str(files["good"]), "-o", str(tmp_path / "x.docx"))
    assert code == 2 and "cannot tell the format" in err


def test_render_default_output_sits_beside_the_input(files: dict[str, pathlib.Path]) -> None:
    assert run("render", "-f", "dot", str(files["good"]))[0] == 0
    assert files["good"].with_suffix(".dot").exists()


def test_render_refuses_to_overwrite_its_input(files: dict[str, pathlib.Path]) -> None:
    code, _, err = run("render", str(files["good"]), "-o", str(files["good"]), "-f", "dot")
    assert code == 2 and "refusing to overwrite" in err
    assert files["good"].read_text(encoding="utf-8") == GOOD


def test_render_with_errors_writes_nothing(
    files: dict[str, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "bad.svg"
    target.write_text("previous", encoding="utf-8")
    code, _, err = run("render", str(files["bad"]), "-o", str(target))
    assert code == 1 and "CJ101" in err
    assert target.read_text(encoding="utf-8") == "previous"


def test_failed_render_leaves_the_old_output(
    files: dict[str, pathlib.Path], tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.png"
    target.write_bytes(b"previous")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    code, _, err = run("render", str(files["good"]), "-o", str(target), "--engine", "dot")
    assert code == 2 and "apt-get install graphviz" in err
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.png")] == []


def test_render_several_files_into_a_folder(tmp_path: pathlib.Path) -> None:
    out = tmp_path / "site"
    code, _, _ = run("render", *map(str, EXAMPLES[:2]), "--out-dir", str(out), "-f", "dot")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.dot" for p in EXAMPLES[:2])
    assert run("render", *map(str, EXAMPLES[:2]), "-o", "x.svg")[0] == 2


def test_render_unknown_persona_is_a_usage_error(files: dict[str, pathlib.Path]) -> None:
    code, _, err = run("render", str(files["good"]), "-f", "dot", "-o", "-", "--persona", "zed")
    assert code == 2 and "unknown persona `zed`" in err


def test_render_html_is_the_journey_map(tmp_path: pathlib.Path) -> None:
    shop = ROOT / "examples" / "online-shop.journey"
    target = tmp_path / "shop.html"
    code, _, err = run("render", str(shop), "-o", str(target))
    assert code == 0 and f"wrote {target}" in err
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<section class="cjdsl-map cjm-light"' in page
    assert "Running shoes, bought online" in page and page.count('class="cjm-persona ') == 3
    code, out, _ = run("render", str(shop), "-f", "html", "-o", "-", "--persona", "ben")
    assert code == 0 and "· Ben, 24, student" in out and "Size finder quiz" not in out
    assert run("render", str(shop), "-o", str(tmp_path / "dark.htm"), "--theme", "dark")[0] == 0
    assert 'class="cjdsl-map cjm-dark"' in (tmp_path / "dark.htm").read_text(encoding="utf-8")
    code, _, err = run("render", str(shop), "-o", str(target), "--highlight", "probable")
    assert code == 2 and "--highlight draws on diagrams" in err
    code, _, err = run("render", str(shop), "-o", str(target), "--persona", "zed")
    assert code == 2 and "unknown persona `zed` (personas: anna, ben, carla)" in err


def test_render_html_beside_the_input_needs_no_graphviz(
    files: dict[str, pathlib.Path], monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    assert run("render", "-f", "html", str(files["good"]))[0] == 0
    assert "cjdsl-map" in files["good"].with_suffix(".html").read_text(encoding="utf-8")


def test_version_and_help() -> None:
    assert run("--version")[0] == 0
    code, out, _ = run("render", "--help")
    assert code == 0 and "--persona" in out and "--engine" in out


# -- as a real program ---------------------------------------------------------------


def cjdsl(
    *args: str, input: bytes | None = None, cwd: pathlib.Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cjdsl", *args],
        input=input,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_subprocess_check_and_svg_to_stdout(files: dict[str, pathlib.Path]) -> None:
    need_dot()
    done = cjdsl("check", str(files["bad"]))
    assert done.returncode == 1 and b"error[CJ101]" in done.stderr
    done = cjdsl("render", "-", "-o", "-", "-f", "svg", input=GOOD.encode())
    assert done.returncode == 0 and done.stdout.lstrip().startswith(b"<?xml")
    assert b"Traceback" not in done.stderr


def test_subprocess_journey_map_bytes_do_not_depend_on_hash_seeds(tmp_path: pathlib.Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"map-{seed}.html"
        done = subprocess.run(
            [sys.executable, "-m", "cjdsl", "render", str(EXAMPLES[-1]), "-o", str(target)],
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] and "Kündigung".encode() in outputs[0]


def test_subprocess_never_prints_a_traceback_on_bad_input(tmp_path: pathlib.Path) -> None:
    binary = tmp_path / "x.journey"
    binary.write_bytes(b"\x00\xff\xfe journey")
    done = cjdsl("check", str(binary))
    assert done.returncode == 1 and b"CJ006" in done.stderr and b"Traceback" not in done.stderr
    done = cjdsl("render", str(tmp_path))
    assert done.returncode == 2 and b"Traceback" not in done.stderr


def test_render_collapse_draws_stages_and_max_nodes_refuses_big_layouts(
    tmp_path: pathlib.Path,
) -> None:
    shop = str(ROOT / "examples" / "online-shop.journey")
    code, out, err = run("render", shop, "--collapse", "stage", "-f", "dot", "-o", "-")
    assert code == 0, err
    assert "Consideration" in out and "product-page" not in out
    code, _, err = run("render", shop, "--max-nodes", "5", "-o", str(tmp_path / "x.svg"))
    assert code == 2 and "--collapse stage" in err and "Traceback" not in err
    assert not (tmp_path / "x.svg").exists()
    target = tmp_path / "stages.svg"
    code, _, err = run(
        "render", shop, "--max-nodes", "5", "--collapse", "channel", "-o", str(target)
    )
    assert code == 0, err
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    code, _, err = run("render", shop, "--collapse", "stage", "-o", str(tmp_path / "m.html"))
    assert code == 2 and "--collapse draws diagrams" in err
    code, _, err = run("render", shop, "--highlight", "critical", "--collapse", "stage")
    assert code == 2 and "choose one of them" in err
    code, _, err = run("render", shop, "--highlight", "critical", "--max-nodes", "5", "-f", "svg")
    assert code == 2 and "-f html" in err and "Traceback" not in err


def test_render_leaves_infos_to_check(tmp_path: pathlib.Path) -> None:
    shop = str(ROOT / "examples" / "online-shop.journey")
    code, _, err = run("check", shop)
    assert code == 0 and "info[CJ50" in err  # funnel-order notes: for `check`
    code, _, err = run("render", shop, "-f", "dot", "-o", str(tmp_path / "shop.dot"))
    assert code == 0 and "info[" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain"], "give a code"),
        (["watch", "-", "-o", "x.svg"], "standard input (-) cannot be watched"),
        (["preview", "-"], "standard input (-) cannot be watched"),
        (["render", "-", "-o", "-", "--diagnostics", "json"], "use -o"),
    ],
)
def test_usage_mistakes_say_what_to_do(args: list[str], message: str) -> None:
    code, _, err = run(*args, input='journey "J"\n')
    assert code == 2 and message in err and "Traceback" not in err


def test_an_unknown_persona_gets_a_hint() -> None:
    code, _, err = run(
        "analyze", str(ROOT / "examples" / "online-shop.journey"), "--persona", "ana"
    )
    assert code == 2 and "did you mean `anna`?" in err
