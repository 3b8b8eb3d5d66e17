"""Output languages: the catalogs are complete, and a German render leaves no English UI word.

The catalogs are held against Babel's own extraction of the code, so a text marked for
translation but missing from a catalog fails here; the renders of every example in German
catch a text that was never marked (it stays English, and the English render shows it too).
"""

from __future__ import annotations

import dataclasses
import html
import html.parser
import re
import tokenize
import xml.etree.ElementTree as ET

import pytest
from babel.messages import pofile

import cjdsl
from cjdsl import i18n, model
from cjdsl.i18n import catalog

from .conftest import EXAMPLES, need_dot

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
WORD = re.compile(r"[^\W\d_]{3,}")
LABEL = re.compile(r'(?:label|tooltip)=(?:<((?:[^<>]|<[^<>]*>)*)>|"((?:[^"\\]|\\.)*)")')
TAG = re.compile(r"<[^<>]*>")
# Words both languages write alike (KPIs, Persona, online …; German CX teams say "Customer
# Journey Map" and "Moment der Wahrheit"): not a sign of a missing text.
SAME_IN_BOTH = {"KPIs", "Persona", "Emotion", "online", "offline", "cjdsl"}
SAME_IN_BOTH |= {"Customer", "Journey", "Map", "Moment"}


def german() -> dict[str, list[str]]:
    """The German catalog: each text (a plural by its singular) and its translated forms."""
    path = i18n.CATALOGS / "de" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as handle:
        messages = [m for m in pofile.read_po(handle, locale="de") if m.id]
    return {
        m.id if isinstance(m.id, str) else m.id[0]: [m.string]
        if isinstance(m.string, str)
        else list(m.string or ())
        for m in messages
    }


def test_every_marked_text_has_a_german_translation_and_none_is_stale() -> None:
    marked = {k if isinstance(k, str) else k[0] for k in catalog.extract()}
    translated = german()
    fix = "run: python -m cjdsl.i18n.catalog, then translate the new texts"
    assert not marked - set(translated), f"{marked - set(translated)}; {fix}"
    assert not set(translated) - marked, f"stale: {set(translated) - marked}; {fix}"
    assert [k for k, forms in translated.items() if not all(forms)] == [], fix


def test_translations_keep_every_placeholder() -> None:
    for message, forms in german().items():
        for form in forms:
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(message))


def test_numbers_and_durations_follow_the_language() -> None:
    de, en = i18n.locale("de"), i18n.locale("en")
    assert (de.percent(0.0162), de.count(173000), de.money(4200, "EUR")) == (
        "1,62\xa0%",
        "173.000",
        "4.200,00\xa0€",
    )
    assert (en.percent(0.0162), en.count(173000), en.money(4200, "EUR")) == (
        "1.62%",
        "173,000",
        "€4,200.00",
    )
    month, day, hour = 2_629_800, 86_400, 3_600
    assert [en.duration(s) for s in (2 * month + 3 * day, 14 * day, 10 * day, 36 * hour)] == [
        "2mo 3d",
        "2w",
        "1w 3d",
        "1d 12h",
    ]
    assert de.duration(2 * month + 3 * day) == "2 Mon. 3 Tg."
    # rounded, not cut: 2 days 5 h 40 min is 2d 6h; 59 min 59.6 s carry into an hour
    assert en.duration(2 * day + 5 * hour + 40 * 60) == "2d 6h"
    assert (en.duration(59 * 60 + 59.6), en.duration(23 * hour + 59 * 60 + 45)) == ("1h", "1d")


def test_an_unknown_language_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="choose from en, de"):
        i18n.locale("fr")
    with pytest.raises(cjdsl.errors.RenderError, match="choose from en, de"):
        cjdsl.rendering.Options(lang="fr")


