"""The project settings: every key, its default, how its value is checked, where it came from.

A configuration text (``cjdsl.toml``, or ``[tool.cjdsl]`` of a ``pyproject.toml``) becomes
``Settings`` and a list of diagnostics (CJ701-CJ703) pointing into the TOML, with a "did you
mean" for a misspelt key, choice or code. A bad value is reported and its default kept, so
one typo never hides the other settings. Flags given on the command line are laid over
with ``Settings.override``; each value remembers whether it is a default, where in which
file it was set, or which flag set it (``cjdsl config`` shows that).
"""

from __future__ import annotations

import dataclasses
import pathlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from .. import codes
from ..diagnostics import Diagnostic, Suggestions, did_you_mean
from ..source import SourceFile, Span
from . import globs, positions

__all__ = [
    "DEFAULT_EXCLUDE",
    "KEYS",
    "Setting",
    "Settings",
    "defaults",
    "parse",
    "selected",
    "suggest_selector",
    "toml_value",
    "valid_selector",
]

DEFAULT_EXCLUDE: Final = (".*", "node_modules")
"""What a folder given to `check` or `fmt` never searches: hidden files and folders, npm's."""
ALL: Final = "ALL"


@dataclasses.dataclass(frozen=True, slots=True)
class Key:
    """One setting: its default, what it takes (said in messages) and its check."""

    name: str
    default: Any
    takes: str
    check: Callable[[Any], str | None]
    """``None`` for a good value, else what is wrong with it (a "did you mean" on a second
    line)."""


def _choice(values: Callable[[], Sequence[str]]) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a string"
        allowed = values()
        if value in allowed:
            return None
        hint = did_you_mean(value, allowed)
        return f"is `{value}`, none of {', '.join(allowed)}" + (f"\n{hint}" if hint else "")

    return check


def _themes() -> Sequence[str]:
    from ..rendering import options  # the one list of themes; loaded only to check one

    return options.THEMES


def _languages() -> Sequence[str]:
    from ..rendering import options

    return options.LANGS


def _directions() -> Sequence[str]:
    from ..rendering import options

    return options.DIRECTIONS


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be `true` or `false`"


