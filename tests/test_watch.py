"""`cjdsl watch` as a real process: edits to the file and its imports, good and broken.

Every wait is bounded and every process is killed in a ``finally``. The
watcher is stopped with SIGINT, once from a parent that ignores SIGINT as a
non-interactive shell's background job does (CI): Python keeps an inherited
"ignore", so before ``watch`` set its own handler, that stop waited 20 s and
failed.
"""

from __future__ import annotations

import os
import pathlib
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from cjdsl.preview import watching

from .conftest import CASES, need_dot

GOOD = (CASES / "lsp" / "kündigung.journey").read_text(encoding="utf-8")


class Running:
    """A `cjdsl watch` process whose stderr is read line by line as it comes."""

    def __init__(
        self, args: list[str], cwd: pathlib.Path, *, ignore_sigint: bool = False, **env: str
    ) -> None:
        command = [sys.executable, "-m", "cjdsl", "watch", *args]
        if ignore_sigint:  # as a background job of a non-interactive shell starts
            shell = shutil.which("sh") or "/bin/sh"  # found here: the child's PATH may be bare
            command = [shell, "-c", 'trap "" INT; exec "$@"', "sh", *command]
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env={**os.environ, "NO_COLOR": "1", **env},
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._queue.put(line.rstrip("\n"))

    def run_output(self, timeout: float = 30) -> str:
        """The output of the next whole run (up to its last line)."""
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.lines.append(line)
            seen.append(line)
            if re.match(r"wrote |cannot read |.* not updated", line):
                return "\n".join(seen)
        raise AssertionError("no run finished in time; saw:\n" + "\n".join(seen))

    def stop(self) -> int:
        """Ctrl-C: the exit status (the process is killed if it does not stop in 20 s)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=20)


@pytest.fixture
def folder(tmp_path: pathlib.Path) -> pathlib.Path:
    for name in ("kündigung.journey", "common.journey"):
        shutil.copy(CASES / "lsp" / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def watcher(folder: pathlib.Path) -> Iterator[Running]:
    need_dot()
    running = Running(  # out/ does not exist yet: watch makes it
        ["kündigung.journey", "-o", "out/diagram.svg", "--interval", "0.1", "--engine", "dot"],
        folder,
    )
    try:
        yield running
    finally:
        running.kill()


def save(path: pathlib.Path, text: str) -> None:
    """Save as editors do: a new file renamed over the old one, with a newer mtime."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    stamp = time.time_ns() + 1_000_000_000
    os.utime(temporary, ns=(stamp, stamp))
    os.replace(temporary, path)


def test_watch_renders_again_after_each_save_and_survives_broken_states(
    folder: pathlib.Path, watcher: Running
) -> None:
    output = folder / "out" / "diagram.svg"
    first = watcher.run_output()
    assert "── run 1" in first and "warning[CJ404]" in first
    assert "wrote out/diagram.svg" in first
    assert "Kündigung am Telefon" in output.read_text(encoding="utf-8")

    save(
        folder / "kündigung.journey",
        GOOD.replace('"Kündigung am Telefon"', '"Kündigung per Brief"'),
    )
    second = watcher.run_output()
    assert "── run 2" in second and "wrote out/diagram.svg" in second
    svg = output.read_text(encoding="utf-8")
    assert "Kündigung per Brief" in svg and "Telefon" not in svg

    save(folder / "kündigung.journey", GOOD.replace("kündigung -> weg", "kündgung -> weg"))
    broken = watcher.run_output()
    assert "error[CJ101]: unknown touchpoint `kündgung`" in broken
    assert "--> kündigung.journey:23:1" in broken
    assert "did you mean `kündigung`?" in broken
    assert "out/diagram.svg not updated" in broken
    assert "Kündigung per Brief" in output.read_text(encoding="utf-8")  # the last good one

    save(folder / "kündigung.journey", GOOD.replace("stage danach", "stage danach {"))
    syntax = watcher.run_output()
    assert "error[CJ0" in syntax and "not updated" in syntax

    (folder / "kündigung.journey").unlink()  # an editor that deletes before it writes
    gone = watcher.run_output()
    assert "cannot read kündigung.journey" in gone

    save(folder / "kündigung.journey", GOOD)
    back = watcher.run_output()
    assert "wrote out/diagram.svg" in back
    assert "Kündigung am Telefon" in output.read_text(encoding="utf-8")

    # a change in the imported file is a change too
    save(folder / "common.journey", 'channel hotline "Hotline 24/7" offline\npersona jörg "J"\n')
    imported = watcher.run_output()
    assert "wrote out/diagram.svg" in imported
    assert "Hotline 24/7" in output.read_text(encoding="utf-8")

    assert watcher.stop() == 0
    assert watcher.process.stderr is not None
    assert not list(folder.glob("out/.*.tmp"))  # atomic writes leave no temporary files


