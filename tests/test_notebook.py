"""Journeys in Jupyter: diagrams, maps and report tables inline, DataFrames, ``%%journey``,
and docs/notebook.ipynb run in a real kernel (nbclient, ipykernel) with its outputs checked."""

from __future__ import annotations

import importlib.util
import pathlib
import re
import subprocess
import sys
from typing import Any

import pytest

import cjdsl
from cjdsl import analysis
from cjdsl.analysis import tables
from cjdsl.notebook import display, magic, reports, svgids
from cjdsl.rendering import engines

from .browser import Browser, chromium
from .conftest import ROOT, need, need_dot

GERMAN = ROOT / "examples" / "versicherung.journey"
SHOP = ROOT / "examples" / "online-shop.journey"
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
PAGE = ROOT / "docs" / "notebooks.md"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def references(svg: str) -> set[str]:
    """Every id the SVG's markup points at: ``url(#…)``, ``href="#…"``, aria id lists."""
    found = set(re.findall(r"url\(#([^)]+)\)", svg))
    found |= set(re.findall(r'href="#([^"]+)"', svg))
    for listed in re.findall(r'aria-(?:labelledby|describedby)="([^"]*)"', svg):
        found |= set(listed.split())
    return found


# --- ids ------------------------------------------------------------------------------------------


def test_namespacing_renames_graphviz_ids_and_every_reference_to_them() -> None:
    svg = (
        '<svg aria-labelledby="t d"><title id="t">x</title><desc id="d">y</desc><defs>'
        '<linearGradient id="l_1"/><clipPath id="clip1"/></defs>'
        '<g id="clust1" class="cluster"><path fill="url(#l_1)" clip-path="url(#clip1)"/></g>'
        "<g id='node1'><a xlink:href=\"#node1\" href='#edge1'><text>see url(#l_1) id=\"x\"</text>"
        '</a></g><g id="edge1" style="fill:url(\'#l_1\')"/>'
        '<a href="https://example.com/#top">link</a></svg>'
    )
    out = svgids.namespace(svg, "nb7")
    expected = ["t", "d", "l_1", "clip1", "clust1", "node1", "edge1"]
    assert svgids.ids(out) == [f"nb7-{i}" for i in expected]
    assert 'aria-labelledby="nb7-t nb7-d"' in out
    assert 'fill="url(#nb7-l_1)" clip-path="url(#nb7-clip1)"' in out
    assert "xlink:href=\"#nb7-node1\" href='#nb7-edge1'" in out
    assert "style=\"fill:url('#nb7-l_1')\"" in out
    assert '<text>see url(#l_1) id="x"</text>' in out  # text is no markup
    assert 'href="https://example.com/#top"' in out  # a link is no reference


def test_namespacing_replaces_the_emitters_prefix_instead_of_stacking_another() -> None:
    svg = '<g id="cjdsl"><g id="cjdsl&#45;node&#45;a"/><g id="node1"/></g>'
    assert svgids.ids(svgids.namespace(svg, "nb", old="cjdsl")) == [
        "nb",
        "nb&#45;node&#45;a",
        "nb-node1",
    ]


def test_namespacing_leaves_markup_it_cannot_read_as_it_is() -> None:
    for svg in ('<g id="a', "<g id=a>", '<!-- <g id="x"> ', "<![CDATA[ <g id='x'> ]]>", "<g"):
        assert svgids.namespace(svg, "nb") == svg


def test_a_label_full_of_references_stays_text() -> None:
    need_dot()
    doc = cjdsl.loads(f'journey "J"\nentry touchpoint a "{"url(#a) " * 50}"\ngoal g\na -> g')
    svg = display.Diagram(doc).svg()
    assert "url(#a) url(#a)" in svg
    assert all(i.startswith("nb") for i in svgids.ids(svg))


# --- diagrams -------------------------------------------------------------------------------------


