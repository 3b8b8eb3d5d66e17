"""``cjdsl score``: the absorbing chain's chances per state, and the users still on a journey."""

from __future__ import annotations

import csv
import pathlib

import pytest
from click.testing import CliRunner

import cjdsl
from cjdsl import graph
from cjdsl.cli import cli
from cjdsl.observed import scoring

from .observed_reference import generate, write


def test_the_chain_by_hand() -> None:
    journey = cjdsl.loads(
        'journey "J"\nentry touchpoint a\ntouchpoint b\ngoal g\nexit x\n'
        "a -> b 50% after 1h\na -> g 10% after 30m\nb -> g 50% after 2h\nb -> x 20%\n"
    ).journey
    assert journey is not None
    found = scoring.chain(journey, graph.build(journey))
    a = found.index("a")
    assert a is not None
    assert found.absorb["g"][a] == pytest.approx(0.1 + 0.5 * 0.5)
    assert found.absorb["x"][a] == pytest.approx(0.5 * 0.2)
    assert found.absorb["lost"][a] == pytest.approx(1 - 0.35 - 0.1)
    # E[T; g] = 0.1·1800 + 0.5·(3600·0.5 + 0.5·7200) = 2880 s, over P(g) = 0.35
    assert found.time["g"][a] == pytest.approx(2880 / 0.35)


def test_every_open_journey_is_scored_and_ranked(tmp_path: pathlib.Path) -> None:
    frame = generate(users=200, seed=3)
    write(frame, tmp_path / "log", "csv")
    (tmp_path / "j.journey").write_text(
        'journey "J"\nentry touchpoint Website\nentry touchpoint Anzeige\ngoal kauf\n'
        "Website -> kauf 10%\nAnzeige -> Website 20%\nWebsite -> Anzeige 10%\n",
        "utf-8",
    )
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(
        cli,
        [
            "score",
            str(tmp_path / "j.journey"),
            str(tmp_path / "log"),
            "--value",
            "revenue",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        scored = list(csv.DictReader(f))
    assert scored and {r["state"] for r in scored} <= {"Website", "Anzeige"}
    p = [float(r["p_convert"]) for r in scored]
    assert p == sorted(p, reverse=True) and [int(r["rank"]) for r in scored] == list(
        range(1, len(scored) + 1)
    )
    assert all(float(r["p_kauf"]) + float(r["p_lost"]) == pytest.approx(1) for r in scored)
    assert len({r["user"] for r in scored}) == len(scored)