def test_watch_keeps_going_when_graphviz_fails(folder: pathlib.Path) -> None:
    # no `dot` on PATH: every render fails, the watch reports it and goes on
    running = Running(
        ["kündigung.journey", "-o", "x.svg", "--interval", "0.1", "--engine", "dot"],
        folder,
        ignore_sigint=True,
        PATH=str(folder / "no-such-bin"),
    )
    try:
        out = running.run_output()
        assert "error: the `dot` engine needs Graphviz's `dot` on PATH" in out
        assert "x.svg not updated" in out
        save(folder / "kündigung.journey", GOOD.replace("persona anna", "persona anna # !"))
        again = running.run_output()
        assert "run 2" in again and "x.svg not updated" in again
        started = time.monotonic()
        assert running.stop() == 0  # SIGINT stops it although the parent ignored SIGINT
        assert time.monotonic() - started < 10
        assert not (folder / "x.svg").exists()
    finally:
        running.kill()


def test_watch_refuses_stdout_and_its_own_input(folder: pathlib.Path) -> None:
    for output, message in (("-", "not possible"), ("kündigung.journey", "refusing to overwrite")):
        done = subprocess.run(
            [sys.executable, "-m", "cjdsl", "watch", "kündigung.journey", "-o", output],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2 and message in done.stderr


def test_the_watcher_sees_creation_change_and_removal(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "a.journey"
    seen = watching.Watcher(watching.snapshot([path]))
    assert not seen.changed()
    path.write_text("x")
    assert seen.changed() and not seen.changed()
    os.utime(path, ns=(1, 1))  # `touch`: same bytes, new time
    assert seen.changed()
    path.unlink()
    assert seen.changed()


def test_a_same_size_save_within_one_clock_tick_is_a_change(tmp_path: pathlib.Path) -> None:
    # file systems with a coarse clock (1 s, 2 s) give both saves the same mtime
    path = tmp_path / "a.journey"
    path.write_text("a -> b 60%")
    os.utime(path, ns=(10**18, 10**18))
    seen = watching.Watcher(watching.snapshot([path]))
    path.write_text("a -> b 61%")
    os.utime(path, ns=(10**18, 10**18))
    assert seen.changed()


def test_compile_notes_the_file_and_its_imports_before_reading_them(
    folder: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)  # a relative path, as typed: shown as typed, imports beside it
    found = watching.compile_watched(pathlib.Path("kündigung.journey"))
    assert found.document is not None and found.error is None
    assert [d.code.id for d in found.document.diagnostics] == ["CJ404"]
    assert str(found.document.diagnostics[0].span) == "kündigung.journey:16:7"
    assert sorted(p.name for p in found.seen) == ["common.journey", "kündigung.journey"]
    seen = watching.Watcher(found.seen)
    save(folder / "common.journey", 'channel hotline "Hotline" offline\n')
    assert seen.changed()

    missing = watching.compile_watched(folder / "nothing.journey")
    assert missing.document is None and isinstance(missing.error, FileNotFoundError)
    assert missing.seen == {folder / "nothing.journey": None}


def test_an_import_that_does_not_exist_yet_is_watched_for(folder: pathlib.Path) -> None:
    journey = folder / "kündigung.journey"
    save(journey, GOOD.replace('import "common.journey"', 'import "later/more.journey"'))
    found = watching.compile_watched(journey)
    assert found.document is not None
    assert "CJ109" in [d.code.id for d in found.document.diagnostics]
    later = (folder / "later" / "more.journey").resolve()
    assert found.seen[later] is None
    seen = watching.Watcher(found.seen)
    later.parent.mkdir()
    later.write_text((folder / "common.journey").read_text(encoding="utf-8"), encoding="utf-8")
    assert seen.changed()


def test_watch_and_preview_take_the_size_options_their_refusal_names() -> None:
    from click.testing import CliRunner

    from cjdsl.cli import cli

    for command in ("watch", "preview"):
        help_text = CliRunner().invoke(cli, [command, "--help"]).output
        assert "--collapse" in help_text and "--max-nodes" in help_text, command


def test_a_run_whose_output_has_become_the_journey_refuses_without_calling_it_a_bug(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cjdsl.cli import watch

    journey = tmp_path / "j.journey"
    journey.write_text('journey "J"\nentry touchpoint a\ngoal b\na -> b\n', encoding="utf-8")
    text = journey.read_bytes()
    alias = tmp_path / "out.svg"
    alias.symlink_to(journey)  # made while watching: OUTPUT now is the journey
    watch._run(str(journey), str(alias), lambda j: b"<svg/>")
    err = capsys.readouterr().err
    assert "not updated" in err and "bug" not in err
    assert journey.read_bytes() == text
