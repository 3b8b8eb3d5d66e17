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
    for node in journey.touchpoints:
        if persona is None or not node.personas or persona in node.personas:
            expected.add_node(
                node.id, kind=node.kind, stage=node.stage, channel=node.channel, reach=node.reach
            )
    taken = [
        edge
        for edge in journey.transitions
        if (persona is None or not edge.personas or persona in edge.personas)
        and edge.source in expected
        and edge.target in expected
    ]
    written_sum = _written(taken)
    unwritten = _unwritten(taken)
    for edge in taken:
        if edge.probability is not None:
            share = edge.probability.value
        else:
            share = max(0.0, 1.0 - written_sum[edge.source]) / unwritten[edge.source]
        if expected.has_edge(edge.source, edge.target):
            expected.edges[edge.source, edge.target]["p"] += share
            expected.edges[edge.source, edge.target]["transitions"] += (edge,)
        else:
            expected.add_edge(
                edge.source,
                edge.target,
                p=share,
                explicit=edge.probability is not None,
                after=edge.after.value if edge.after else None,
                transitions=(edge,),
            )
    return expected


def _written(taken: list[cjdsl.model.Transition]) -> defaultdict[str, float]:
    written: defaultdict[str, float] = defaultdict(float)
    for edge in taken:
        if edge.probability is not None:
            written[edge.source] += edge.probability.value
    return written


def _unwritten(taken: list[cjdsl.model.Transition]) -> defaultdict[str, int]:
    unwritten: defaultdict[str, int] = defaultdict(int)
    for edge in taken:
        if edge.probability is None:
            unwritten[edge.source] += 1
    return unwritten


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
    # parallel transitions: the mean of their durations by probability (30% after 1d, and
    # the unwritten 30% that takes no time)
    assert written.edges["a", "b"]["after"] == pytest.approx(43200.0)
    assert doc.journey.touchpoints[0].reach == 100  # the model is untouched


def test_the_analysis_runs_on_numbers_from_outside_the_text() -> None:
    """Fitted figures reach every analysis through the graph, the model untouched."""
    from cjdsl import analysis

    doc = cjdsl.loads(
        'journey "J"\nentry touchpoint ad { reach 100 }\nentry touchpoint mail { reach 100 }\n'
        "goal buy\nad -> buy 10%\nmail -> buy 30%\n"
    )
    assert doc.journey is not None
    written = analysis.analyze(doc.journey)
    assert written.conversion.probability == pytest.approx(0.2)  # equal reach: (10% + 30%) / 2
    numbers = graph.Numbers(probabilities={("ad", "buy"): 0.5}, reach={"ad": 300.0})
    fitted = analysis.analyze(doc.journey, numbers=numbers)
    assert fitted.conversion.probability == pytest.approx((300 * 0.5 + 100 * 0.3) / 400)
    assert fitted.conversion.entering == pytest.approx(400)
    assert analysis.analyze(doc.journey).conversion.probability == pytest.approx(0.2)
