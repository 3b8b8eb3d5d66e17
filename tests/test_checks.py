"""Checks: each finding where it should be, and silence where it should not."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import cjdsl
from cjdsl import graph

HEAD = 'journey "J"\n'


def found(body: str) -> list[tuple[str, str]]:
    doc = cjdsl.loads(HEAD + body, raise_on_error=False)
    return [(d.code.id, d.span.text) for d in doc.diagnostics]


def codes(body: str) -> set[str]:
    return {code for code, _ in found(body)}


def test_a_sound_journey_has_no_findings_but_the_information_on_its_loop() -> None:
    body = (
        'stage buy "Buy" {\n entry touchpoint a\n goal g\n}\nstage keep "Retention" {\n'
        " touchpoint r\n exit x\n}\na -> g 50%\ng -> r\nr -> g 30%\nr -> x 20%\n"
    )
    # The re-purchase goes back to an earlier stage: on purpose here, so only an info.
    assert found(body) == [("CJ501", "r -> g 30%")]


def test_dead_end_is_not_reported_for_goals_and_exits() -> None:
    assert found("entry touchpoint a\ntouchpoint b\ngoal g\nexit x\na -> b\na -> g\na -> x\n") == [
        ("CJ201", "b")
    ]


def test_without_entries_every_touchpoint_with_no_way_in_is_a_start() -> None:
    assert codes("touchpoint a\ntouchpoint b\ngoal g\na -> g\nb -> g\n") == set()


def test_explicit_entries_make_other_sources_unreachable() -> None:
    assert found("entry touchpoint a\ntouchpoint b\ngoal g\na -> g\nb -> g\n") == [("CJ202", "b")]


def test_no_entry_when_everything_has_a_way_in() -> None:
    assert "CJ207" in codes("touchpoint a\ngoal g\na -> g\ng -> a\n")


def test_loop_with_a_drop_off_is_not_inescapable() -> None:
    body = "entry touchpoint s\ntouchpoint a\ntouchpoint b\ngoal g\ns -> a 50%\ns -> g 50%\n"
    assert "CJ204" in codes(body + "a -> b\nb -> a\n")
    assert "CJ204" not in codes(body + "a -> b 90%\nb -> a\n")


def test_self_loop_without_way_out() -> None:
    body = "entry touchpoint s\ntouchpoint t\ngoal g\ns -> g 50%\ns -> t 50%\n"
    assert "CJ204" in codes(body + "t -> t\n")
    assert "CJ204" not in codes(body + "t -> t 80%\n")


def test_probability_sums_are_per_persona() -> None:
    body = (
        'persona anna "A"\npersona ben "B"\nentry touchpoint a\ngoal g\nexit x\n'
        "a -> g 60% for anna\na -> x 60% for ben\n"
    )
    assert "CJ302" not in codes(body)
    assert "CJ302" in codes(body + "a -> g 50%\n")


def messages(body: str, code: str) -> list[str]:
    doc = cjdsl.loads(HEAD + body, raise_on_error=False)
    return [d.message for d in doc.diagnostics if d.code.id == code]


def test_a_persona_sum_counts_what_the_persona_meets_as_the_analysis_does() -> None:
    # the exit only anna meets: written on the node or on the transition, the same sum
    on_node = (
        'persona anna "A"\npersona ben "B"\nentry touchpoint a\ngoal g\nexit x for anna\n'
        "a -> g 60%\na -> x 50%\n"
    )
    on_transition = on_node.replace("exit x for anna", "exit x") + "a -> x 0% for ben\n"
    on_transition = on_transition.replace("a -> x 50%", "a -> x 50% for anna")
    for body in (on_node, on_transition):
        assert messages(body, "CJ302") == ["transitions from `a` for `anna` add up to 110%"]
    # ben never meets the exit: 60% for him, nothing to report
    assert messages(
        on_node.replace("exit x for anna", "exit x for anna\ntouchpoint y for ben")
        + "a -> y 40%\n",
        "CJ302",
    ) == ["transitions from `a` for `anna` add up to 110%"]


def test_transitions_for_everyone_over_100_percent_are_named_as_everyones() -> None:
    body = 'persona anna "A"\npersona ben "B"\nentry touchpoint a\ngoal g\nexit x\n'
    assert messages(body + "a -> g 60%\na -> x 50%\n", "CJ302") == [
        "transitions from `a` for everyone add up to 110%"
    ]


def test_probability_sum_above_one_without_personas() -> None:
    (finding,) = [
        f
        for f in found("entry touchpoint a\ngoal g\nexit x\na -> g 0.6\na -> x 50%\n")
        if f[0] == "CJ302"
    ]
    assert finding == ("CJ302", "a -> x 50%")


def test_unwritten_probabilities_share_the_rest() -> None:
    doc = cjdsl.loads(
        HEAD + "entry touchpoint a\ngoal g\nexit x\nexit y\na -> g 40%\na -> x\na -> y\n"
    )
    edges = doc.graph().edges
    assert round(edges["a", "x"]["p"], 9) == 0.3 and round(edges["a", "y"]["p"], 9) == 0.3
    assert edges["a", "g"]["explicit"] and not edges["a", "x"]["explicit"]


def test_persona_graph_only_holds_what_the_persona_meets() -> None:
    doc = cjdsl.loads(
        HEAD + 'persona anna "A"\npersona ben "B"\nentry touchpoint a\ntouchpoint b for ben\n'
        "goal g\na -> g 50% for anna\na -> b 50%\nb -> g\n"
    )
    assert doc.journey is not None
    anna = graph.build(doc.journey, persona="anna")
    ben = graph.build(doc.journey, persona="ben")
    assert set(anna.nodes) == {"a", "g"} and set(ben.nodes) == {"a", "b", "g"}
    assert not ben.has_edge("a", "g")


def test_duplicate_transition_only_for_overlapping_personas() -> None:
    body = 'persona anna "A"\npersona ben "B"\nentry touchpoint a\ngoal g\n'
    assert "CJ208" not in codes(body + "a -> g 10% for anna\na -> g 20% for ben\n")
    assert "CJ208" in codes(body + "a -> g 10% for anna, ben\na -> g 20% for ben\n")


def test_post_purchase_stage_by_position_or_name() -> None:
    staged = 'stage buy "Purchase" {\n entry touchpoint a\n goal g\n}\na -> g\n'
    assert "CJ404" in codes(staged)
    assert "CJ404" not in codes(staged + 'stage later "After" {\n exit x\n}\ng -> x\n')
    assert "CJ404" not in codes('stage loyal "Kundenbindung" {\n exit x\n}\n' + staged + "g -> x\n")


def test_links() -> None:
    def link(url: str) -> set[str]:
        return codes(f'entry touchpoint a {{\n link "{url}"\n}}\ngoal g\na -> g\n')

    for good in ("https://example.com/x", "http://a.b", "mailto:cx@example.com", "faq/x.html"):
        assert "CJ304" not in link(good), good
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.com", "https://", "ftp://x"):
        assert "CJ304" in link(bad), bad


def test_structure_findings_are_held_back_while_references_are_broken() -> None:
    assert codes("entry touchpoint a\ngoal g\na -> gg\n") == {"CJ101"}


def _closed_loops_by_definition(g: object) -> list[set[str]]:
    """The definition, read literally: strongly connected, nothing leaves, nothing leaks."""
    import networkx as nx

    assert isinstance(g, nx.DiGraph)
    loops = []
    for component in nx.strongly_connected_components(g):
        if len(component) == 1 and not g.has_edge(*component, *component):
            continue
        leaves = any(v not in component for u in component for v in g.successors(u))
        leaks = any(sum(d["p"] for d in g.succ[u].values()) < 1 - 1e-9 for u in component)
        if not leaves and not leaks:
            loops.append(component)
    return loops


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from([1.0, 0.5, 0.25])),
        max_size=20,
    )
)
def test_closed_loops_are_those_of_the_definition(edges: list[tuple[int, int, float]]) -> None:
    import networkx as nx

    from cjdsl.checks import structure

    g = nx.DiGraph()
    g.add_nodes_from(map(str, range(8)))
    g.add_edges_from((str(u), str(v), {"p": p}) for u, v, p in edges)
    expected = sorted(map(sorted, _closed_loops_by_definition(g)))
    assert sorted(map(sorted, structure.closed_loops(g))) == expected