def test_two_documents_on_one_page_share_no_id_and_each_points_only_at_its_own() -> None:
    need_dot()
    german = cjdsl.load(GERMAN)._repr_svg_()
    shop = cjdsl.load(SHOP)._repr_svg_()
    dark = display.Diagram(cjdsl.load(SHOP), cjdsl.rendering.Options(theme="dark")).svg()
    assert german is not None and shop is not None
    seen: set[str] = set()
    for svg in (german, shop, dark):
        ids = svgids.ids(svg)
        assert len(ids) == len(set(ids)) > 10
        assert not set(ids) & seen
        assert references(svg) <= set(ids)
        seen |= set(ids)


def _graphviz_with_its_own_ids(colour: str) -> str:
    """What Graphviz writes for a graph whose DOT names no ids: ``graph0``, ``clust1``,
    ``node1``, ``edge1`` and a gradient ``l_0`` that the node's ``fill`` points at."""
    source = (
        f'digraph {{ subgraph cluster_a {{ a [style=filled fillcolor="{colour}:white"] }} a -> b }}'
    )
    return engines.layout(source, format_="svg", engine="dot", limits=engines.Limits()).decode()


def test_a_browser_shows_two_diagrams_on_one_page_each_with_its_own_defs(
    tmp_path: pathlib.Path,
) -> None:
    need_dot()
    binary = chromium()
    need(binary is not None, "Chromium (Debian package `chromium`)")
    assert binary is not None
    shown = [cjdsl.load(GERMAN)._repr_html_(), cjdsl.load(SHOP)._repr_html_()]
    for name, colour in (("nbred", "red"), ("nbblue", "blue")):
        raw = _graphviz_with_its_own_ids(colour)
        assert 'id="l_0"' in raw and 'fill="url(#l_0)"' in raw and 'id="clust1"' in raw
        namespaced = svgids.namespace(raw[raw.index("<svg") :], name)
        shown.append(f'<div class="cjdsl-diagram">{namespaced}</div>')
    broken = cjdsl.loads('journey "Kaputt"\nentry touchpoint a\na -> b', raise_on_error=False)
    shown.append(broken._repr_html_())
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><body>' + "".join(shown) + "</body>", "utf-8"
    )
    browser = Browser(binary, width=1200, height=900)
    try:
        browser.goto(page.as_uri())
        seen = browser.evaluate(
            """(() => {
              const svgs = [...document.querySelectorAll('.cjdsl-diagram > svg')];
              const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
              const dangling = [];
              for (const svg of svgs) {
                for (const e of svg.querySelectorAll('*')) {
                  for (const a of e.attributes) {
                    const refs = [...a.value.matchAll(/url\\(#([^)]+)\\)/g)].map(m => m[1]);
                    if (a.name.endsWith('href') && a.value.startsWith('#'))
                      refs.push(a.value.slice(1));
                    for (const r of refs)
                      if (!svg.querySelector('#' + CSS.escape(r))) dangling.push(r);
                  }
                }
              }
              const named = svgs.slice(0, 2).map(s => {
                const ids = s.getAttribute('aria-labelledby').split(' ');
                if (!ids.every(i => s.querySelector('#' + CSS.escape(i)))) dangling.push(ids);
                return document.getElementById(ids[0]).textContent;
              });
              const gradients = svgs.slice(2).map(s => {
                const fill = s.querySelector('ellipse').getAttribute('fill');
                const target = document.getElementById(fill.slice(5, -1));
                return target.closest('svg') === s && target.querySelector('stop')
                  .getAttribute('style');
              });
              return {
                count: svgs.length,
                gradients,
                unique: new Set(ids).size === ids.length,
                dangling,
                named,
                widths: svgs.map(s => s.getBoundingClientRect().width),
                text: svgs[0].textContent.includes('Rückruf-Service'),
                error: document.querySelector('details.cjdsl-diagnostics[open]').innerText,
              };
            })()"""
        )
    finally:
        browser.close()
    assert seen["count"] == 4 and seen["unique"] and seen["dangling"] == []
    red, blue = seen["gradients"]  # each fill is its own diagram's gradient, in its colour
    assert "red" in red and "blue" in blue
    assert seen["named"][0] == "Kfz-Versicherung: Abschluss, Schadenfall und Kündigung"
    assert all(w > 300 for w in seen["widths"][:2]) and seen["text"]
    assert "error[CJ101]" in seen["error"] and "<string>:3:6" in seen["error"]


