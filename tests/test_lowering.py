"""Lowering: the model built from text, literals, references and imports."""

from __future__ import annotations

import pathlib

import pytest

import cjdsl
from cjdsl import model

from .test_parsing import FULL


def load(text: str) -> cjdsl.Document:
    return cjdsl.loads(text, path="t.journey", raise_on_error=False)


def codes_of(text: str) -> list[str]:
    return [d.code.id for d in load(text).diagnostics]


def test_header_and_definitions() -> None:
    journey = load(FULL).journey
    assert journey is not None
    assert journey.title == "Running shoes, bought online"
    assert journey.description == "Anna finds, compares\nand buys running shoes online."
    assert journey.owner == "E-commerce team"
    (anna,) = journey.personas
    assert (anna.id, anna.label, anna.goals, anna.pains) == (
        "anna",
        "Anna, 36",
        ("Comfort",),
        ("Time",),
    )
    (social,) = journey.channels
    assert (social.id, social.label, social.kind) == ("social", "Social media", "online")
    (stage,) = journey.stages
    assert (stage.id, stage.description, stage.touchpoints) == (
        "awareness",
        "First contact",
        ("ad", "bought", "lost"),
    )


def test_touchpoint_attributes_become_typed_values() -> None:
    journey = load(FULL).journey
    assert journey is not None
    ad = journey.touchpoint("ad")
    assert ad is not None
    assert ad.kind is model.NodeKind.TOUCHPOINT and ad.entry and ad.stage == "awareness"
    assert ad.channel == "social" and ad.personas == ("anna", "ben")
    assert ad.emotion is not None and (ad.emotion.score, ad.emotion.word) == (1, "curious")
    (kpi,) = ad.kpis
    assert kpi.name == "ctr" and kpi.value == model.Quantity(0.021, "%", "2.1%")
    assert ad.cost == model.Money(1200, "EUR", "1200 EUR")
    assert ad.tags == ("paid", "top-of-funnel")
    kinds = {t.id: t.kind for t in journey.touchpoints}
    assert kinds["bought"] is model.NodeKind.GOAL and kinds["lost"] is model.NodeKind.EXIT


def test_chains_split_into_transitions_with_their_own_attributes() -> None:
    journey = load(FULL).journey
    assert journey is not None
    first, second = (
        t for t in journey.transitions if t.source in ("ad", "shop") and t.target != "bought"
    )
    assert (first.source, first.target, first.label, first.personas) == (
        "ad",
        "shop",
        "clicks",
        ("anna",),
    )
    assert first.probability == model.Quantity(0.3, "%", "30%")
    assert first.after == model.Quantity(172800, "d", "2d")
    assert (second.source, second.target) == ("shop", "checkout")
    assert second.probability is not None and second.probability.value == 0.4
    assert second.label is None and second.personas == ()


def test_string_escapes() -> None:
    journey = load('journey "a \\"b\\" c\\\\d\\ne"').journey
    assert journey is not None and journey.title == 'a "b" c\\d\ne'


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('touchpiont ad "Ad"', "CJ105"),
        ('touchpoint ad "Ad" {\n emotoin +1\n}', "CJ106"),
        ('touchpoint ad "Ad" {\n emotion "happy"\n}', "CJ107"),
        ('touchpoint ad "Ad" {\n action 12\n}', "CJ107"),
        ('touchpoint ad "Ad" {\n cost 12 euro\n}', "CJ108"),
        ('touchpoint ad "Ad" {\n cost 12\n}', "CJ107"),
        ("touchpoint a\ntouchpoint b\na -> b 40% after 2x", "CJ108"),
        ("touchpoint a\ntouchpoint b\na -> b after 2", "CJ108"),
        ('channel web "Web" internet', "CJ112"),
        ('entry goal g "G"', "CJ113"),
        ('touchpoint a "A" {\n reach 10\n}', "CJ113"),
        ("touchpoint a\ntouchpoint a", "CJ102"),
        ("touchpoint a\na -> chekout", "CJ101"),
        ("touchpoint a @web", "CJ101"),
        ("touchpoint a for bob", "CJ101"),
        ('journey "again"', "CJ104"),
        ('description "x"\ndescription "y"', "CJ104"),
    ],
)
def test_lowering_codes(line: str, code: str) -> None:
    assert code in codes_of(f'journey "J"\n{line}\n')


def test_missing_header_is_reported_at_the_first_statement() -> None:
    doc = load('touchpoint ad "Ad"')
    (missing,) = [d for d in doc.diagnostics if d.code.id == "CJ103"]
    assert (missing.span.line, missing.span.col) == (1, 1)
    assert "CJ103" in codes_of("")


