"""MkDocs hook: leave pages that are still being written out of the nav until they exist."""

from __future__ import annotations

import pathlib
from typing import Any

OPTIONAL = frozenset({"analysis.md"})


def on_config(config: Any) -> Any:
    docs = pathlib.Path(config.docs_dir)
    config.nav = _prune(config.nav or [], docs)
    return config


def _prune(items: list[Any], docs: pathlib.Path) -> list[Any]:
    kept = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            kept.append({next(iter(item)): _prune(value, docs)})
        elif not (value in OPTIONAL and not (docs / value).exists()):
            kept.append(item)
    return kept
