"""`cjdsl lsp` without the optional pygls: a clear message and exit status 2."""

from __future__ import annotations

import subprocess
import sys

HIDE_PYGLS = (
    "import sys; sys.modules['pygls'] = None; sys.argv = ['cjdsl', 'lsp'];"
    "from cjdsl.cli import main; main()"
)


def test_lsp_without_pygls_says_what_to_install() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HIDE_PYGLS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "pip install 'cjdsl[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr
