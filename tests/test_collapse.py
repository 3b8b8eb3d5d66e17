"""Collapsed diagrams (one node per stage or channel, edges = summed flow) and the node limit.

Flows are worked by hand on a small journey: a customer who enters at `ad`
visits `flyer` 0.5 times, `cart` 0.4 + 0.5·0.5 = 0.65 times and `bought`
0.65·0.6 = 0.39 times; a transition's flow is its source's visits times its
probability.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import cjdsl
from cjdsl import rendering
from cjdsl.analysis import aggregate
from cjdsl.errors import RenderError
from cjdsl.rendering import collapse

from .conftest import need_dot

SHOP = """journey "Shop"
persona anna "Anna"
channel web "Web" online
channel store "Store" offline
stage aware "Awareness" {
  entry touchpoint ad "Ad" @web
  touchpoint flyer "Flyer" @store
}
stage buy "Purchase" {
  touchpoint cart "Cart" @web
  goal bought "Bought"
}
ad -> flyer 50%
ad -> cart 40%
flyer -> cart 50% for anna
cart -> bought 60%
"""


def journey_of(text: str) -> cjdsl.Journey:
    doc = cjdsl.loads(text, raise_on_error=False)
    assert doc.journey is not None
    return doc.journey


def flows(collapsed: aggregate.Collapsed) -> dict[tuple[str, str], tuple[float, int]]:
    return {(f.source, f.target): (round(f.flow, 6), f.transitions) for f in collapsed.flows}


def many(count: int) -> str:
    """A valid journey of ``count`` touchpoints in a chain over three stages."""
    lines = ['journey "Many"', 'channel web "Web" online']
    for s in range(3):
        lines.append(f'stage s{s} "Stage {s}" {{')
        lines += [
            f'  {"entry " if i == 0 else ""}touchpoint t{i} "T{i}" @web'
            for i in range(s * count // 3, (s + 1) * count // 3)
        ]
        lines.append("}")
    lines.append('goal done "Done"')
    lines += [f"t{i} -> t{i + 1} 90%" for i in range(count - 1)]
    lines.append(f"t{count - 1} -> done 90%")
    return "\n".join(lines) + "\n"


def test_by_stage_sums_the_flow_between_stages() -> None:
    collapsed = aggregate.collapse(journey_of(SHOP), by="stage")
    assert [g.id for g in collapsed.groups] == ["aware", "buy"]
    aware, buy = collapsed.groups
    assert (aware.label, aware.touchpoints, aware.goals, aware.entries) == ("Awareness", 2, 0, 1)
    assert (buy.touchpoints, buy.goals) == (1, 1)
    assert aware.visits == pytest.approx(1.5) and buy.visits == pytest.approx(0.65 + 0.39)
    assert aware.inside == pytest.approx(0.5) and buy.inside == pytest.approx(0.39)
    assert flows(collapsed) == {("aware", "buy"): (0.65, 2)}
    assert collapsed.basis == "flow"


def test_by_channel_keeps_goals_and_exits_apart() -> None:
    collapsed = aggregate.collapse(journey_of(SHOP), by="channel")
    assert [g.id for g in collapsed.groups] == ["web", "store", aggregate.GOALS]
    assert flows(collapsed) == {
        ("web", "store"): (0.5, 1),
        ("web", aggregate.GOALS): (0.39, 1),
        ("store", "web"): (0.25, 1),
    }
    assert collapsed.groups[0].inside == pytest.approx(0.4)


def test_persona_view_leaves_out_transitions_for_others() -> None:
    text = SHOP.replace('persona anna "Anna"', 'persona anna "Anna"\npersona ben "Ben"')
    collapsed = aggregate.collapse(journey_of(text), by="stage", persona="ben")
    assert flows(collapsed) == {("aware", "buy"): (0.4, 1)}


def test_stageless_nodes_and_channelless_touchpoints_get_their_own_group() -> None:
    text = SHOP + 'touchpoint call "Call"\nexit lost "Lost"\ncart -> call 10%\ncall -> lost\n'
    by_stage = aggregate.collapse(journey_of(text), by="stage")
    assert [g.id for g in by_stage.groups] == ["aware", "buy", aggregate.NO_STAGE]
    by_channel = aggregate.collapse(journey_of(text), by="channel")
    assert [g.id for g in by_channel.groups] == [
        "web",
        "store",
        aggregate.NO_CHANNEL,
        aggregate.GOALS,
        aggregate.EXITS,
    ]
    assert flows(by_channel)[(aggregate.NO_CHANNEL, aggregate.EXITS)] == (0.065, 1)


def test_a_channel_named_like_a_catch_all_group_stays_a_channel() -> None:
    text = SHOP.replace("channel store", "channel goals").replace("@store", "@goals")
    collapsed = aggregate.collapse(journey_of(text), by="channel")
    assert [(g.id, g.touchpoints, g.goals) for g in collapsed.groups] == [
        ("web", 2, 0),
        ("goals", 1, 0),
        (aggregate.GOALS, 0, 1),
    ]


def test_a_journey_without_a_start_sums_probabilities_instead() -> None:
    text = 'journey "Loop"\nstage a "A" { touchpoint x "X" }\nstage b "B" { touchpoint y "Y" }\n'
    text += "x -> y 50%\ny -> x 50%\n"
    collapsed = aggregate.collapse(journey_of(text), by="stage")
    assert collapsed.basis == "probability"
    assert flows(collapsed) == {("a", "b"): (0.5, 1), ("b", "a"): (0.5, 1)}
    assert "summed probability" in collapse.to_dot(collapsed)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="choose from stage, channel"):
        aggregate.collapse(journey_of(SHOP), by="persona")


def test_dot_keeps_stage_order_against_flows_back() -> None:
    text = SHOP + "bought -> ad 10%\n"
    source = collapse.to_dot(aggregate.collapse(journey_of(text), by="stage"))
    back = next(line for line in source.splitlines() if line.startswith('  "buy" -> "aware"'))
    forward = next(line for line in source.splitlines() if line.startswith('  "aware" -> "buy"'))
    assert 'constraint="false"' in back and "constraint" not in forward


def test_dot_is_deterministic_and_escapes_labels() -> None:
    text = SHOP.replace('"Awareness"', '"Aware \\" <b>&</b> \\\\N"')
    collapsed = aggregate.collapse(journey_of(text), by="stage")
    first = collapse.to_dot(collapsed)
    assert first == collapse.to_dot(aggregate.collapse(journey_of(text), by="stage"))
    assert "<b>&</b>" not in first and "&lt;b&gt;&amp;&lt;/b&gt;" in first
    plain = collapse.to_dot(collapsed, html_labels=False)
    assert 'Aware \\" <b>&</b> \\\\N' in plain


def test_collapsed_render_lays_out_a_journey_over_the_node_limit() -> None:
    need_dot()
    journey = journey_of(many(300))
    with pytest.raises(RenderError, match="--collapse stage"):
        cjdsl.render(journey, engine="dot", max_nodes=200)
    svg = ET.fromstring(cjdsl.render(journey, engine="dot", collapse_by="stage", max_nodes=200))
    ids = {el.get("id") for el in svg.iter() if el.get("id")}
    prefix = rendering.dot.id_prefix(journey)
    assert {f"{prefix}-g-s0", f"{prefix}-g-s1", f"{prefix}-g-s2", f"{prefix}-f0"} <= ids


def test_node_limit_message_names_the_count_and_the_ways_out() -> None:
    with pytest.raises(RenderError) as error:
        cjdsl.render(journey_of(many(12)), engine="dot", max_nodes=10)
    message = str(error.value)
    assert "13 touchpoints" in message and "more than the 10" in message
    assert "--collapse channel" in message and "--persona" in message and "--max-nodes" in message


def test_node_limit_counts_what_the_persona_sees() -> None:
    text = SHOP.replace('persona anna "Anna"', 'persona anna "Anna"\npersona ben "Ben"')
    journey = journey_of(text.replace('"Flyer" @store', '"Flyer" @store for anna'))
    with pytest.raises(RenderError, match="4 touchpoints"):
        cjdsl.render(journey, format="json", engine="dot", max_nodes=3)
    need_dot()
    assert cjdsl.render(journey, format="json", engine="dot", max_nodes=3, persona="ben")


def test_dot_format_is_not_limited_and_no_limit_is_none() -> None:
    journey = journey_of(many(12))
    assert cjdsl.render(journey, format="dot", max_nodes=2).startswith(b"digraph")
    with pytest.raises(RenderError, match="at least 1"):
        cjdsl.render(journey, format="svg", max_nodes=0)


def test_default_limit_applies() -> None:
    journey = journey_of(many(rendering.DEFAULT_MAX_NODES + 1))
    with pytest.raises(RenderError, match="--collapse"):
        cjdsl.render(journey, engine="dot")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"collapse_by": "persona"}, "choose from stage, channel"),
        (
            {"collapse_by": "stage", "overlay": rendering.Overlay("x")},
            "a collapsed diagram does not show",
        ),
        ({"collapse_by": "stage", "highlight": "critical"}, "a collapsed diagram does not show"),
    ],
)
def test_bad_collapse_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(RenderError, match=message):
        cjdsl.render(journey_of(SHOP), **options)  # type: ignore[arg-type]


def test_rendering_draws_the_aggregate_it_is_given() -> None:
    """The drawing takes the analysis's aggregate and computes none of its own."""
    journey = journey_of(SHOP)
    by_stage = aggregate.collapse(journey, by="stage")
    told = rendering.render(
        journey,
        format_="dot",
        options=rendering.Options(collapse_by="stage"),
        findings=rendering.findings.NONE,
        collapsed=by_stage,
        prefix="p",
    )
    assert told.decode() == collapse.to_dot(by_stage, prefix="p")
    assert told == cjdsl.render(journey, format="dot", collapse_by="stage", prefix="p")
