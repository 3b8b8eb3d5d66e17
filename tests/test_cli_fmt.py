"""`cjdsl fmt`: in place, --check, --diff, stdin, refusals and exit codes."""

from __future__ import annotations

import pathlib
import resource
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cjdsl.cli import cli

from .conftest import EXAMPLES

MESSY = 'journey "T"\nstage s {touchpoint a;goal b}\na->b 40%\n'
TIDY = 'journey "T"\n\nstage s {\n  touchpoint a\n  goal b\n}\n\na -> b  40%\n'
BROKEN = 'journey "T"\nstage s {\n  touchpoint a\na -> \n'


def run(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def messy(tmp_path: pathlib.Path) -> pathlib.Path:
    path = tmp_path / "messy.journey"
    path.write_text(MESSY, encoding="utf-8")
    return path


def test_formats_in_place(messy: pathlib.Path) -> None:
    code, out, err = run("fmt", str(messy))
    assert code == 0 and out == ""
    assert messy.read_text(encoding="utf-8") == TIDY
    assert f"reformatted {messy}" in err and "1 file reformatted" in err
    before = messy.stat().st_mtime_ns
    code, _, err = run("fmt", str(messy))
    assert code == 0 and "1 file left unchanged" in err
    assert messy.stat().st_mtime_ns == before  # an unchanged file is not rewritten


def test_check_writes_nothing_and_fails_on_changes(
    messy: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    tidy = tmp_path / "tidy.journey"
    tidy.write_text(TIDY, encoding="utf-8")
    code, out, err = run("fmt", "--check", str(messy), str(tidy))
    assert code == 1 and out == ""
    assert f"would reformat {messy}" in err and str(tidy) not in err.replace("tidy.journey", "")
    assert "1 file would be reformatted, 1 file already formatted" in err
    assert messy.read_text(encoding="utf-8") == MESSY
    assert run("fmt", "--check", str(tidy))[0] == 0


def test_diff_is_a_patch_that_applies(messy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    code, out, _ = run("fmt", "--diff", str(messy))
    assert code == 1 and messy.read_text(encoding="utf-8") == MESSY
    assert out.startswith(f"--- {messy}\t(original)\n+++ {messy}\t(formatted)\n@@ ")
    assert "\n-a->b 40%\n" in out and "\n+a -> b  40%\n" in out
    patch = shutil.which("patch")
    if patch is not None:
        subprocess.run([patch, "-s", "-p0"], input=out, text=True, cwd="/", check=True, timeout=30)
        assert messy.read_text(encoding="utf-8") == TIDY


def test_diff_marks_a_missing_final_newline(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "x.journey"
    path.write_text('journey "T"', encoding="utf-8")
    _, out, _ = run("fmt", "--diff", str(path))
    assert out.endswith('-journey "T"\n\\ No newline at end of file\n+journey "T"\n')


def test_stdin_to_stdout() -> None:
    code, out, err = run("fmt", "-", input=MESSY)
    assert (code, out, err) == (0, TIDY, "")
    code, out, _ = run("fmt", "--check", "-", input=MESSY)
    assert code == 1 and out == ""
    code, out, _ = run("fmt", "--diff", "-", input=MESSY)
    assert code == 1 and out.startswith("--- <stdin>\t(original)\n")


def test_syntax_errors_are_reported_and_the_file_is_untouched(
    tmp_path: pathlib.Path, messy: pathlib.Path
) -> None:
    broken = tmp_path / "broken.journey"
    broken.write_text(BROKEN, encoding="utf-8")
    code, _, err = run("fmt", str(broken), str(messy))
    assert code == 1
    assert "error[CJ005]" in err and f"{broken}:4:3" in err
    assert "1 file reformatted, 1 file not formatted (errors)" in err
    assert broken.read_text(encoding="utf-8") == BROKEN
    assert messy.read_text(encoding="utf-8") == TIDY
    code, out, _ = run("fmt", "-", input=BROKEN)
    assert code == 1 and out == ""


def test_invalid_utf8_is_refused(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.journey"
    path.write_bytes('journey "Kündigung"\n'.encode("latin-1"))
    code, _, err = run("fmt", str(path))
    assert code == 1 and "error[CJ006]" in err
    assert path.read_bytes() == 'journey "Kündigung"\n'.encode("latin-1")


def test_unreadable_file_exits_2_after_formatting_the_others(
    tmp_path: pathlib.Path, messy: pathlib.Path
) -> None:
    code, _, err = run("fmt", str(tmp_path / "missing.journey"), str(messy))
    assert code == 2 and "cannot read" in err and "missing.journey" in err
    assert messy.read_text(encoding="utf-8") == TIDY


def test_a_failed_write_exits_2_and_leaves_the_file(messy: pathlib.Path) -> None:
    def small_files() -> None:  # writes past 16 bytes fail with EFBIG, even for root
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))

    done = subprocess.run(
        [sys.executable, "-m", "cjdsl", "fmt", str(messy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=small_files,
    )
    assert done.returncode == 2 and f"cannot write {messy}" in done.stderr
    assert messy.read_text(encoding="utf-8") == MESSY
    assert [p.name for p in messy.parent.iterdir()] == [messy.name]  # no temporary file left


def test_folders_are_searched_for_journeys(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "node_modules").mkdir()
    (tmp_path / ".hidden").mkdir()
    for where in ("a", "a/b", "node_modules", ".hidden"):
        (tmp_path / where / "x.journey").write_text(MESSY, encoding="utf-8")
    (tmp_path / "a" / "notes.txt").write_text(MESSY, encoding="utf-8")
    code, _, err = run("fmt", str(tmp_path))
    assert code == 0 and "2 files reformatted" in err
    assert (tmp_path / "a" / "b" / "x.journey").read_text(encoding="utf-8") == TIDY
    for untouched in ("node_modules/x.journey", ".hidden/x.journey", "a/notes.txt"):
        assert (tmp_path / untouched).read_text(encoding="utf-8") == MESSY


def test_byte_order_mark_and_line_endings_are_kept(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bom.journey"
    path.write_bytes(b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode())
    assert run("fmt", str(path))[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + TIDY.replace("\n", "\r\n").encode()


def test_examples_pass_check() -> None:
    code, _, err = run("fmt", "--check", *map(str, EXAMPLES))
    assert code == 0, err


def test_no_arguments_is_a_usage_error() -> None:
    assert run("fmt")[0] == 2


def test_as_a_subprocess(messy: pathlib.Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cjdsl", "fmt", "--check", str(messy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and f"would reformat {messy}" in done.stderr
