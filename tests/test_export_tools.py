"""The exports read by the real tools: Mermaid (its npm package, in headless Chromium) and
D2 (``@terrastruct/d2``, D2's WebAssembly build, in node). Each text must parse and render,
and every touchpoint's label (and every stage's) must appear in the SVG the tool drew.

The npm packages are pinned in tests/js/package.json (``npm ci`` there; ``.ci/run`` does
it): these tests skip without them locally and fail under ``CI=true``.
"""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from cjdsl import loads, model
from cjdsl.interop import mermaid as mermaid_import
from cjdsl.language import literals
from cjdsl.rendering.exporters import d2, mermaid

from .browser import Browser, chromium
from .conftest import CASES, EXAMPLES, ROOT, load_journey, need

JS = ROOT / "tests" / "js"
MERMAID = JS / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
D2_PACKAGE = JS / "node_modules" / "@terrastruct" / "d2"
JOURNEYS = [*EXAMPLES, CASES / "interop" / "laden.journey"]
BROKEN_MERMAID = "journey\n  section A\n    no score here\n"
BROKEN_D2 = 'a: "unclosed\n'


def squeezed(text: str) -> str:
    """Text without blanks (the tools wrap lines) and without the zero-width mark."""
    return "".join(text.split()).replace(mermaid_import.EXPORT_MARK, "")


def missing(labels: list[str], drawn: str) -> list[str]:
    seen = squeezed(drawn)
    return [label for label in labels if squeezed(label) not in seen]


# -- Mermaid ------------------------------------------------------------------------------
PAGE = """<!doctype html><meta charset="utf-8"><body><div id="out"></div>
<script src="{script}"></script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict"}});
(async () => {{
  const results = [];
  for (const [i, text] of {texts}.entries()) {{
    try {{
      await mermaid.parse(text);
      const {{svg}} = await mermaid.render("d" + i, text);
      const box = document.getElementById("out");
      box.innerHTML = svg;
      results.push({{text: box.textContent, size: svg.length}});
      box.innerHTML = "";
    }} catch (error) {{
      results.push({{error: String(error && error.message || error)}});
    }}
  }}
  window.__results = JSON.stringify(results);
}})();
</script>"""


def render_mermaid(texts: list[str], tmp_path: pathlib.Path) -> list[dict[str, object]]:
    binary = chromium()
    need(binary is not None, "Chromium, to run Mermaid")
    need(MERMAID.exists(), "the `mermaid` npm package: run `npm ci` in tests/js")
    assert binary is not None
    page = tmp_path / "mermaid.html"
    page.write_text(PAGE.format(script=MERMAID.as_uri(), texts=json.dumps(texts)), "utf-8")
    browser = Browser(binary)
    try:
        browser.goto(page.as_uri())
        browser.wait_for("window.__results !== undefined", timeout=120)
        results = json.loads(browser.evaluate("window.__results"))
    finally:
        browser.close()
    assert isinstance(results, list)
    return results


def journey_labels(journey: model.Journey) -> list[str]:
    """Touchpoints and stages as the journey diagram names them (an empty section Mermaid
    does not draw: it places sections over their tasks)."""
    return [mermaid.name(n.label) or n.id for n in journey.touchpoints] + [
        mermaid.name(s.label) or s.id for s in journey.stages if s.touchpoints
    ]


def flowchart_labels(journey: model.Journey) -> list[str]:
    labels = [n.label for n in journey.touchpoints] + [s.label for s in journey.stages]
    return labels + [t.label for t in journey.transitions if t.label]


