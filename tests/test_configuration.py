"""Project configuration end to end: real files in temporary folders, the real CLI.

Which file applies (nearest, `cjdsl.toml` first, a pyproject without `[tool.cjdsl]` passed
over), what bad settings look like (file:line:col in the TOML, "did you mean"), flags over
the file, the code selection, folders with excludes and `.gitignore`, `--quiet`,
`--silent`, `--min-severity` and `cjdsl config`.
"""

from __future__ import annotations

import json
import pathlib

import pytest
from click.testing import CliRunner

from cjdsl import codes, configuration
from cjdsl.cli import cli
from cjdsl.configuration import globs, positions

GOOD = 'journey "Good"\nentry touchpoint a "A"\ngoal g "G"\nexit x\na -> g 40%\na -> x 10%\n'
WARN = 'journey "Warm"\nentry touchpoint a "Ä"\ntouchpoint b "B"\ngoal g "G"\na -> g\na -> b\n'
BAD = 'journey "Bad"\nentry touchpoint a "A"\ngoal g "G"\na -> gg 40%\n'
PYPROJECT = '[project]\nname = "shop"\n\n[tool.cjdsl]\n'


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def here(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- which file applies --------------------------------------------------------------


def test_the_nearest_file_wins_and_cjdsl_toml_beats_pyproject(here: pathlib.Path) -> None:
    write(here / "pyproject.toml", PYPROJECT + "strict = true\n")
    write(here / "a" / "cjdsl.toml", "strict = false\n")
    write(here / "a" / "pyproject.toml", PYPROJECT + 'theme = "dark"\n')
    write(here / "a" / "b" / "pyproject.toml", '[project]\nname = "no-table"\n')
    journey = write(here / "a" / "b" / "warn.journey", WARN)
    top = write(here / "warn.journey", WARN)
    assert run("check", str(top))[0] == 1  # strict from ./pyproject.toml
    assert run("check", str(journey))[0] == 0  # a/cjdsl.toml: the pyprojects are passed over
    found = configuration.Finder().for_path(journey)
    assert found.settings.path == "a/cjdsl.toml"
    assert found.settings["theme"] is None  # files are not merged
    assert found.settings.values["strict"].source == "a/cjdsl.toml:1:1"


def test_without_a_file_the_defaults_apply_up_to_the_root(here: pathlib.Path) -> None:
    found = configuration.Finder().for_path(write(here / "deep" / "er" / "x.journey", GOOD))
    assert found.settings.path is None and found.diagnostics == ()
    assert all(s.source == "default" for s in found.settings.values.values())


def test_a_finder_reads_each_folder_once(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", "strict = true\n")
    reads: list[pathlib.Path] = []

    def read(path: pathlib.Path) -> bytes:
        reads.append(path)
        return path.read_bytes()

    finder = configuration.Finder(read)
    for index in range(20):
        assert finder.for_path(here / "x" / f"{index}.journey").settings.strict
    assert reads == [here / "cjdsl.toml"]


def test_stdin_takes_the_working_directory_s_settings(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", "strict = true\n")
    assert run("check", "-", input=WARN)[0] == 1
    assert run("check", "--isolated", "-", input=WARN)[0] == 0


def test_config_option_names_the_file(here: pathlib.Path) -> None:
    other = write(here / "elsewhere" / "pyproject.toml", PYPROJECT + "strict = true\n")
    journey = write(here / "warn.journey", WARN)
    assert run("check", str(journey))[0] == 0
    assert run("check", "--config", str(other), str(journey))[0] == 1
    code, _, err = run("check", "--config", "missing.toml", str(journey))
    assert code == 2 and "missing.toml" in err


# -- bad settings ---------------------------------------------------------------------


def test_bad_settings_point_into_the_toml_with_a_suggestion(here: pathlib.Path) -> None:
    write(
        here / "pyproject.toml",
        PYPROJECT + 'theme = "drak"\nstirct = true\nselect = ["CJ2",\n  "unused-chanel"]\n',
    )
    code, _, err = run("check", str(write(here / "good.journey", GOOD)))
    assert code == 2
    assert "error[CJ703]: `theme` is `drak`, none of light, dark, print" in err
    assert "--> pyproject.toml:5:9" in err and "did you mean `dark`?" in err
    assert "error[CJ702]: unknown setting `stirct`" in err
    assert "--> pyproject.toml:6:1" in err and "did you mean `strict`?" in err
    assert "--> pyproject.toml:8:3" in err and "did you mean `unused-channel`?" in err
    assert '8 |   "unused-chanel"]' in err  # the configuration file is quoted


def test_a_file_that_is_not_toml_is_cj601_at_its_place(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", 'strict = true\ntheme = "dark\n')
    code, _, err = run("check", str(write(here / "good.journey", GOOD)))
    assert code == 2 and "error[CJ701]" in err and "--> cjdsl.toml:2:14" in err


def test_wrong_types_keep_the_default(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", 'strict = "yes"\nignore = "CJ5"\ndirection = "TB"\n')
    found = configuration.Finder().for_path(here)
    messages = [d.message for d in found.diagnostics]
    assert messages == ["`strict` must be `true` or `false`", "`ignore` must be a list of strings"]
    assert found.settings.strict is False and found.settings["direction"] == "TB"


@pytest.mark.parametrize(
    "code", [codes.INVALID_CONFIG, codes.UNKNOWN_SETTING, codes.INVALID_SETTING]
)
def test_documented_configuration_examples_produce_their_code(code: codes.Code) -> None:
    _settings, found = configuration.parse(code.example, "pyproject.toml", table=("tool", "cjdsl"))
    assert [d.code for d in found] == [code]


def test_documented_suppression_example_produces_its_code(here: pathlib.Path) -> None:
    journey = write(here / "example.journey", codes.UNUSED_SUPPRESSION.example)
    code, _, err = run("check", "--strict", str(journey))
    assert code == 1 and "warning[CJ704]" in err


def test_positions_follow_quoted_and_dotted_keys_and_tables() -> None:
    text = (
        '# comment with select = ["x"]\n[tool.other]\nselect = 1\n'
        '[ tool . "cjdsl" ]  # the table\n"ignore" = [ "a", \'b\' ]  # after\n'
        'note = """\nselect = not a key\n"""\nextend-select = ["c"]\n'
    )
    found = positions.scan(text)
    ignore = found[("tool", "cjdsl", "ignore")]
    assert text[slice(*ignore.key)] == '"ignore"'
    assert [text[slice(*i)] for i in ignore.items] == ['"a"', "'b'"]
    assert ("tool", "cjdsl", "select") not in found  # in a comment, a string, another table
    assert text[slice(*found[("tool", "other", "select")].value)] == "1"
    assert [text[slice(*i)] for i in found[("tool", "cjdsl", "extend-select")].items] == ['"c"']


# -- flags, codes, strictness ------------------------------------------------------------


def test_flags_beat_the_file(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", 'strict = true\nignore = ["dead-end"]\n')
    journey = write(here / "warn.journey", WARN)
    assert run("check", str(journey))[0] == 0  # CJ201 ignored
    code, _, err = run("check", "--ignore", "CJ4", str(journey))
    assert code == 1 and "CJ201" in err  # --ignore replaces the file's ignore
    assert run("check", "--ignore", "CJ4", "--no-strict", str(journey))[0] == 0
    code, _, err = run("check", "--select", "CJ1", "--ignore", "CJ4", str(journey))
    assert code == 0 and "CJ201" not in err


def test_codes_by_id_name_prefix_and_all(here: pathlib.Path) -> None:
    journey = write(here / "warn.journey", WARN)
    _, _, err = run("check", "--select", "CJ2", str(journey))
    assert "CJ201" in err
    _, _, err = run("check", "--select", "CJ3", "--extend-select", "dead-end", str(journey))
    assert "CJ201" in err
    _, _, err = run("check", "--select", "ALL", "--ignore", "cj20", str(journey))
    assert "CJ201" not in err
    code, _, err = run("check", "--select", "dead-ends", str(journey))
    assert code == 2 and "did you mean `dead-end`?" in err


def test_syntax_errors_cannot_be_deselected(here: pathlib.Path) -> None:
    broken = write(here / "broken.journey", 'journey "X"\nstage s "S" }\n')
    code, _, err = run("check", "--select", "CJ5", str(broken))
    assert code == 1 and "error[CJ001]" in err


def test_min_severity_quiet_and_silent(here: pathlib.Path) -> None:
    journey = write(here / "warn.journey", WARN)
    code, _, err = run("check", "--strict", "--min-severity", "error", str(journey))
    assert code == 0 and "CJ201" not in err and "no problems in 1 file" in err
    code, _, err = run("check", "--strict", "-q", str(journey))
    assert code == 1 and "CJ201" in err and "in 1 file" not in err
    code, out, err = run("check", "--strict", "--silent", str(journey))
    assert (code, out, err) == (1, "", "")
    shop = pathlib.Path(__file__).parents[1] / "examples" / "online-shop.journey"
    _, _, err = run("check", "--min-severity", "warning", str(shop))
    assert "info[" not in err


# -- folders ---------------------------------------------------------------------------


@pytest.fixture
def tree(here: pathlib.Path) -> pathlib.Path:
    for name in (
        "journeys/shop.journey",
        "journeys/sub/Kündigung.journey",
        "journeys/drafts/wip.journey",
        "journeys/.hidden/x.journey",
        "journeys/node_modules/y.journey",
        "journeys/build/z.journey",
        "journeys/old.draft.journey",
    ):
        write(here / name, BAD)
    write(here / "journeys" / "notes.txt", "not a journey")
    return here


def checked(*args: str) -> set[str]:
    _, out, _ = run("check", "--format", "json", *args)
    return {d["path"] for d in json.loads(out)["diagnostics"]}


def test_check_takes_folders_and_skips_hidden_ones(tree: pathlib.Path) -> None:
    assert checked("journeys") == {
        "journeys/shop.journey",
        "journeys/sub/Kündigung.journey",
        "journeys/drafts/wip.journey",
        "journeys/build/z.journey",
        "journeys/old.draft.journey",
    }


def test_excludes_and_gitignore(tree: pathlib.Path) -> None:
    write(tree / "pyproject.toml", PYPROJECT + 'extend-exclude = ["drafts/", "*.draft.journey"]\n')
    write(tree / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tree / ".gitignore", "build/\n")
    assert checked("journeys") == {"journeys/shop.journey", "journeys/sub/Kündigung.journey"}
    write(tree / "journeys" / "sub" / ".gitignore", "*.journey\n!Kündigung.journey\n")
    assert checked("journeys") == {"journeys/shop.journey", "journeys/sub/Kündigung.journey"}
    write(tree / "journeys" / "sub" / ".gitignore", "*.journey\n")
    assert checked("journeys") == {"journeys/shop.journey"}
    # a file named on the command line is checked whatever the patterns say
    assert checked("journeys/drafts/wip.journey") == {"journeys/drafts/wip.journey"}
    write(tree / "pyproject.toml", PYPROJECT + "exclude = []\nrespect-gitignore = false\n")
    assert "journeys/.hidden/x.journey" in checked("journeys")
    assert "journeys/build/z.journey" in checked("journeys")


def test_anchored_patterns_are_relative_to_the_configuration(tree: pathlib.Path) -> None:
    write(tree / "cjdsl.toml", 'extend-exclude = ["journeys/sub", "/journeys/build/"]\n')
    found = checked("journeys")
    assert "journeys/sub/Kündigung.journey" not in found
    assert "journeys/build/z.journey" not in found
    assert "journeys/shop.journey" in found


def test_fmt_walks_folders_the_same_way(tree: pathlib.Path) -> None:
    write(tree / "cjdsl.toml", 'extend-exclude = ["drafts"]\n')
    for path in tree.rglob("*.journey"):
        path.write_text(GOOD.replace("40%", "40 %"), encoding="utf-8")
    code, _, err = run("fmt", "--check", "journeys")
    assert code == 1
    assert "journeys/shop.journey" in err and "wip.journey" not in err and ".hidden" not in err


def test_an_empty_folder_says_so(here: pathlib.Path) -> None:
    (here / "empty").mkdir()
    code, _, err = run("check", "empty")
    assert code == 0 and "no journey files found" in err


# -- cjdsl config ------------------------------------------------------------------------


def test_config_shows_each_value_and_where_it_came_from(here: pathlib.Path) -> None:
    write(here / "pyproject.toml", PYPROJECT + 'theme = "dark"\nignore = ["CJ5"]\n')
    code, out, _ = run("config", "journeys/shop.journey")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "# configuration file: pyproject.toml"
    assert any(
        line.startswith('theme = "dark"') and line.endswith("# pyproject.toml:5:1")
        for line in lines
    )
    assert "direction = (none)                # default" in lines
    code, out, _ = run("config", "--format", "json")
    settings = json.loads(out)["settings"]
    assert settings["ignore"] == {"value": ["CJ5"], "source": "pyproject.toml:6:1"}
    assert set(settings) == set(configuration.KEYS)


def test_config_with_errors_exits_2(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", 'lang = "fr"\n')
    code, out, err = run("config")
    assert code == 2 and "lang = (none)" in out and "CJ703" in err and "cjdsl.toml:1:8" in err


def test_lang_accepts_german(here: pathlib.Path) -> None:
    write(here / "cjdsl.toml", 'lang = "de"\n')
    assert configuration.Finder().for_path(here).settings["lang"] == "de"


# -- patterns ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "folder", "expected"),
    [
        ("*.journey", "a/b/c.journey", False, True),
        ("drafts/", "a/drafts", True, True),
        ("drafts/", "a/drafts", False, None),
        ("a/*.journey", "a/x.journey", False, True),
        ("a/*.journey", "b/a/x.journey", False, None),
        ("**/old/*.journey", "x/y/old/z.journey", False, True),
        ("a/**/z.journey", "a/z.journey", False, True),
        ("[!x]?.journey", "ab.journey", False, True),
        ("[!x]?.journey", "xb.journey", False, None),
        ("\\!literal", "!literal", False, True),
        ("Kün*", "Kündigung.journey", False, True),
    ],
)
def test_gitignore_patterns(pattern: str, path: str, folder: bool, expected: bool | None) -> None:
    assert globs.Patterns.parse([pattern]).excluded(path, is_folder=folder) is expected


def test_star_matching_stays_fast_on_hostile_names() -> None:
    """The two-pointer match: 30 stars against a long name that almost matches."""
    assert not globs.match_name("*a" * 30 + "b", "a" * 5000)


def test_a_folder_named_on_the_command_line_is_searched_whatever_the_patterns(
    tree: pathlib.Path,
) -> None:
    write(tree / ".gitignore", "build/\n")
    write(tree / ".git" / "HEAD", "ref: refs/heads/main\n")
    assert checked("journeys/.hidden") == {"journeys/.hidden/x.journey"}
    assert checked("journeys/build") == {"journeys/build/z.journey"}
    assert "journeys/build/z.journey" not in checked("journeys")
    write(tree / "journeys" / ".hidden" / "node_modules" / "n.journey", BAD)
    assert "journeys/.hidden/node_modules/n.journey" not in checked("journeys/.hidden")


def test_import_root_refuses_imports_that_leave_it(here: pathlib.Path) -> None:
    write(here / "shared" / "channels.journey", 'channel web "Web" online\n')
    journey = write(
        here / "project" / "shop.journey",
        GOOD.replace('journey "Good"\n', 'journey "Good"\nimport "../shared/channels.journey"\n'),
    )
    code, _, err = run("check", str(journey))
    assert code == 0, err
    write(here / "project" / "cjdsl.toml", 'import-root = "."\n')
    code, _, err = run("check", str(journey))
    assert code == 1 and "error[CJ114]" in err
    assert configuration.Finder().for_path(journey).settings.import_root == (here / "project")


@pytest.mark.parametrize("deep", ["a = " + "[" * 100_000 + "]" * 100_000, "a = " + "{b=" * 50_000])
def test_hostile_nesting_is_a_located_problem_not_a_traceback(
    here: pathlib.Path, deep: str
) -> None:
    write(here / "cjdsl.toml", deep)
    code, _, err = run("check", str(write(here / "good.journey", GOOD)))
    assert code == 2 and "error[CJ701]" in err and "Traceback" not in err
