"""Wheel build step: compile the gettext catalogs (``.po``) into the ``.mo`` files gettext reads.

A source checkout compiles them in memory when first used (``cjdsl.i18n.translations``);
a wheel carries them compiled, so an installed cjdsl reads them as gettext always has.
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

from babel.messages import mofile, pofile
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CatalogHook(BuildHookInterface):  # type: ignore[misc]
    """Compile every ``cjdsl/i18n/locales/*/LC_MESSAGES/*.po`` into the wheel as ``.mo``."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = pathlib.Path(self.root)
        out = pathlib.Path(tempfile.mkdtemp(prefix="cjdsl-mo-"))
        for po in sorted((root / "cjdsl" / "i18n" / "locales").glob("*/LC_MESSAGES/*.po")):
            lang = po.parent.parent.name
            with po.open("rb") as handle:
                catalog = pofile.read_po(handle, locale=lang)
            target = out / f"{lang}-{po.stem}.mo"
            with target.open("wb") as handle:
                mofile.write_mo(handle, catalog)
            inside = po.relative_to(root).with_suffix(".mo").as_posix()
            build_data["force_include"][str(target)] = inside
