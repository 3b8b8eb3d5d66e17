"""Project configuration, the ruff way: ``cjdsl.toml`` or ``[tool.cjdsl]`` in ``pyproject.toml``.

``settings`` knows every key and checks values (diagnostics CJ701-CJ703 point into the
TOML: ``positions`` finds where, since ``tomllib`` does not say); ``discovery`` finds the
file that applies to a path, walking up the folders; ``globs`` matches the
``.gitignore``-style ``exclude`` patterns. Reading the files is the one I/O here, through
``cjdsl.files`` as every read is.
"""

from __future__ import annotations

from .discovery import CJDSL_TOML, PYPROJECT, Finder, Found, load_file
from .globs import Patterns
from .settings import KEYS, Setting, Settings, defaults, parse, selected, toml_value

__all__ = [
    "CJDSL_TOML",
    "KEYS",
    "PYPROJECT",
    "Finder",
    "Found",
    "Patterns",
    "Setting",
    "Settings",
    "defaults",
    "load_file",
    "parse",
    "selected",
    "toml_value",
]
