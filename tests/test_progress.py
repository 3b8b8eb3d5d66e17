"""Long commands: progress on a terminal only, and Ctrl-C that leaves nothing behind.

A real `cjdsl render` of a journey Graphviz needs minutes for runs once under a
pseudo-terminal (the `pty` module, with the terminal as its controlling tty, so
typing Ctrl-C sends SIGINT to cjdsl and Graphviz as a shell would) and once with
stderr on a pipe. Each is stopped while `dot` runs; the output file, its temporary
file and the `dot` process must all be gone, with one line and status 130.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pathlib
import random
import select
import signal
import subprocess
import sys
import termios
import time

import pytest

from cjdsl.cli import progress

from .conftest import need_dot

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pty and /proc: POSIX")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _slow_journey(touchpoints: int = 150) -> str:
    """A journey with random cross links: Graphviz 2.43 takes minutes to lay it out."""
    pick = random.Random(7)
    lines = ['journey "Groß und langsam"', 'channel web "Web" online']
    per = touchpoints // 4
    for stage in range(4):
        lines.append(f'stage s{stage} "Stufe {stage} für Jörg" {{')
        for i in range(stage * per, (stage + 1) * per):
            entry = "entry " if i == 0 else ""
            lines.append(f'  {entry}touchpoint t{i} "Schritt {i} – Übersicht" @web')
        if stage == 1:
            lines.append('  goal ziel "Gekauft"')
        lines.append("}")
    last = 4 * per - 1
    for i in range(last + 1):
        for j in sorted({pick.randrange(last + 1) for _ in range(3)} | {min(i + 1, last)}):
            if j != i:
                lines.append(f"t{i} -> t{j}")
        lines.append(f"t{i} -> ziel")
    return "\n".join(lines) + "\n"


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
        return [int(p) for p in text.split()]
    return []


def _name(pid: int) -> str:
    try:
        return pathlib.Path(f"/proc/{pid}/comm").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _wait_for_dot(cjdsl: subprocess.Popen[bytes], seconds: float = 60.0) -> int:
    """The pid of the `dot` child cjdsl started, once it runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and cjdsl.poll() is None:
        for child in _children(cjdsl.pid):
            if _name(child) == "dot":
                return child
        time.sleep(0.05)
    pytest.fail(f"cjdsl (exit {cjdsl.poll()}) never started Graphviz's dot")