def test_a_drawing_keeps_its_namespace_when_drawn_again() -> None:
    need_dot()
    assert cjdsl.load(SHOP)._repr_svg_() == cjdsl.load(SHOP)._repr_svg_()


def test_a_document_shows_its_diagram_with_umlauts_and_its_warnings() -> None:
    need_dot()
    doc = cjdsl.load(GERMAN)
    bundle = doc._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain", "image/svg+xml"}
    svg = bundle["image/svg+xml"]
    assert "Rückruf&#45;Service" in svg or "Rückruf-Service" in svg
    assert "Kündigung" in svg and "<?xml" in svg
    page = bundle["text/html"]
    assert page.startswith('<div class="cjdsl-diagram"') and "<?xml" not in page
    assert "Kündigung" in bundle["text/plain"]
    if doc.diagnostics:
        assert "cjdsl-diagnostics" in page


def test_a_document_with_errors_shows_them_readably_instead_of_a_diagram() -> None:
    text = 'journey "Brötchen"\nentry touchpoint suche\ngoal gekauft\nsuche -> gekauf 70%\n'
    doc = cjdsl.loads(text, path="bäckerei.journey", raise_on_error=False)
    assert doc._repr_svg_() is None
    page = doc._repr_html_()
    assert "<svg" not in page and "\x1b" not in page
    assert "error[CJ101]" in page and "bäckerei.journey:4:10" in page
    assert "unknown touchpoint `gekauf`" in page and "did you mean `gekauft`?" in page
    assert "1 error" in page
    plain = doc._repr_mimebundle_()["text/plain"]
    assert "bäckerei.journey:4:10" in plain and "image/svg+xml" not in doc._repr_mimebundle_()


def test_journey_text_is_escaped_in_the_diagnostics() -> None:
    doc = cjdsl.loads(
        'journey "J"\nentry touchpoint a\ngoal g\na -> <b>x</b>', raise_on_error=False
    )
    page = doc._repr_html_()
    assert "<b>" not in page and "&lt;b&gt;" in page


def test_a_drawing_graphviz_refuses_is_an_error_not_a_traceback() -> None:
    doc = cjdsl.load(SHOP)
    too_small = cjdsl.rendering.Options(max_nodes=2)
    page = display.Diagram(doc, too_small)._repr_html_()
    assert page.startswith('<div class="cjdsl-error"') and "more than the 2" in page
    assert "%%journey --collapse stage" in page  # the options as a notebook spells them
    assert display.Diagram(doc, too_small)._repr_svg_() is None


# --- the journey map ------------------------------------------------------------------------------


def test_the_journey_map_shows_inline_with_its_styles_scoped_to_it() -> None:
    shown = cjdsl.journey_map(cjdsl.load(GERMAN), persona="jürgen")
    page = shown._repr_html_()
    assert page.startswith("<style>") and 'class="cjdsl-map' in page
    assert "Jürgen, 52, Handwerksmeister" in page and "Tarif im Vergleichsportal" in page
    assert shown.page.startswith("<!DOCTYPE html>") and shown.html in shown.page
    assert repr(shown) == (
        "<journey map of 'Kfz-Versicherung: Abschluss, Schadenfall und Kündigung' for 'jürgen'>"
    )


