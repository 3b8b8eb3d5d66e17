"""The pre-commit hooks (`.pre-commit-hooks.yaml`) run by the real pre-commit.

`pre-commit try-repo` installs cjdsl from this checkout's committed HEAD into a
virtual environment of its own (pip, from the normal index) and runs a hook in a
temporary git repository, as a user's `pre-commit run` would. The environment is
built once per test run, in a temporary PRE_COMMIT_HOME.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest

from cjdsl.language import formatting

from .conftest import ROOT, need

HOOKS = ROOT / ".pre-commit-hooks.yaml"
CLEAN = """\
journey "Kündigung"

channel telefon "Telefon" offline

stage überlegen "Überlegen" {
  touchpoint anruf "Anruf" @telefon
  goal gekündigt "Gekündigt"
}

anruf -> gekündigt 80%
anruf -> weg       20%

exit weg
"""
MESSY = """\
journey   "Kündigung"
channel telefon "Telefon" offline
stage überlegen "Überlegen" {
touchpoint   anruf "Anruf"   @telefon
goal gekündigt "Gekündigt" }
anruf->gekündigt  80%
anruf -> weg 20%
exit weg
"""
BROKEN = 'journey "Kaputt"\nstage s "S" {\n  touchpoint a "A"\n}\na -> nirgends\n'


@dataclasses.dataclass(frozen=True)
class Repo:
    """A temporary git repository and `pre-commit try-repo` run in it."""

    work: pathlib.Path
    run: Callable[..., subprocess.CompletedProcess[str]]


def test_the_hooks_file_names_both_hooks_for_journey_files() -> None:
    text = HOOKS.read_text(encoding="utf-8")
    for hook in ("cjdsl-check", "cjdsl-fmt"):
        assert f"- id: {hook}\n" in text
    assert text.count("language: python\n") == 2
    assert text.count("files: \\.journey$\n") == 2
    assert "entry: cjdsl check\n" in text and "entry: cjdsl fmt --quiet\n" in text


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """Runs `pre-commit try-repo <this checkout> HOOK --ref HEAD …` in a fresh git repository."""
    pre_commit = shutil.which("pre-commit", path=str(pathlib.Path(sys.executable).parent))
    need(pre_commit is not None, "pre-commit (pip install -e '.[test]')")
    git = shutil.which("git")
    need(git is not None, "git")
    need((ROOT / ".git").exists(), "a git checkout of cjdsl (pre-commit installs from its HEAD)")
    assert pre_commit is not None and git is not None
    head = subprocess.run(
        [git, "-C", str(ROOT), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    shown = subprocess.run(
        [git, "-C", str(ROOT), "show", f"{head}:.pre-commit-hooks.yaml"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    need(shown.returncode == 0, "a commit that holds .pre-commit-hooks.yaml (commit it first)")
    home = tmp_path_factory.mktemp("pre-commit-home")
    work = tmp_path_factory.mktemp("journeys")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PRE_COMMIT_COLOR": "never",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(home),  # no user's git configuration or hooks
    }
    subprocess.run([git, "init", "-q", str(work)], check=True, timeout=30, env=env)

    def run(hook: str, *args: str) -> subprocess.CompletedProcess[str]:
        subprocess.run([git, "add", "-A"], cwd=work, check=True, timeout=30, env=env)
        return subprocess.run(
            [pre_commit, "try-repo", str(ROOT), hook, "--ref", head, *args],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=900,  # the first run builds the environment: pip installs cjdsl
            env=env,
        )

    return Repo(work, run)


def test_cjdsl_check_passes_a_clean_journey_and_fails_a_broken_one(repo: Repo) -> None:
    work = repo.work
    (work / "kündigung.journey").write_text(CLEAN, encoding="utf-8")
    (work / "kaputt.journey").write_text(BROKEN, encoding="utf-8")
    (work / "notes.txt").write_text("no journey\n", encoding="utf-8")

    clean = repo.run("cjdsl-check", "--files", "kündigung.journey", "notes.txt")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "cjdsl check" in clean.stdout and "Passed" in clean.stdout

    broken = repo.run("cjdsl-check", "--files", "kaputt.journey")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert "error[CJ" in broken.stdout and "kaputt.journey:5:" in broken.stdout

    everything = repo.run("cjdsl-check", "--all-files")
    assert everything.returncode == 1 and "kaputt.journey" in everything.stdout
    (work / "kaputt.journey").unlink()
    assert repo.run("cjdsl-check", "--all-files").returncode == 0


def test_cjdsl_fmt_rewrites_a_messy_journey_and_then_passes(repo: Repo) -> None:
    work = repo.work
    messy = work / "chaos.journey"
    messy.write_text(MESSY, encoding="utf-8")
    expected = formatting.format_text(MESSY)
    assert expected is not None and expected != MESSY

    rewritten = repo.run("cjdsl-fmt", "--files", "chaos.journey")
    # pre-commit fails a hook that changed files, so the user stages the new layout
    assert rewritten.returncode == 1, rewritten.stdout + rewritten.stderr
    assert "files were modified by this hook" in rewritten.stdout
    assert messy.read_text(encoding="utf-8") == expected

    again = repo.run("cjdsl-fmt", "--files", "chaos.journey")
    assert again.returncode == 0, again.stdout + again.stderr
    assert messy.read_text(encoding="utf-8") == expected
