"""Docs builds with many diagrams say how far they are, and Ctrl-C leaves nothing half-written.

Real ``mkdocs build`` and ``sphinx-build`` runs in child processes: through a pipe they log a
line every ``progress_every`` renders and a summary (rendered now, from the cache), and no
spinner; under a pseudo-terminal MkDocs also shows the spinner while a slow diagram renders,
and Ctrl-C then leaves no image and no cache entry behind (both are written atomically
through ``cjdsl.files``), and no Graphviz running.
"""

from __future__ import annotations

import fcntl
import os
import pathlib
import select
import subprocess
import sys
import termios
import time

import pytest

from .conftest import need_dot
from .test_progress import _gone, _slow_journey, _wait_for_dot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pty and /proc: POSIX")


def _fences(count: int) -> str:
    return "\n".join(
        f'```journey\njourney "Seite {i} für Jörg"\nentry touchpoint a "Ä"\ngoal b "B"\n'
        f"a -> b 50%\n```\n"
        for i in range(count)
    )


def _mkdocs_site(root: pathlib.Path, page: str, every: int) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(f"# Übersicht\n\n{page}", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        f"site_name: Fortschritt\nplugins:\n  - cjdsl:\n      format: svg\n"
        f"      theme: light\n      progress_every: {every}\n",
        encoding="utf-8",
    )


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "PYTHONUNBUFFERED": "1", "NO_MKDOCS_2_WARNING": "1"}


def _mkdocs(root: pathlib.Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")]


def test_mkdocs_logs_progress_and_a_summary_through_a_pipe(tmp_path: pathlib.Path) -> None:
    need_dot()
    _mkdocs_site(tmp_path, _fences(5), every=2)
    first = subprocess.run(
        _mkdocs(tmp_path), cwd=tmp_path, capture_output=True, env=_env(), timeout=300
    )
    err = first.stderr.decode("utf-8")
    assert first.returncode == 0, err
    lines = [line for line in err.splitlines() if "cjdsl:" in line]
    assert [line.split(" (")[0] for line in lines] == [
        "INFO    -  cjdsl: 2 diagrams rendered",
        "INFO    -  cjdsl: 4 diagrams rendered",
        "INFO    -  cjdsl: 5 diagrams, 5 rendered",
    ]
    assert lines[-1].endswith(" s), 0 from the cache")
    assert "\x1b[2K" not in err and "⠋" not in err  # no spinner on a pipe
    again = subprocess.run(
        _mkdocs(tmp_path), cwd=tmp_path, capture_output=True, env=_env(), timeout=300
    )
    cached = [line for line in again.stderr.decode("utf-8").splitlines() if "cjdsl:" in line]
    assert cached == ["INFO    -  cjdsl: 5 diagrams, 0 rendered (0.0 s), 5 from the cache"]


def test_sphinx_reports_on_its_status_output(tmp_path: pathlib.Path) -> None:
    need_dot()
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["cjdsl.sphinx"]\ncjdsl_progress_every = 2\ncjdsl_format = "svg"\n',
        encoding="utf-8",
    )
    body = "\n".join(
        f'.. journey::\n\n   journey "Seite {i}"\n   entry touchpoint a "Ä"\n   goal b "B"\n'
        f"   a -> b 50%\n"
        for i in range(3)
    )
    (src / "index.rst").write_text(f"Übersicht\n=========\n\n{body}", encoding="utf-8")
    argv = [sys.executable, "-m", "sphinx", "-b", "html", str(src), str(tmp_path / "out")]
    run = subprocess.run(argv, capture_output=True, env=_env(), timeout=300)
    out = run.stdout.decode("utf-8")
    assert run.returncode == 0, run.stderr.decode("utf-8")
    lines = [line for line in out.splitlines() if "cjdsl:" in line]
    assert [line.split(" (")[0] for line in lines] == [
        "cjdsl: 2 diagrams rendered",
        "cjdsl: 3 diagrams, 3 rendered",
    ], out
    again = subprocess.run([*argv, "-E"], capture_output=True, env=_env(), timeout=300)
    assert "cjdsl: 3 diagrams, 0 rendered (0.0 s), 3 from the cache" in again.stdout.decode()


def test_ctrl_c_in_a_mkdocs_build_on_a_terminal_leaves_nothing_half_written(
    tmp_path: pathlib.Path,
) -> None:
    need_dot()
    slow = _slow_journey()
    _mkdocs_site(tmp_path, _fences(1) + f"\n```journey\n{slow}```\n", every=1)
    master, slave = os.openpty()

    def controlling_terminal() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    build = subprocess.Popen(
        _mkdocs(tmp_path),
        cwd=tmp_path,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=controlling_terminal,
        env=_env(),
    )
    os.close(slave)
    seen = b""

    def read(until: bytes, seconds: float) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while until not in seen and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen += chunk

    try:
        dot = _wait_for_dot(build, 120.0)
        read(b"cjdsl: rendering docs/index.md:", 60.0)
        os.write(master, b"\x03")
        build.wait(timeout=60)
        read(b"\x00never", 2.0)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert "⠋ cjdsl: rendering docs/index.md:" in text and "\r\x1b[2K" in text, text
    assert "cjdsl: 1 diagram rendered" in text  # the quick one, before the slow one
    assert build.returncode != 0
    assert _gone(dot), "Graphviz was left running"
    cache = tmp_path / ".cache" / "cjdsl"
    entries = sorted(p.suffix for p in cache.rglob("*") if p.is_file())
    assert entries == [".svg", ".version"], entries  # the quick diagram and dot's version
    assert not (tmp_path / "site" / "assets" / "cjdsl").exists() or not any(
        p.name.startswith("journey-") for p in (tmp_path / "site" / "assets" / "cjdsl").iterdir()
    )
    assert not [p for p in tmp_path.rglob("*") if ".tmp" in p.name or p.name.startswith(".#")]
