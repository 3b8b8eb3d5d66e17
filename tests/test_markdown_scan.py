"""Property: the MkDocs plugin finds exactly the journey fences a Markdown reader would see."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("mkdocs")
from cjdsl import mkdocs as plugin

JOURNEY = 'journey "J"\nentry touchpoint a "A"\ngoal b "B"\na -> b'
Piece = tuple[str, int]  # markdown text, number of journey fences a reader sees in it

prose: st.SearchStrategy[Piece] = st.sampled_from(
    [
        ("Some text with `![x](a.journey)` in code.", 0),
        ("A paragraph about ```journey fences.", 0),
        ("* a list item", 0),
    ]
)
journey_fence: st.SearchStrategy[Piece] = st.builds(
    lambda ticks, indent, info: (
        f"{indent}{'`' * ticks}journey{info}\n"
        + "\n".join(indent + line for line in JOURNEY.split("\n"))
        + f"\n{indent}{'`' * ticks}",
        1,
    ),
    st.integers(3, 5),
    st.sampled_from(["", "    "]),
    st.sampled_from(["", " {theme=dark}", " persona=anna"]),
)
other_fence: st.SearchStrategy[Piece] = st.builds(
    lambda lang, inner: (f"``````{lang}\n{inner[0]}\n``````", 0),  # longer than any inner
    st.sampled_from(["markdown", "text", ""]),
    journey_fence,
)
reference: st.SearchStrategy[Piece] = st.sampled_from(
    [("![Shop](shop.journey)", 1), ('![S](../s.journey "Caption"){persona=anna}', 1)]
)


@given(st.lists(st.one_of(prose, journey_fence, other_fence, reference), max_size=8))
def test_scan_finds_the_journeys_outside_other_code(pieces: list[Piece]) -> None:
    markdown = "\n\n".join(text for text, _ in pieces)
    blocks = plugin._scan(markdown)
    assert len(blocks) == sum(count for _, count in pieces)
    lines = markdown.split("\n")
    for block in blocks:
        if block.text is not None:
            assert block.text.strip() == JOURNEY
            assert lines[block.first].lstrip().startswith("```")
            assert lines[block.last].strip().startswith("```")
        else:
            assert block.path is not None and block.path.endswith(".journey")