def test_mermaid_draws_every_export(tmp_path: pathlib.Path) -> None:
    journeys = [load_journey(path) for path in JOURNEYS]
    texts = [mermaid.journey(j).data for j in journeys] + [
        mermaid.flowchart(j).data for j in journeys
    ]
    imported = (CASES / "interop" / "einkauf.mmd").read_text("utf-8")
    results = render_mermaid([*texts, imported, BROKEN_MERMAID], tmp_path)
    *drawn, mine, broken = results
    assert "error" in broken, "a diagram Mermaid cannot parse must fail here"
    assert "error" not in mine, mine
    assert "Einkauf im Elektromarkt" in str(mine["text"])  # the front matter's title
    expected = [journey_labels(j) for j in journeys] + [flowchart_labels(j) for j in journeys]
    problems = {}
    for path, labels, result in zip(JOURNEYS * 2, expected, drawn, strict=True):
        if "error" in result:
            problems[path.name] = result["error"]
        elif lost := missing(labels, str(result["text"])):
            problems[path.name] = f"labels not drawn: {lost}"
    assert problems == {}


# -- D2 ---------------------------------------------------------------------------------
def render_d2(texts: list[str]) -> list[dict[str, str]]:
    node = shutil.which("node")
    need(node is not None, "node, to run D2's WebAssembly build")
    need(D2_PACKAGE.exists(), "the `@terrastruct/d2` npm package: run `npm ci` in tests/js")
    assert node is not None
    done = subprocess.run(
        [node, "render-d2.mjs"],
        cwd=JS,
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert isinstance(results, list)
    return results


def svg_text(svg: str) -> str:
    """What the SVG's ``<text>`` elements say (not its styles or embedded fonts)."""
    root = ET.fromstring(svg)

    def texts() -> Iterator[str]:
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] == "text":
                yield "".join(element.itertext())

    return " ".join(texts())


def test_d2_draws_every_export() -> None:
    journeys = [load_journey(path) for path in JOURNEYS]
    results = render_d2([*(d2.d2(j).data for j in journeys), BROKEN_D2])
    *drawn, broken = results
    assert "error" in broken, "a text D2 cannot parse must fail here"
    problems = {}
    for path, journey, result in zip(JOURNEYS, journeys, drawn, strict=True):
        labels = flowchart_labels(journey)
        if "error" in result:
            problems[path.name] = result["error"]
        elif lost := missing(labels, svg_text(result["svg"])):
            problems[path.name] = f"labels not drawn: {lost}"
    assert problems == {}


def test_the_npm_packages_are_pinned_by_a_lock_file() -> None:
    lock = json.loads((JS / "package-lock.json").read_text("utf-8"))
    manifest = json.loads((JS / "package.json").read_text("utf-8"))
    for name, version in manifest["dependencies"].items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


HOSTILE = ('say "hi" #1 <b> & 50%', "`code`", "zwei\nZeilen", "${x} \\ end", "Größe; a:b")


def hostile() -> model.Journey:
    lines = ['journey "J"', f"entry touchpoint t0 {literals.quote(HOSTILE[0])}"]
    lines += [f"touchpoint t{i} {literals.quote(label)}" for i, label in enumerate(HOSTILE) if i]
    lines += ['goal g "G"', "t0 -> " + " -> ".join(f"t{i}" for i in range(1, len(HOSTILE)))]
    lines += [f"t{len(HOSTILE) - 1} -> g {literals.quote(HOSTILE[0])}"]
    journey = loads("\n".join(lines)).journey
    assert journey is not None
    return journey


def test_hostile_labels_reach_mermaid_intact(tmp_path: pathlib.Path) -> None:
    """The escapes are Mermaid's own: what the label says is what is drawn."""
    journey = hostile()
    texts = [mermaid.flowchart(journey).data, mermaid.journey(journey).data]
    flow, diagram = render_mermaid(texts, tmp_path)
    assert "error" not in flow and "error" not in diagram, (flow, diagram)
    assert missing(list(HOSTILE), str(flow["text"])) == []
    assert missing(journey_labels(journey), str(diagram["text"])) == []


def test_hostile_labels_reach_d2_intact() -> None:
    (result,) = render_d2([d2.d2(hostile()).data])
    assert "error" not in result, result
    assert missing(list(HOSTILE), svg_text(result["svg"])) == []