def user_texts(journey: model.Journey) -> list[str]:
    """Every string the journey's author wrote (labels, ids, texts)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                if field.name not in ("span", "file", "source") and not field.name.startswith("_"):
                    walk(getattr(value, field.name))

    walk(journey)
    return found


def ui_words(svg: bytes, journey: model.Journey) -> set[str]:
    """The words of a diagram that cjdsl wrote: its texts and tooltips, the author's removed."""
    root = ET.fromstring(svg)
    shown = [("".join(t.itertext())) for t in root.iter(f"{SVG}text")]
    shown += [el.attrib[f"{XLINK}title"] for el in root.iter() if f"{XLINK}title" in el.attrib]
    authored = {w for t in user_texts(journey) for w in WORD.findall(t)}
    return {w for t in shown for w in WORD.findall(t)} - authored


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_in_german_leaves_no_english_ui_word(path: object) -> None:
    need_dot()
    doc = cjdsl.load(path)  # type: ignore[arg-type]
    assert doc.journey is not None
    english = ui_words(cjdsl.render(doc, format="svg", engine="dot", lang="en"), doc.journey)
    deutsch = ui_words(cjdsl.render(doc, format="svg", engine="dot", lang="de"), doc.journey)
    assert english - SAME_IN_BOTH, "the English render shows no UI word: the test sees nothing"
    left = (english & deutsch) - SAME_IN_BOTH
    assert not left, f"English UI words in the German render: {sorted(left)}"


def test_the_preview_page_speaks_the_journey_s_language() -> None:
    from cjdsl.preview import page

    doc = cjdsl.loads(
        'journey "T"\n  lang "de"\nentry touchpoint a\ntouchpoint b\ngoal g\na -> g\n'
    )
    view = page.View(1, "t.journey", "T", diagnostics=doc.diagnostics, lang="de")
    shown = page.page(view)
    assert (
        '<html lang="de">' in shown
        and "Einpassen" in shown
        and 'data-updated="aktualisiert"' in shown
    )
    assert page.status(view) == ("warning", "2 Warnungen")  # b: unreachable and a dead end
    english = page.page(dataclasses.replace(view, lang=None))
    assert '<html lang="en">' in english and ">Fit<" in english


