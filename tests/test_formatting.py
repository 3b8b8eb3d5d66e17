"""The formatter: properties over generated journeys, goldens, examples and docs."""

from __future__ import annotations

import collections
import pathlib
import re

import lark
import pytest
from hypothesis import HealthCheck, given, settings

import cjdsl
from cjdsl import model
from cjdsl.language import formatting, parsing
from cjdsl.source import SourceFile

from .conftest import CASES, EXAMPLES, ROOT, Golden
from .strategies import journeys

FMT_CASES = sorted((CASES / "fmt").glob("*.journey"))
FMT_INPUTS = [p for p in FMT_CASES if not p.name.endswith(".fmt.journey")]
BLOCK = re.compile(r"```journey\n(.*?)```", re.DOTALL)
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fmt(text: str) -> str:
    out = formatting.format_text(text, path="t.journey")
    assert out is not None, "the formatter refused a valid text"
    return out


def meaning(text: str) -> object:
    doc = cjdsl.loads(text, path="t.journey", raise_on_error=False)
    assert doc.journey is not None
    return model.meaning(doc.journey)


def comment_texts(text: str) -> list[str]:
    return [c.text.rstrip() for c in parsing.parse(SourceFile("t", text)).comments]


def attachments(text: str) -> collections.Counter[tuple[str, str, str]]:
    """Where each comment stands, told independently of the formatter's own logic:
    at the end of an element's last line, after a `{`, before an element, or last
    in a block; the element named by its kind and first words."""
    parsed = parsing.parse(SourceFile("t", text))
    assert parsed.tree is not None and not parsed.diagnostics
    source = parsed.source
    elements: list[tuple[int, int, str, lark.Tree[lark.Token] | None]] = []

    def walk(tree: lark.Tree[lark.Token], parent: str) -> None:
        for child in tree.children:
            if not isinstance(child, lark.Tree):
                continue
            if child.data in ("block", "stage_body"):
                elements.append((child.meta.start_pos, child.meta.end_pos, parent, child))
                walk(child, parent)
            elif child.data in ("header", "import_", "persona", "channel", "stage", "node"):
                names = [
                    t for t in child.children if isinstance(t, lark.Token) and t.type == "NAME"
                ]
                me = f"{child.data} {names[0] if names else ''}"
                elements.append((child.meta.start_pos, child.meta.end_pos, me, None))
                walk(child, me)
            elif child.data in ("attribute", "transition"):
                words = [
                    str(t) for t in child.scan_values(lambda t: getattr(t, "type", "") == "NAME")
                ]
                me = f"{child.data} {words[0] if child.data == 'attribute' else words}"
                elements.append((child.meta.start_pos, child.meta.end_pos, me, None))

    walk(parsed.tree, "file")
    line = source.line_col
    found: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for comment in parsed.comments:
        at = comment.span.start
        text_ = comment.text.rstrip()
        ended = [e for e in elements if e[3] is None and e[1] <= at]
        ended = [e for e in ended if line(e[1] - 1)[0] == line(at)[0]]
        blocks = [e for e in elements if e[3] is not None and e[0] < at < e[1]]
        block = max(blocks, key=lambda e: e[0], default=(0, len(source.text), "file", None))
        last = max(ended, key=lambda e: e[1], default=None)
        if (
            block[2] != "file"
            and line(block[0])[0] == line(at)[0]
            and (not last or last[1] < block[0])
        ):
            found[text_, "opening", block[2]] += 1
        elif last is not None:
            found[text_, "end of", last[2]] += 1
        else:
            after = [e for e in elements if e[3] is None and e[0] > at and e[0] < block[1]]
            nearest = min(after, key=lambda e: e[0], default=None)
            if nearest is not None:
                found[text_, "before", nearest[2]] += 1
            else:
                found[text_, "last in", block[2]] += 1
    return found


# -- properties ------------------------------------------------------------------------------


@PROPERTY
@given(journeys())
def test_formatting_is_idempotent(text: str) -> None:
    once = fmt(text)
    assert fmt(once) == once


@PROPERTY
@given(journeys())
def test_formatting_keeps_the_meaning(text: str) -> None:
    assert meaning(fmt(text)) == meaning(text)


@PROPERTY
@given(journeys())
def test_comments_stay_with_their_statements(text: str) -> None:
    assert attachments(fmt(text)) == attachments(text)


@PROPERTY
@given(journeys(canonical=True))
def test_comments_keep_their_order(text: str) -> None:
    assert comment_texts(fmt(text)) == comment_texts(text)


# -- goldens and fixed cases --------------------------------------------------------------------


