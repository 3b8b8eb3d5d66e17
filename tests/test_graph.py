"""The journey graph: ``graph.build`` fills NetworkX's adjacency directly, so it is held
against a graph built through NetworkX's public API from the same model."""

from __future__ import annotations

import pathlib

import networkx as nx
import pytest

import cjdsl
from cjdsl import graph

from .conftest import EXAMPLES


def public_build(journey: cjdsl.model.Journey, persona: str | None) -> nx.DiGraph:
    """The same graph the slow, documented way."""
    expected = nx.DiGraph(title=journey.title)
    built = graph.build(journey, persona=persona)
    expected.add_nodes_from(built.nodes(data=True))
    expected.add_edges_from((u, v, dict(d)) for u, v, d in built.edges(data=True))
    return expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_build_gives_what_networkx_builds(path: pathlib.Path) -> None:
    journey = cjdsl.load(path).journey
    assert journey is not None
    for persona in [None, *(p.id for p in journey.personas)]:
        built = graph.build(journey, persona=persona)
        expected = public_build(journey, persona)
        assert nx.utils.graphs_equal(built, expected)
        assert list(built.successors(next(iter(built)))) == list(
            expected.successors(next(iter(expected)))
        )
        for u, v, data in built.edges(data=True):
            assert built.pred[v][u] is data  # one data dict per edge, seen from both ends
        assert sum(len(p) for p in built.pred.values()) == built.number_of_edges()
        assert dict(built.nodes(data=True)) == {
            t.id: {"kind": t.kind, "stage": t.stage, "channel": t.channel}
            for t in journey.touchpoints
            if t.applies_to(persona)
        }
        assert set(built.edges) == {
            (t.source, t.target)
            for t in journey.transitions
            if t.applies_to(persona) and t.source in built and t.target in built
        }
        nodes = list(built)
        assert graph.reachable(built, nodes[:1]) == {nodes[0], *nx.descendants(built, nodes[0])}
        assert graph.reachable(built, nodes[-1:], backwards=True) == {
            nodes[-1],
            *nx.ancestors(built, nodes[-1]),
        }


def test_graph_algorithms_see_edges_added_directly() -> None:
    doc = cjdsl.loads(
        'journey "J"\nentry touchpoint a\ntouchpoint b\ngoal c\na -> b -> c\nb -> a 10%'
    )
    built = doc.graph()
    assert built.number_of_edges() == 3
    assert nx.has_path(built, "a", "c")
    assert sorted(map(sorted, nx.strongly_connected_components(built))) == [["a", "b"], ["c"]]
    assert built.edges["b", "a"]["p"] == pytest.approx(0.1)
    assert built.edges["b", "c"]["p"] == pytest.approx(0.9)