class _Visible(html.parser.HTMLParser):
    """The text a reader sees on a page, and the titles and labels it announces."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("style", "script")
        self.shown += [v for k, v in attrs if k in ("title", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.shown.append(data)


def map_words(page: str, journey: model.Journey) -> set[str]:
    seen = _Visible()
    seen.feed(page)
    authored = {w for t in user_texts(journey) for w in WORD.findall(t)}
    return {w for t in seen.shown for w in WORD.findall(t)} - authored


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_journey_map_in_german_leaves_no_english_ui_word(path: object) -> None:
    from cjdsl import views
    from cjdsl.rendering import journey_map

    doc = cjdsl.load(path)  # type: ignore[arg-type]
    journey = doc.journey
    assert journey is not None
    report, _ = views.map_report(journey, persona=None)
    found = views.findings(journey, persona=None)
    pages = {
        lang: journey_map.document(journey, report, findings=found, lang=lang)
        for lang in ("en", "de")
    }
    assert '<html lang="de">' in pages["de"] and 'lang="de"' in pages["de"].split("<section")[1]
    english, deutsch = (map_words(pages[lang], journey) for lang in ("en", "de"))
    assert english - SAME_IN_BOTH, "the English map shows no UI word: the test sees nothing"
    left = (english & deutsch) - SAME_IN_BOTH
    assert not left, f"English UI words in the German map: {sorted(left)}"


def test_no_marked_text_hides_in_an_f_string() -> None:
    """Babel's extractor does not look into f-strings: a `t._("…")` there never reaches a
    catalog, and the text stays English whatever the language."""
    hidden = []
    for path in sorted(catalog.PACKAGE.rglob("*.py")):
        with path.open("rb") as handle:
            for token in tokenize.tokenize(handle.readline):
                if token.type == tokenize.STRING and "._(" in token.string:
                    prefix = token.string.split("'")[0].split('"')[0].lower()
                    if "f" in prefix:
                        hidden.append(f"{path.name}:{token.start[0]}")
    assert hidden == [], f"move these t._(…) out of their f-strings: {hidden}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_analysis_report_in_german_leaves_no_english_ui_word(path: object) -> None:
    """`cjdsl analyze --lang de`, as text and as Markdown (the words the author wrote aside)."""
    from cjdsl import analysis
    from cjdsl.analysis import tables

    doc = cjdsl.load(path)  # type: ignore[arg-type]
    journey = doc.journey
    assert journey is not None
    result = analysis.analyze(journey)
    authored = {w for t in user_texts(journey) for w in WORD.findall(t)}
    for write in (tables.text, tables.markdown):
        for by_persona in (False, True):
            english, deutsch = (
                set(WORD.findall(write(result, by_persona=by_persona, lang=lang))) - authored
                for lang in ("en", "de")
            )
            assert english - SAME_IN_BOTH, "the English report shows no UI word"
            left = (english & deutsch) - SAME_IN_BOTH
            assert not left, f"English UI words in the German {write.__name__}: {sorted(left)}"


def test_the_german_report_writes_figures_as_germans_do() -> None:
    from cjdsl import analysis
    from cjdsl.analysis import tables

    doc = cjdsl.load(EXAMPLES[0])
    assert doc.journey is not None
    shown = tables.text(analysis.analyze(doc.journey), lang="de")
    assert "Konversion: " in shown and "\xa0%" in shown and "%" in shown
    assert tables.percent(0.0162, i18n.locale("de")) == "1,62\xa0%"
    assert tables.percent(-0.0162) == "−1.62%" and tables.percent(0.12) == "12.0%"
    assert tables.duration(5_500_000) == "2mo 3d"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_highlight_captions_and_the_collapsed_view_in_german(path: object) -> None:
    """`--highlight` captions and notes, and the collapsed view's labels, leave no English
    UI word in German (the DOT source: Graphviz draws these texts as they are)."""
    from cjdsl import analysis, rendering
    from cjdsl.analysis import aggregate
    from cjdsl.rendering import collapse, overlay

    doc = cjdsl.load(path)  # type: ignore[arg-type]
    journey = doc.journey
    assert journey is not None
    authored = {w for t in user_texts(journey) for w in WORD.findall(t)}
    result = analysis.analyze(journey)

    def words(lang: str) -> set[str]:
        shown = []
        for kind in overlay.HIGHLIGHTS:
            drawn = overlay.from_report(result, kind, lang)
            shown += [drawn.caption, *(note for _, _, note in drawn.heat)]
        for by in ("stage", "channel"):
            options = rendering.Options(lang=lang)
            source = collapse.to_dot(aggregate.collapse(journey, by=by), options=options)
            for html_label, plain in LABEL.findall(source):
                shown.append(html.unescape(TAG.sub(" ", html_label) if html_label else plain))
        return {w for t in shown for w in WORD.findall(t)} - authored

    english, deutsch = words("en"), words("de")
    assert english - SAME_IN_BOTH, "the English captions show no UI word"
    left = (english & deutsch) - SAME_IN_BOTH
    assert not left, f"English UI words in the German captions: {sorted(left)}"


def test_the_analysis_notes_that_name_nothing_of_the_journey_s_are_translated() -> None:
    from cjdsl import analysis
    from cjdsl.analysis import tables

    doc = cjdsl.loads(
        'journey "T"\nentry touchpoint a\nentry touchpoint b\ngoal g\na -> g\nb -> g\n'
    )
    assert doc.journey is not None
    result = analysis.analyze(doc.journey)
    assert "entries weighted equally: none has a `reach`" in result.notes
    shown = tables.markdown(result, lang="de")
    assert (
        "## Hinweise" in shown and "- Einstiege gleich gewichtet: keiner hat eine `reach`" in shown
    )


def test_analyze_speaks_the_journey_s_then_the_project_s_language(tmp_path: object) -> None:
    """`cjdsl analyze`: `--lang` beats the journey's `lang`, which beats the project's; JSON
    is the same whatever the language."""
    import pathlib

    from click.testing import CliRunner

    from cjdsl.cli import cli

    folder = pathlib.Path(str(tmp_path))
    body = "entry touchpoint a { reach 173000 }\ngoal g\na -> g 40%\n"
    (folder / "cjdsl.toml").write_text('lang = "de"\n', encoding="utf-8")
    (folder / "project.journey").write_text('journey "P"\n' + body, encoding="utf-8")
    (folder / "own.journey").write_text('journey "O"\n  lang "en"\n' + body, encoding="utf-8")

    def analyze(*args: str) -> str:
        result = CliRunner().invoke(cli, ["analyze", *args])
        assert result.exit_code == 0, result.output
        return result.output

    project = str(folder / "project.journey")
    assert "Konversion: 40,0\xa0% der Kunden" in analyze(project)
    assert "(69.200 von 173.000)" in analyze(project, "--format", "markdown")
    assert "Conversion: 40.0% of customers" in analyze(project, "--lang", "en")
    assert "Conversion: 40.0%" in analyze(str(folder / "own.journey"))
    assert "Konversion" in analyze(str(folder / "own.journey"), "--lang", "de")
    same = (
        analyze(project, "--format", "json"),
        analyze(project, "--format", "json", "--lang", "en"),
    )
    assert same[0] == same[1] and '"probability": 0.4' in same[0]
