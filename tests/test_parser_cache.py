"""The per-user parser cache: private, reused, and never a reason to fail."""

from __future__ import annotations

import pathlib

import pytest

from cjdsl.language import parsing

TEXT = 'journey "T"\nentry touchpoint a "A"\ngoal b "B"\na -> b 40%\n'


@pytest.fixture
def cache_home(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "cjdsl"


def test_the_cache_is_a_private_folder_of_the_user(cache_home: pathlib.Path) -> None:
    assert parsing.cache_folder() == cache_home
    assert cache_home.stat().st_mode & 0o777 == 0o700


def test_a_parser_is_saved_once_and_loaded_after(cache_home: pathlib.Path) -> None:
    first = parsing._build(positions=False, plugins=None)
    (saved,) = cache_home.glob("parser-*.lark")
    written = saved.stat().st_mtime_ns
    second = parsing._build(positions=False, plugins=None)
    assert saved.stat().st_mtime_ns == written
    assert first.parse(TEXT) == second.parse(TEXT)


def test_parsers_with_other_options_get_their_own_file(cache_home: pathlib.Path) -> None:
    parsing._build(positions=False, plugins=None)
    parsing._build(positions=True, plugins=None)
    assert len(list(cache_home.glob("parser-*.lark"))) == 2


def test_a_folder_others_may_write_is_not_used(cache_home: pathlib.Path) -> None:
    cache_home.mkdir(mode=0o700)
    cache_home.chmod(0o777)  # a pickle others could plant is never loaded
    assert parsing.cache_folder() is None
    parsing._build(positions=False, plugins=None)
    assert list(cache_home.iterdir()) == []


def test_a_damaged_cache_file_is_rebuilt(cache_home: pathlib.Path) -> None:
    parsing._build(positions=False, plugins=None)
    (saved,) = cache_home.glob("parser-*.lark")
    saved.write_bytes(saved.read_bytes()[:50])
    assert parsing._build(positions=False, plugins=None).parse(TEXT) is not None


def test_no_cache_folder_at_all_still_parses(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert parsing.cache_folder() is None
    assert parsing._build(positions=True, plugins=None).parse(TEXT) is not None