def test_the_journey_map_refuses_what_it_cannot_draw() -> None:
    broken = cjdsl.loads('journey "J"\nentry touchpoint a\na -> b', raise_on_error=False)
    with pytest.raises(cjdsl.JourneyError):
        cjdsl.journey_map(broken)
    with pytest.raises(ValueError, match="did you mean `jürgen`"):
        cjdsl.journey_map(cjdsl.load(GERMAN), persona="jurgen")


# --- the report -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> analysis.Report:
    journey = cjdsl.load(GERMAN).journey
    assert journey is not None
    return analysis.analyze(journey, without=("brief",))


def test_the_report_shows_the_tables_cjdsl_analyze_prints(report: analysis.Report) -> None:
    bundle = report._repr_mimebundle_()
    assert bundle["text/plain"] == tables.text(report)
    page = bundle["text/html"]
    assert page == report._repr_html_()
    for title in ("Entries", "Goals", "Funnel", "Touchpoints", "What changes", "Emotion"):
        assert f">{title}</div>" in page
    assert page.count("<table") >= 8
    assert '<td style="text-align:left;' in page and ">rückruf</td>" in page
    assert "<code>brief</code>" in page  # "Without `brief`."


@pytest.fixture(scope="module")
def pandas_installed() -> None:
    need(importlib.util.find_spec("pandas") is not None, "pandas (pip install -e '.[test]')")


@pytest.mark.usefixtures("pandas_installed")
@pytest.mark.parametrize("name", reports.names())
def test_every_table_of_the_json_form_is_a_dataframe(report: analysis.Report, name: str) -> None:
    frame = report.to_frame(name)
    found = reports.rows(report, name)
    assert len(frame) == len(found)
    assert list(frame.columns) == (list(found[0]) if found else list(reports._table(name).columns))


@pytest.mark.usefixtures("pandas_installed")
def test_dataframes_hold_the_json_forms_numbers(report: analysis.Report) -> None:
    data = analysis.to_dict(report)
    touchpoints = report.to_frame("touchpoints").set_index("id")
    assert list(touchpoints.index) == [n["id"] for n in data["nodes"]]
    assert touchpoints.loc["rückruf", "label"] == "Rückruf-Service"
    assert touchpoints.loc["rückruf", "reach"] == data["nodes"][3]["reach"]
    goals = report.to_frame("goals")
    assert "most_probable.probability" in goals.columns and "critical.path.nodes" in goals
    assert "critical" not in goals.columns  # a nested record is its dotted columns
    assert list(report.to_frame("funnel")["id"]) == [s["id"] for s in data["stages"]]
    assert list(report.to_frame("paths")["probability"]) == [
        p["probability"] for p in data["top_paths"]["paths"]
    ]
    conversion = report.to_frame("conversion")
    assert (
        len(conversion) == 1 and conversion["probability"][0] == data["conversion"]["probability"]
    )
    differences = report.to_frame("differences")
    assert {"figure", "before", "after", "change"} <= set(differences.columns)


def test_an_unknown_table_names_every_table(report: analysis.Report) -> None:
    with pytest.raises(ValueError) as caught:
        report.to_frame("touchpoint")
    message = str(caught.value)
    assert "did you mean `touchpoints`?" in message
    assert all(name in message for name in reports.names())