def _path(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "must be a folder, as a string"


def _strings(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "must be a list of strings"
    return None


KEYS: Final = {
    key.name: key
    for key in (
        Key("theme", None, "a theme", _choice(_themes)),
        Key("lang", None, "a language", _choice(_languages)),
        Key("direction", None, "a direction", _choice(_directions)),
        Key("strict", False, "true or false", _bool),
        Key("import-root", None, "a folder", _path),
        Key("select", (ALL,), "codes", _strings),
        Key("extend-select", (), "codes", _strings),
        Key("ignore", (), "codes", _strings),
        Key("exclude", DEFAULT_EXCLUDE, "patterns", _strings),
        Key("extend-exclude", (), "patterns", _strings),
        Key("respect-gitignore", True, "true or false", _bool),
    )
}
"""Every key, in the order ``cjdsl config`` lists them."""
_CODE_KEYS: Final = ("select", "extend-select", "ignore")


@dataclasses.dataclass(frozen=True, slots=True)
class Setting:
    """One value, and where it came from: a place in a file, a flag, or the default."""

    value: Any
    origin: Span | None = None
    flag: str | None = None

    @property
    def source(self) -> str:
        """``default``, ``--strict`` or ``pyproject.toml:12:1``."""
        if self.flag:
            return self.flag
        return str(self.origin) if self.origin is not None else "default"


@dataclasses.dataclass(frozen=True, slots=True)
class Settings:
    """The settings in force for a file: ``path`` is the configuration file (``None``: none
    was found), ``folder`` what its paths and patterns are relative to."""

    values: Mapping[str, Setting]
    path: str | None = None
    folder: pathlib.Path = dataclasses.field(default_factory=pathlib.Path)

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def override(self, flags: Mapping[str, tuple[str, Any]]) -> Settings:
        """These settings with the command line's flags laid over them: ``{key: (flag,
        value)}``, a ``None`` value meaning the flag was not given."""
        values = dict(self.values)
        for name, (flag, value) in flags.items():
            if value is not None:
                values[name] = Setting(value, flag=flag)
        return dataclasses.replace(self, values=values)

    @property
    def strict(self) -> bool:
        return bool(self["strict"])

    @property
    def enabled(self) -> frozenset[str]:
        """The ids of the codes reported: ``select`` and ``extend-select``, less ``ignore``.
        Syntax errors (CJ0xx) and a bad configuration (CJ60x) are always reported."""
        chosen = selected([*self["select"], *self["extend-select"]]) - selected(self["ignore"])
        return chosen | _ALWAYS

    @property
    def excludes(self) -> globs.Patterns:
        """``exclude`` and ``extend-exclude``, relative to ``folder``."""
        return globs.Patterns.parse([*self["exclude"], *self["extend-exclude"]])

    @property
    def import_root(self) -> pathlib.Path | None:
        """The folder imports may not leave (CJ114), ``None`` for anywhere."""
        root = self["import-root"]
        return (self.folder / root).resolve() if root else None


_ALWAYS: Final = frozenset(
    [c.id for c in codes.ALL if c.id.startswith("CJ00")]
    + [c.id for c in (codes.INVALID_CONFIG, codes.UNKNOWN_SETTING, codes.INVALID_SETTING)]
)


def defaults(folder: pathlib.Path | None = None) -> Settings:
    """The settings when no file sets anything."""
    values = {name: Setting(key.default) for name, key in KEYS.items()}
    return Settings(values, None, folder or pathlib.Path())


def valid_selector(text: str) -> bool:
    """``ALL``, a code's id or name, or a prefix of ids (``CJ5``, ``cj50``)."""
    return bool(_codes_of(text))


def selected(selectors: Sequence[str]) -> frozenset[str]:
    """The ids the selectors name together.

    >>> sorted(selected(["CJ5", "dead-end"]))
    ['CJ201', 'CJ501', 'CJ502']
    """
    return frozenset(id_ for selector in selectors for id_ in _codes_of(selector))


def _codes_of(selector: str) -> frozenset[str]:
    text = selector.strip()
    if text == ALL:
        return frozenset(codes.BY_ID)
    code = codes.lookup(text)
    if code is not None:
        return frozenset((code.id,))
    prefix = text.upper()
    if len(prefix) < 3 or not prefix.startswith("CJ") or not prefix[2:].isdigit():
        return frozenset()
    return frozenset(c.id for c in codes.ALL if c.id.startswith(prefix))


def parse(
    text: str, path: str, *, table: tuple[str, ...] = ()
) -> tuple[Settings | None, tuple[Diagnostic, ...]]:
    """Settings from a TOML text shown as ``path``: top-level keys (``cjdsl.toml``), or
    those of ``table`` (``("tool", "cjdsl")`` in ``pyproject.toml``). ``None`` when the
    table is missing: that file sets nothing for cjdsl and the search goes on."""
    source = SourceFile(path, text)
    folder = pathlib.Path(path).parent
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        return defaults(folder), (
            Diagnostic(
                codes.INVALID_CONFIG,
                "the configuration nests arrays or tables too deeply to be read",
                Span(source, 0, 0),
                label="not read",
                hint="cjdsl reads no setting of this file until it is fixed",
            ),
        )
    except tomllib.TOMLDecodeError as error:
        at = positions.toml_error_offset(text, str(error))
        message = str(error).split(" (at ", 1)[0]
        return defaults(folder), (
            Diagnostic(
                codes.INVALID_CONFIG,
                f"the configuration is not valid TOML: {message[:1].lower()}{message[1:]}",
                Span(source, at, min(len(text), at + 1)),
                label="here",
                hint="cjdsl reads no setting of this file until it is fixed",
            ),
        )
    found: Any = data
    for name in table:
        found = found.get(name) if isinstance(found, dict) else None
    if not isinstance(found, dict):
        return None, ()
    data = found
    places = positions.scan(text)
    return _validate(data, source, folder, places, table)


def _validate(
    data: dict[str, Any],
    source: SourceFile,
    folder: pathlib.Path,
    places: Mapping[tuple[str, ...], positions.Entry],
    table: tuple[str, ...],
) -> tuple[Settings, tuple[Diagnostic, ...]]:
    values = dict(defaults(folder).values)
    found: list[Diagnostic] = []
    fallback = places.get(table)
    here = Span(source, *fallback.key) if fallback else Span(source, 0, 0)
    for name, value in data.items():
        entry = places.get((*table, name))
        key_span = Span(source, *entry.key) if entry else here
        key = KEYS.get(name)
        if key is None:
            hint = did_you_mean(name, KEYS)
            found.append(
                Diagnostic(
                    codes.UNKNOWN_SETTING,
                    f"unknown setting `{name}`",
                    key_span,
                    label="cjdsl has no such setting",
                    hint=hint or f"the settings are {', '.join(KEYS)}",
                )
            )
            continue
        value_span = Span(source, *entry.value) if entry else here
        problem = key.check(value)
        if problem is None and name in _CODE_KEYS:
            found += _bad_codes(name, value, entry, source, value_span)
            value = tuple(v for v in value if valid_selector(v))
        if problem is not None:
            problem, _, suggestion = problem.partition("\n")
            found.append(
                Diagnostic(
                    codes.INVALID_SETTING,
                    f"`{name}` {problem}",
                    value_span,
                    label=f"expected {key.takes}",
                    hint=suggestion or f"the default is used instead: {toml_value(key.default)}",
                )
            )
            continue
        values[name] = Setting(tuple(value) if isinstance(value, list) else value, key_span)
    return Settings(values, source.path, folder), tuple(found)


_SELECTORS: Final = Suggestions([*codes.BY_ID, *(c.name for c in codes.ALL)])


def suggest_selector(text: str) -> str | None:
    """``did you mean `dead-end`?`` for a selector that names no code."""
    return _SELECTORS.hint(text.strip())


def _bad_codes(
    name: str,
    value: list[str],
    entry: positions.Entry | None,
    source: SourceFile,
    whole: Span,
) -> list[Diagnostic]:
    """CJ703 for each selector of ``value`` that names no code, at its string."""
    items = entry.items if entry and len(entry.items) == len(value) else ()
    found = []
    for index, selector in enumerate(value):
        if valid_selector(selector):
            continue
        span = Span(source, *items[index]) if items else whole
        found.append(
            Diagnostic(
                codes.INVALID_SETTING,
                f"`{name}` names no code: `{selector}`",
                span,
                label="no such code or prefix",
                hint=_SELECTORS.hint(selector)
                or "write a code (`CJ502`), a prefix (`CJ5`), a name (`skipped-stage`) or ALL",
            )
        )
    return found


def toml_value(value: Any) -> str:
    """A value as TOML writes it (for messages and ``cjdsl config``).

    >>> toml_value(("CJ5", "dead-end")), toml_value(True), toml_value(None)
    ('["CJ5", "dead-end"]', 'true', '(none)')
    """
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