def test_unknown_reference_suggests_the_closest_id() -> None:
    doc = load('journey "J"\ntouchpoint checkout\ngoal bought\ncheckout -> bougth\n')
    (unknown,) = [d for d in doc.diagnostics if d.code.id == "CJ101"]
    assert unknown.hint == "did you mean `bought`?"
    assert (unknown.span.line, unknown.span.col, unknown.span.text) == (4, 13, "bougth")


def test_duplicate_points_at_both_declarations() -> None:
    doc = load('journey "J"\ntouchpoint a "One"\ntouchpoint a "Two"\n')
    (duplicate,) = [d for d in doc.diagnostics if d.code.id == "CJ102"]
    assert duplicate.span.line == 3 and duplicate.related[0].span.line == 2


def test_order_of_declarations_does_not_matter() -> None:
    doc = load('journey "J"\na -> b\nentry touchpoint a\ngoal b\n')
    assert doc.ok and doc.diagnostics == ()


# -- imports --------------------------------------------------------------------


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_import_resolves_relative_to_the_importing_file(tmp_path: pathlib.Path) -> None:
    write(
        tmp_path / "shared" / "common.journey",
        'channel web "Web shop" online\npersona anna "Anna"\n',
    )
    main = write(
        tmp_path / "journeys" / "shop.journey",
        'journey "Shop"\nimport "../shared/common.journey"\n'
        'entry touchpoint ad "Ad" @web for anna\ngoal bought\nad -> bought 40%\n',
    )
    doc = cjdsl.load(main)
    assert doc.journey is not None
    assert [c.id for c in doc.journey.channels] == ["web"]
    assert [p.id for p in doc.journey.personas] == ["anna"]
    assert doc.journey.imports == ("../shared/common.journey",)


def test_errors_in_an_imported_file_carry_that_files_name(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "common.journey", 'channel web "Web" online\nchannel $ broken\n')
    main = write(tmp_path / "shop.journey", 'journey "Shop"\nimport "common.journey"\n')
    doc = cjdsl.load(main, raise_on_error=False)
    (error,) = [d for d in doc.diagnostics if d.code.id == "CJ002"]
    assert error.span.file.path.endswith("common.journey") and error.span.line == 2


def test_import_cycle_is_detected(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "a.journey", 'import "b.journey"\nchannel web "Web" online\n')
    write(tmp_path / "b.journey", 'import "a.journey"\n')
    main = write(tmp_path / "main.journey", 'journey "M"\nimport "a.journey"\n')
    doc = cjdsl.load(main, raise_on_error=False)
    assert "CJ110" in [d.code.id for d in doc.diagnostics]


def test_self_import_is_a_cycle(tmp_path: pathlib.Path) -> None:
    main = write(tmp_path / "main.journey", 'journey "M"\nimport "main.journey"\n')
    assert "CJ110" in [d.code.id for d in cjdsl.load(main, raise_on_error=False).diagnostics]


def test_missing_import(tmp_path: pathlib.Path) -> None:
    main = write(tmp_path / "main.journey", 'journey "M"\nimport "nope.journey"\n')
    (missing,) = cjdsl.load(main, raise_on_error=False).diagnostics
    assert missing.code.id == "CJ109" and "nope.journey" in missing.message


def test_touchpoints_in_an_import_are_ignored_with_a_warning(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "lib.journey", 'channel web "Web" online\ntouchpoint ad "Ad" @web\n')
    main = write(
        tmp_path / "main.journey",
        'journey "M"\nimport "lib.journey"\nentry touchpoint a @web\ngoal g\na -> g\n',
    )
    doc = cjdsl.load(main, raise_on_error=False)
    assert "CJ111" in [d.code.id for d in doc.diagnostics]
    assert doc.journey is not None and doc.journey.touchpoint("ad") is None


def test_invalid_utf8_is_a_diagnostic(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "latin1.journey"
    path.write_bytes('journey "Kündigung"\n'.encode("latin-1"))
    (problem,) = cjdsl.load(path, raise_on_error=False).diagnostics
    assert problem.code.id == "CJ006" and (problem.span.line, problem.span.col) == (1, 11)


def test_bom_is_ignored(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "bom.journey"
    path.write_bytes('\ufeffjourney "J"\nentry touchpoint a\ngoal g\na -> g\n'.encode())
    assert cjdsl.load(path).journey is not None