@pytest.mark.parametrize("case", FMT_INPUTS, ids=lambda p: p.stem)
def test_golden(case: pathlib.Path, golden: Golden) -> None:
    text = case.read_text(encoding="utf-8")
    out = fmt(text)
    golden(case.with_suffix(".fmt.journey"), out)
    assert fmt(out) == out
    assert meaning(out) == meaning(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_are_formatted(path: pathlib.Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fmt(text) == text, f"run `cjdsl fmt {path.relative_to(ROOT)}`"


DOC_SAMPLES = [
    pytest.param(text, id=f"{page.name}-{index}")
    for page in PAGES
    if page.name != "diagnostics.md"  # wrong on purpose
    for index, text in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")))
]


@pytest.mark.parametrize("text", DOC_SAMPLES)
def test_doc_samples_are_formatted(text: str) -> None:
    assert fmt(text) == text, "format the block: paste it into `cjdsl fmt -`"


@pytest.mark.parametrize(
    "text",
    ['journey "T"\nstage s {\n', 'journey "T"\na -> \n', 'journey "T"\n$', 'journey "T\n'],
)
def test_syntax_errors_are_refused(text: str) -> None:
    assert formatting.format_text(text) is None


def test_layout() -> None:
    text = (
        '# file\n\nchannel  web "Web" online;channel store "Store shop"  offline\n'
        'persona anna "Anna" {goal "x"; description "d"}\n'
        'journey "T" {owner "o"; description """\n   line one\n     line two\n"""}\n'
        'stage s {touchpoint a @web {tags t, u; emotion +1 "ok"}  # eol\n'
        '  a -> b "l" after 2d 30%\n  abc -> b for anna 5%\n\n\n'
        '  description "first"}\n'
        "stage t\n"
    )
    assert fmt(text) == (
        "# file\n"
        "\n"
        'journey "T"\n'
        '  description """\n'
        "    line one\n"
        "      line two\n"
        '    """\n'
        '  owner "o"\n'
        "\n"
        'persona anna "Anna" { description "d"; goal "x" }\n'
        "\n"
        'channel web   "Web"        online\n'
        'channel store "Store shop" offline\n'
        "\n"
        "stage s {\n"
        '  description "first"\n'
        '  touchpoint a @web { emotion +1 "ok"; tags t, u }  # eol\n'
        '  a   -> b  30%  after 2d  "l"\n'
        "  abc -> b  5%                  for anna\n"
        "}\n"
        "\n"
        "stage t\n"
    )


def test_comments_in_blocks_and_aligned_at_line_ends() -> None:
    text = (
        'journey "T"\nstage s { # opening\n  touchpoint a {  # a\n    pain "p" # pain\n'
        '    # before action\n    action "x"\n    # last in a\n  }\n  # last in s\n} # after s\n'
        "# end\n"
    )
    assert fmt(text) == (
        'journey "T"\n'
        "\n"
        "stage s {         # opening\n"
        "  touchpoint a {  # a\n"
        "    # before action\n"
        '    action "x"\n'
        '    pain "p"  # pain\n'
        "    # last in a\n"
        "  }\n"
        "  # last in s\n"
        "}  # after s\n"
        "# end\n"
    )


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ('"""  one line  """', '"one line"'),
        ('"a \\"b\\" \\\\ c\\td"', '"a \\"b\\" \\\\ c\\td"'),
        ('"tab\there"', '"tab\\there"'),
        ('"""C:\\temp"""', '"C:\\\\temp"'),
        ('"unknown \\q escape"', '"unknown \\\\q escape"'),
        ('"two\\nlines"', '"""\n    two\n    lines\n    """'),
        ('"  lead\\nx"', '"  lead\\nx"'),  # """ would strip the leading spaces
        ('"trailing  \\nx"', '"trailing  \\nx"'),  # editors strip trailing spaces
    ],
)
def test_strings_are_quoted_canonically(written: str, canonical: str) -> None:
    out = fmt(f'journey "T"\ntouchpoint a {{\n  action {written}\n}}\n')
    assert out == f'journey "T"\n\ntouchpoint a {{\n  action {canonical}\n}}\n'
    assert meaning(out) == meaning(f'journey "T"\ntouchpoint a {{ action {written} }}')


def test_numbers_and_ids_are_kept_as_written() -> None:
    text = 'journey "T"\ntouchpoint kündigung-1 { kpi x .50 EUR; emotion +1.0 }\n'
    text += "kündigung-1 -> ä 0.40\n"
    out = fmt(text)
    assert "kpi x .50 EUR" in out and "emotion +1.0" in out and "-> ä  0.40" in out


def test_long_one_line_block_is_opened() -> None:
    long = "x" * 80
    out = fmt(f'journey "T"\ntouchpoint a {{ action "{long}"; pain "p" }}\n')
    assert out.splitlines()[2:] == ["touchpoint a {", f'  action "{long}"', '  pain "p"', "}"]


def test_empty_blocks_and_separators_disappear() -> None:
    assert fmt('journey "T";;\nstage s {}\ntouchpoint a {  }; ; \n') == (
        'journey "T"\n\nstage s\n\ntouchpoint a\n'
    )


def test_windows_line_endings_are_kept() -> None:
    text = 'journey "T"\r\n  description """\r\n    a\r\n    b\r\n    """\r\na -> b\r\n'
    out = fmt(text)
    assert out == text.replace("\r\na ->", "\r\n\r\na ->")
    assert meaning(out) == meaning(text)


def test_blank_lines_inside_groups_are_kept_but_never_doubled() -> None:
    text = 'journey "T"\na -> b\n\n\n\nb -> c\nc -> d\n\n\n# note\n\n\nd -> e\n'
    assert fmt(text) == 'journey "T"\n\na -> b\n\nb -> c\nc -> d\n\n# note\n\nd -> e\n'


def test_empty_and_comment_only_texts() -> None:
    assert fmt("") == "" and fmt(" \n;\n\n") == ""
    assert fmt("  # only a comment  \n\n\n# two") == "# only a comment\n\n# two\n"


def test_the_fast_parse_is_refused_because_it_has_no_comments() -> None:
    from cjdsl.source import SourceFile

    fast = parsing.parse_fast(SourceFile("x.journey", 'journey "J"  # kept\n'))
    with pytest.raises(ValueError, match="parse_fast drops comments"):
        formatting.format_parsed(fast)