def test_without_pandas_a_dataframe_says_how_to_install_it(tmp_path: pathlib.Path) -> None:
    probe = (
        "import sys\nsys.modules['pandas'] = None  # what Python does for a missing module\n"
        "import cjdsl\nfrom cjdsl import analysis\n"
        "doc = cjdsl.loads('journey \"J\"\\nentry touchpoint a\\ngoal g\\na -> g')\n"
        "report = analysis.analyze(doc.journey)\n"
        "assert '<table' in report._repr_html_()  # the tables need no pandas\n"
        "try:\n    report.to_frame('goals')\nexcept ImportError as error:\n    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'cjdsl[notebook]'" in done.stdout


def test_showing_a_diagram_needs_neither_pandas_ipython_nor_the_analysis(
    tmp_path: pathlib.Path,
) -> None:
    probe = (
        "import sys, cjdsl\n"
        "cjdsl.loads('journey \"J\"\\nentry touchpoint a\\ngoal g\\na -> g')._repr_html_()\n"
        "loaded = {m.split('.')[0] for m in sys.modules} | set(sys.modules)\n"
        "print(sorted(loaded & {'pandas', 'IPython', 'numpy', 'scipy', 'cjdsl.analysis'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- the magic ------------------------------------------------------------------------------------


def test_the_magic_reads_its_options_and_refuses_bad_ones() -> None:
    args = magic.parse_line("shop --persona jürgen --direction TB --theme dark --map")
    assert (args.name, args.persona, args.direction, args.theme, args.map) == (
        "shop",
        "jürgen",
        "TB",
        "dark",
        True,
    )
    for line, expected in (
        ("--direction RL", "--direction: invalid choice: 'RL'"),
        ("--colour red", "unrecognized arguments: --colour"),
        ("1shop", "no Python name"),
        ("'open", "No closing quotation"),
    ):
        with pytest.raises(ValueError, match=re.escape(expected)):
            magic.parse_line(line)


def test_the_magic_draws_the_cell_and_keeps_the_document() -> None:
    namespace: dict[str, Any] = {}
    cell = 'journey "Brötchen"\nentry touchpoint suche "Bäckerei suchen"\ngoal g\nsuche -> g'
    shown = magic.journey("bäckerei --theme dark --highlight probable", cell, namespace)
    assert isinstance(shown, display.Diagram)
    assert (shown.options.theme, shown.options.highlight) == ("dark", "probable")
    assert namespace["bäckerei"].source.path == "<cell>"
    assert isinstance(magic.journey("--map", cell), display.JourneyMap)
    collapsed = magic.journey("--collapse stage --max-nodes 0", cell)
    assert isinstance(collapsed, display.Diagram)
    assert (collapsed.options.collapse_by, collapsed.options.max_nodes) == ("stage", None)


def test_a_broken_cell_fails_with_its_diagnostics_and_no_traceback() -> None:
    cell = 'journey "J"\nentry touchpoint suche\ngoal gekauft\nsuche -> gekauf 70%'
    with pytest.raises(magic.CellError) as caught:
        magic.journey("", cell)
    shown = ANSI.sub("", "\n".join(caught.value._render_traceback_()))
    assert "error[CJ101]: unknown touchpoint `gekauf`" in shown
    assert "--> <cell>:4:10" in shown and "4 | suche -> gekauf 70%" in shown
    assert shown.endswith("the journey in this cell has 1 error")
    fine = 'journey "J"\nentry touchpoint a\ngoal g\na -> g'
    with pytest.raises(cjdsl.CjdslError, match="a highlight marks touchpoints"):
        magic.journey("--collapse stage --highlight critical", fine)
    with pytest.raises(cjdsl.CjdslError, match="unknown persona `anna`"):
        magic.journey("--persona anna", fine)


# --- the notebook in docs/, in a real kernel ------------------------------------------------------


@pytest.fixture(scope="module")
def executed() -> Any:
    for module in ("nbclient", "nbformat", "ipykernel", "pandas"):
        need(importlib.util.find_spec(module) is not None, f"{module} (pip install -e '.[test]')")
    need_dot()
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    notebook = nbformat.read(NOTEBOOK, as_version=4)  # type: ignore[no-untyped-call]
    # ipykernel's own spec: this interpreter, whatever kernels the machine has installed.
    native = KernelSpecManager(kernel_dirs=[])
    client = nbclient.NotebookClient(
        notebook,
        km=KernelManager(kernel_name="python3", kernel_spec_manager=native),
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


def _outputs(executed: Any, starts: str) -> list[Any]:
    code = [c for c in executed.cells if c.cell_type == "code"]
    cells = [c for c in code if c.source == starts] or [
        c for c in code if c.source.startswith(starts)
    ]
    assert len(cells) == 1, starts
    return list(cells[0].outputs)


def _text(executed: Any, starts: str) -> str:
    (output,) = _outputs(executed, starts)
    return str(output.data["text/plain"])


def test_the_stored_notebook_is_valid_and_has_no_outputs() -> None:
    import json

    need(importlib.util.find_spec("nbformat") is not None, "nbformat (pip install -e '.[test]')")
    import nbformat

    nbformat.validate(nbformat.read(NOTEBOOK, as_version=4))  # type: ignore[no-untyped-call]
    notebook = json.loads(NOTEBOOK.read_text("utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


def test_the_notebook_shows_the_diagram(executed: Any) -> None:
    (output,) = _outputs(executed, "import cjdsl")
    svg = output.data["image/svg+xml"]
    for label in ("Tarif im Vergleichsportal", "Rückruf", "Kündigung", "Werbebrief"):
        assert label in svg
    assert output.data["text/html"].startswith('<div class="cjdsl-diagram"')


def test_the_notebook_shows_dataframes(executed: Any) -> None:
    (output,) = _outputs(executed, 'report = analysis.analyze(doc.journey, persona="jürgen")')
    assert 'class="dataframe"' in output.data["text/html"]
    assert "rückruf" in output.data["text/plain"] and "Rückruf-Service" in output.data["text/html"]
    assert "abwägung" in _text(executed, 'report.to_frame("funnel")')


def test_the_notebook_shows_the_report_and_the_map(executed: Any) -> None:
    (output,) = _outputs(executed, "report")
    assert ">Touchpoints</div>" in output.data["text/html"]
    (output,) = _outputs(executed, "cjdsl.journey_map")
    assert "cjdsl-map" in output.data["text/html"] and "Jürgen" in output.data["text/html"]


def test_the_magic_in_the_notebook(executed: Any) -> None:
    assert _outputs(executed, "%load_ext cjdsl") == []
    (output,) = _outputs(executed, "%%journey bäckerei")
    assert "Bäckerei in der Nähe suchen" in output.data["image/svg+xml"]
    assert "0.63" in _text(executed, "conversion = analysis.analyze(bäckerei.journey)")
    (error,) = _outputs(executed, "%%journey\n")
    assert error.output_type == "error" and error.ename == "CellError"
    shown = ANSI.sub("", "\n".join(error.traceback))
    assert "error[CJ101]: unknown touchpoint `gekauf`" in shown and "<cell>:4:10" in shown
    assert "Traceback" not in shown and "File " not in shown


def test_the_docs_page_shows_the_notebooks_real_outputs(executed: Any) -> None:
    page = PAGE.read_text("utf-8")
    for starts in (
        'report = analysis.analyze(doc.journey, persona="jürgen")',
        'report.to_frame("funnel")',
        "conversion = analysis.analyze(bäckerei.journey)",
    ):
        assert _text(executed, starts) in page, starts
    (error,) = _outputs(executed, "%%journey\n")
    assert ANSI.sub("", "\n".join(error.traceback)) in page
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert cell.source in page, cell.source


def test_a_record_type_only_a_type_checker_knows_is_a_plain_column() -> None:
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Figures:
        name: str
        later: NotImported  # type: ignore[name-defined]  # noqa: F821

    assert reports._columns(Figures) == ("name", "later")


def test_the_report_html_speaks_german_when_asked() -> None:
    from cjdsl import analysis
    from cjdsl.notebook import reports as notebook_reports

    doc = cjdsl.loads('journey "T"\nentry touchpoint a\ngoal g\na -> g\n')
    assert doc.journey is not None
    shown = notebook_reports.html(analysis.analyze(doc.journey), lang="de")
    assert 'lang="de"' in shown and "Einstiege" in shown and "100\xa0%" in shown
    assert "Entries" in notebook_reports.html(analysis.analyze(doc.journey))
