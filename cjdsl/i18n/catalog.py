"""The catalogs' upkeep: extract every UI text from the code, merge it into each ``.po``.

Run ``python -m cjdsl.i18n.catalog`` after adding or changing a ``t._("…")``: new texts
arrive untranslated (``tests/test_i18n.py`` fails until they are translated), texts the
code no longer uses are dropped. Extraction is Babel's own Python extractor.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator
from typing import Final

from . import CATALOGS, DEFAULT, DOMAIN, LANGS

__all__ = ["KEYWORDS", "extract", "update"]

KEYWORDS: Final = {"_": None, "ngettext": (1, 2), "N_": None}
"""The marker names: ``Locale._``, ``Locale.ngettext`` and ``i18n.N_`` for tables."""
PACKAGE: Final = pathlib.Path(__file__).resolve().parent.parent


def extract() -> dict[str | tuple[str, str], list[str]]:
    """Every marked text of the package (a plural as its two forms), with where it is."""
    from babel.messages.extract import extract_from_dir

    found: dict[str | tuple[str, str], list[str]] = {}
    for file, line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, []).append(f"{file}:{line}")
    return found


def _catalogs() -> Iterator[tuple[str, pathlib.Path]]:
    for lang in LANGS:
        if lang != DEFAULT:
            yield lang, CATALOGS / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update() -> None:
    """Add the new texts to each catalog (untranslated) and drop the ones no longer used."""
    from babel.messages import pofile

    messages = extract()
    for lang, path in _catalogs():
        with path.open("rb") as handle:
            catalog = pofile.read_po(handle, locale=lang, domain=DOMAIN)
        for key, places in messages.items():
            if key not in catalog:
                catalog.add(key, locations=[(p.rsplit(":", 1)[0], 0) for p in places])
        for message in list(catalog):
            if message.id and message.id not in messages:
                del catalog[message.id]
        with path.open("wb") as handle:
            pofile.write_po(handle, catalog, omit_header=False, no_location=True, width=100)


if __name__ == "__main__":
    update()