def _gone(pid: int, seconds: float = 10.0) -> bool:
    """True once ``pid`` has left the process table (killed and reaped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = pathlib.Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        except OSError:
            return True
        if state.rsplit(")", 1)[1].split()[0] == "Z":  # a zombie of init: dead
            return True
        time.sleep(0.05)
    return False


def _render(folder: pathlib.Path) -> list[str]:
    journey = folder / "groß.journey"
    journey.write_text(_slow_journey(), encoding="utf-8")
    return [sys.executable, "-m", "cjdsl", "render", str(journey), "-o", str(folder / "groß.svg")]


def _env() -> dict[str, str]:
    return {**os.environ, "TERM": "xterm", "PYTHONUNBUFFERED": "1"}


def test_ctrl_c_on_a_terminal_shows_progress_then_stops_graphviz_and_writes_nothing(
    tmp_path: pathlib.Path,
) -> None:
    need_dot()
    argv = [*_render(tmp_path), "--engine", "dot", "--timeout", "600"]
    master, slave = os.openpty()

    def controlling_terminal() -> None:  # the new session's terminal: Ctrl-C reaches us
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    cjdsl = subprocess.Popen(
        argv,
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
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the terminal's other side closed
                    return
                if not chunk:
                    return
                seen += chunk

    try:
        dot = _wait_for_dot(cjdsl)
        read(f"laying out {tmp_path / 'groß.journey'} with Graphviz".encode(), 60.0)
        assert b"laying out" in seen, seen
        assert _name(dot) == "dot"
        os.write(master, b"\x03")  # Ctrl-C, as typed
        code = cjdsl.wait(timeout=60)
        read(b"\x00never", 2.0)  # the rest of the output, up to EOF
    finally:
        if cjdsl.poll() is None:
            cjdsl.kill()
            cjdsl.wait()
        os.close(master)
    text = seen.decode("utf-8", "replace").replace("\r\n", "\n")

    assert code == 130, text
    assert _gone(dot), "Graphviz was left running"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["groß.journey"]
    # the spinner: a frame, the step and its seconds, redrawn in place, cleared at the end
    assert "⠋ laying out" in text and " s\r\x1b[2K" in text
    after = text.rsplit("\x1b[2K", 1)[1]
    assert after.lstrip("^C\n").splitlines() == [
        "Error: interrupted (Ctrl-C): the output it was making was not written"
    ]
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        (signal.SIGINT, 130, "interrupted (Ctrl-C)"),
        (signal.SIGTERM, 143, "terminated (SIGTERM)"),
    ],
)
def test_a_signal_to_cjdsl_alone_kills_graphviz_and_a_pipe_gets_no_progress(
    tmp_path: pathlib.Path, signum: int, code: int, message: str
) -> None:
    need_dot()
    cjdsl = subprocess.Popen(
        [*_render(tmp_path), "--timeout", "600"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    try:
        dot = _wait_for_dot(cjdsl)
        time.sleep(3 * progress.DELAY)  # long enough that a terminal would show the spinner
        os.kill(cjdsl.pid, signum)  # cjdsl only: it must stop dot itself
        out, err = cjdsl.communicate(timeout=60)
    finally:
        if cjdsl.poll() is None:
            cjdsl.kill()
            cjdsl.wait()
    assert cjdsl.returncode == code, err
    assert out == b""
    assert err.decode("utf-8") == f"Error: {message}: the output it was making was not written\n"
    assert _gone(dot), "Graphviz was left running"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["groß.journey"]


def _drain(fd: int) -> bytes:
    seen = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_status_draws_on_a_terminal_after_its_delay_and_never_on_a_pipe() -> None:
    master, slave = os.openpty()
    read_end, write_end = os.pipe()
    with open(slave, "w", encoding="utf-8") as tty, open(write_end, "w", encoding="utf-8") as pipe:
        with progress.status("analysing groß.journey", stream=tty, delay=0.05):
            time.sleep(0.5)
        with progress.status("quick", stream=tty, delay=5.0):
            pass  # done before its delay: nothing drawn
        with progress.status("analysing groß.journey", stream=pipe, delay=0.0):
            time.sleep(0.3)
    drawn = _drain(master).decode("utf-8")
    os.close(master)
    piped = _drain(read_end)
    os.close(read_end)
    assert drawn.startswith("\r\x1b[2K⠋ analysing groß.journey … 0 s")
    assert drawn.count("analysing") >= 3 and drawn.endswith("\r\x1b[2K")  # redrawn, cleared
    assert "quick" not in drawn
    assert piped == b""


def test_ctrl_c_in_any_command_is_one_line_and_130(tmp_path: pathlib.Path) -> None:
    # `fmt -` waits for standard input that never ends; click alone would say "Aborted!", 1
    reader, writer = os.pipe()
    fmt = subprocess.Popen(
        [sys.executable, "-m", "cjdsl", "fmt", "-"],
        stdin=reader,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=_env(),
    )
    os.close(reader)
    try:
        os.write(writer, 'journey "Hälfte'.encode())
        time.sleep(3.0)  # well into reading its input
        fmt.send_signal(signal.SIGINT)
        out, err = fmt.communicate(timeout=60)
    finally:
        os.close(writer)
        if fmt.poll() is None:
            fmt.kill()
            fmt.wait()
    assert fmt.returncode == 130
    assert out == b""
    assert err.decode("utf-8") == (
        "Error: interrupted (Ctrl-C): the output it was making was not written\n"
    )
    assert list(tmp_path.iterdir()) == []
