"""The journey graph: held against one built in the test, straight from the model's meaning
(who meets what, written probabilities, an equal share of the rest for unwritten ones,
parallel transitions merged), never from ``graph.build``'s own output."""

from __future__ import annotations

import pathlib
from collections import defaultdict

import networkx as nx
import pytest

import cjdsl
from cjdsl import graph

from .conftest import EXAMPLES


def expected_graph(journey: cjdsl.model.Journey, persona: str | None) -> nx.DiGraph:
    """The graph the documentation describes, the plain way."""
    expected = nx.DiGraph()
    for t in journey.touchpoints:
        if persona is None or not t.personas or persona in t.personas:
            expected.add_node(t.id, kind=t.kind, stage=t.stage, channel=t.channel, reach=t.reach)
    taken = [
        t
        for t in journey.transitions
        if (persona is None or not t.personas or persona in t.personas)
        and t.source in expected
        and t.target in expected
    ]
    written: defaultdict[str, float] = defaultdict(float)
    unwritten: defaultdict[str, int] = defaultdict(int)
    for t in taken:
        if t.probability is None:
            unwritten[t.source] += 1
        else:
            written[t.source] += t.probability.value
    for t in taken:
        if t.probability is not None:
            share = t.probability.value
        else:
            share = max(0.0, 1.0 - written[t.source]) / unwritten[t.source]
        if expected.has_edge(t.source, t.target):
            expected.edges[t.source, t.target]["p"] += share
            expected.edges[t.source, t.target]["transitions"] += (t,)
        else:
            expected.add_edge(
                t.source,
                t.target,
                p=share,
                explicit=t.probability is not None,
                after=t.after.value if t.after else None,
                transitions=(t,),
            )
    return expected


def assert_same(built: nx.DiGraph, expected: nx.DiGraph) -> None:
    assert dict(built.nodes(data=True)) == dict(expected.nodes(data=True))
    assert set(built.edges) == set(expected.edges)
    for u, v, data in expected.edges(data=True):
        got = built.edges[u, v]
        assert got["p"] == pytest.approx(data["p"])
        assert {k: got[k] for k in ("explicit", "after", "transitions")} == {
            k: data[k] for k in ("explicit", "after", "transitions")
        }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_build_gives_the_documented_graph(path: pathlib.Path) -> None:
    journey = cjdsl.load(path).journey
    assert journey is not None
    for persona in [None, *(p.id for p in journey.personas)]:
        built = graph.build(journey, persona=persona)
        assert_same(built, expected_graph(journey, persona))
        nodes = list(built)
        assert graph.reachable(built, nodes[:1]) == {nodes[0], *nx.descendants(built, nodes[0])}
        assert graph.reachable(built, nodes[-1:], backwards=True) == {
            nodes[-1],
            *nx.ancestors(built, nodes[-1]),
        }


def test_shares_merges_and_persona_views_by_hand() -> None:
    doc = cjdsl.loads(
        'journey "J"\npersona p "P"\npersona q "Q"\nentry touchpoint a\ntouchpoint b\n'
        "touchpoint only_q for q\ngoal c\nexit x\n"
        "a -> b 30%\na -> b 10%\na -> c\na -> x\nb -> a 10%\nb -> c\na -> only_q for q\n"
    )
    everyone = doc.graph()
    assert everyone.edges["a", "b"]["p"] == pytest.approx(0.4)  # two transitions merged
    assert len(everyone.edges["a", "b"]["transitions"]) == 2
    assert everyone.edges["a", "c"]["p"] == pytest.approx(0.2)  # 60% shared by three
    assert everyone.edges["a", "only_q"]["p"] == pytest.approx(0.2)
    assert everyone.edges["b", "c"]["p"] == pytest.approx(0.9)
    assert not everyone.edges["b", "c"]["explicit"]
    for_p = doc.graph(persona="p")
    assert "only_q" not in for_p
    assert for_p.edges["a", "c"]["p"] == pytest.approx(0.3)  # 60% shared by two
    assert sorted(map(sorted, nx.strongly_connected_components(everyone))) == [
        ["a", "b"],
        ["c"],
        ["only_q"],
        ["x"],
    ]
    assert graph.outflow(everyone)["b"] == pytest.approx(1.0)


def test_numbers_from_outside_the_text_take_the_place_of_the_written_ones() -> None:
    """The seam for fitted figures: the model keeps what the file says, the graph uses these."""
    doc = cjdsl.loads(
        'journey "J"\nentry touchpoint a { reach 100 }\ntouchpoint b\ngoal c\nexit x\n'
        "a -> b 30% after 1d\na -> b\na -> c 10%\na -> x\nb -> c\n"
    )
    assert doc.journey is not None
    numbers = graph.Numbers(
        probabilities={("a", "b"): 0.5, ("b", "c"): 0.8},
        durations={("a", "b"): 7200.0},
        reach={"a": 2500.0},
    )
    fitted = graph.build(doc.journey, numbers=numbers)
    assert fitted.nodes["a"]["reach"] == 2500.0
    assert fitted.edges["a", "b"]["p"] == pytest.approx(0.5)  # both transitions of the edge
    assert fitted.edges["a", "c"]["p"] == pytest.approx(0.1)  # written, not given: kept
    assert fitted.edges["a", "x"]["p"] == pytest.approx(0.4)  # the unwritten share the rest
    assert fitted.edges["b", "c"]["p"] == pytest.approx(0.8) and fitted.edges["b", "c"]["explicit"]
    assert fitted.edges["a", "b"]["after"] == 7200.0
    written = graph.build(doc.journey)
    assert written.nodes["a"]["reach"] == 100
    assert written.edges["a", "x"]["p"] == pytest.approx(0.3)
    assert written.edges["a", "b"]["after"] == 86400.0
    assert doc.journey.touchpoints[0].reach == 100  # the model is untouched
