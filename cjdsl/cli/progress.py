"""Long commands on a terminal: a spinner that says what runs, and a clean Ctrl-C.

``status`` shows a one-line spinner on stderr, with the step and the seconds it has
taken, only when stderr is a terminal and only once a step has taken longer than
``DELAY`` (quick runs print nothing extra); it never writes to a pipe or a file,
so logs and captured stderr stay what they were. ``Interrupted`` is Ctrl-C as one
line and exit status 130, no traceback (the command group raises it for every
command); ``interruptible`` adds the same for SIGTERM (143) to a command: the
writes are atomic (``cjdsl.files.write_output``) and Graphviz children are killed
(``cjdsl.rendering.engines``), so an interrupted command leaves no partial file.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import IO, Any, Final, TypeVar

import click

__all__ = ["DELAY", "Interrupted", "TermExit", "Terminated", "interruptible", "status"]

F = TypeVar("F", bound=Callable[..., Any])

DELAY: Final = 1.0
"""Seconds a step runs before the spinner shows (shorter steps show nothing)."""
_TICK: Final = 0.1
_FRAMES: Final = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_CLEAR: Final = "\r\x1b[2K"


class Interrupted(click.ClickException):
    """Ctrl-C: one line on stderr, exit 130 (128 + SIGINT), as shells report it."""

    exit_code = 128 + signal.SIGINT

    def __init__(self, what: str = "interrupted (Ctrl-C)") -> None:
        super().__init__(f"{what}: the output it was making was not written")


class TermExit(Interrupted):
    """SIGTERM: one line, exit 143 (128 + SIGTERM)."""

    exit_code = 128 + signal.SIGTERM

    def __init__(self) -> None:
        super().__init__("terminated (SIGTERM)")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where it arrives so the same clean-up runs as for Ctrl-C."""


def interruptible(command: F) -> F:
    """Wrap a command so Ctrl-C and SIGTERM end it with ``Interrupted`` (exit 130 or 143).

    SIGTERM's default would end Python at once, without the clean-up that
    kills a running Graphviz child and removes a half-written temporary file.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        previous = _on_terminate()
        try:
            return command(*args, **kwargs)
        except Terminated:
            raise TermExit from None
        except KeyboardInterrupt:
            raise Interrupted() from None
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return run  # type: ignore[return-value]


def _on_terminate() -> Any:
    """Raise ``Terminated`` on SIGTERM (main thread only); the previous handler, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    return signal.signal(signal.SIGTERM, stop)


def _shows(stream: IO[str]) -> bool:
    """A spinner only for a person at a terminal: not a pipe, a file or ``TERM=dumb``."""
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # closed or replaced by something without isatty
        return False


@contextlib.contextmanager
def status(label: str, *, stream: IO[str] | None = None, delay: float = DELAY) -> Iterator[None]:
    """Show ``⠋ label … 3 s`` on a terminal's stderr while the block runs; clear it after.

    The spinner runs in a daemon thread, so the work itself (and Ctrl-C in the
    main thread) is not held up; the line is cleared however the block ends.
    """
    out = stream if stream is not None else sys.stderr
    if not _shows(out):
        yield
        return
    done = threading.Event()
    drawn = threading.Event()
    started = time.monotonic()

    def spin() -> None:
        if done.wait(delay):
            return
        for frame in itertools.cycle(_FRAMES):
            seconds = time.monotonic() - started
            with contextlib.suppress(OSError, ValueError):
                out.write(f"{_CLEAR}{frame} {label} … {seconds:.0f} s")
                out.flush()
                drawn.set()
            if done.wait(_TICK):
                return

    spinner = threading.Thread(target=spin, name="cjdsl-progress", daemon=True)
    spinner.start()
    try:
        yield
    finally:
        done.set()
        spinner.join(1.0)
        if drawn.is_set():
            with contextlib.suppress(OSError, ValueError):
                out.write(_CLEAR)
                out.flush()
