"""Generated journeys of a chosen size, for benchmarks and fuzzing (realistic shape, deterministic).

Three generators:

- ``generate(lines)``: a journey of about ``lines`` lines in which every
  touchpoint has a full attribute block (the language server benchmark's text).
- ``synthetic(touchpoints)``: a journey shaped like real ones, by touchpoint
  count: five stages, eight channels, three personas, most touchpoints on one
  line, some with a one-line or a multi-line block, about three transitions a
  touchpoint (two forward, one inside a small group that may point back: cart
  recovery, support loops), goals and exits, entries with ``reach``, and a few
  re-purchase loops from retention back to consideration. ``synthetic_dot``
  writes the same graph as plain DOT, for the peer parsers.

- ``random_loops(touchpoints)``: the reliability review's worst case for the
  analysis (F10): five stages, and from each touchpoint one transition to the
  next, one to any touchpoint at random and one to the goal, so random loops
  join the whole journey into one strongly connected component that no few
  states cut apart.

All are seeded: the same arguments always give the same text.
"""

from __future__ import annotations

import dataclasses
import random

__all__ = ["LAYERS", "Graph", "generate", "graph", "random_loops", "synthetic", "synthetic_dot"]

_EMOTIONS = ("-2", "-1", "0", "+1", "+2")
STAGES = ("awareness", "consideration", "purchase", "retention", "advocacy")
CHANNELS = (
    ("web", "Web shop", "online"),
    ("app", "Mobile app", "online"),
    ("email", "E-mail", "online"),
    ("social", "Social media", "online"),
    ("search", "Search ads", "online"),
    ("store", "Retail store", "offline"),
    ("phone", "Hotline", "offline"),
    ("mail", "Letter", "offline"),
)
PERSONAS = (("anna", "Anna, 36"), ("ben", "Ben, 24"), ("jörg", "Jörg, 58"))
WORDS = ("curious", "annoyed", "relieved", "unsure", "happy", "bored", "keen")


def generate(lines: int = 2000) -> str:
    """A valid journey of about ``lines`` lines: stages of touchpoints with attributes,
    personas, channels and transitions, with umlauts in some ids.

    >>> text = generate(200)
    >>> 180 <= text.count("\\n") <= 240
    True
    """
    out = [
        "# generated for benchmarks",
        'journey "Generated journey"',
        '  description "A large journey for timing the language server"',
        '  owner "Bench"',
        "",
        'persona anna "Anna, 36" {',
        '  goal "Comfortable shoes"',
        "}",
        'persona jörg "Jörg, 58"',
        "",
        'channel web "Web shop" online',
        'channel store "Store" offline',
        'channel e-mail "E-mail" online',
        "",
    ]
    channels = ("web", "store", "e-mail")
    per_touchpoint = 11  # lines a touchpoint with its block and transitions takes
    count = max(2, (lines - len(out) - 10) // per_touchpoint)
    stages = max(1, count // 10)
    ids = [f"tp{i}" if i % 7 else f"schritt-ä{i}" for i in range(count)]
    for s in range(stages):
        out.append(f'stage s{s} "Stage {s}" {{')
        for i in range(s * count // stages, (s + 1) * count // stages):
            entry = "entry " if i == 0 else ""
            persona = " for anna" if i % 5 == 3 else ""
            out += [
                f'  {entry}touchpoint {ids[i]} "Touchpoint {i}" @{channels[i % 3]}{persona} {{',
                f'    emotion {_EMOTIONS[i % 5]} "mood {i}"',
                f'    action "Does thing {i}"',
                f'    pain "Pain number {i}"',
                f"    kpi ctr {i % 9 + 1}.5%",
                "    cost 120 EUR",
                "  }",
            ]
        out.append("}")
        out.append("")
    out += ['stage end "End" {', '  goal bought "Bought"', '  exit lost "Lost"', "}", ""]
    for i, id_ in enumerate(ids):
        nxt = ids[i + 1] if i + 1 < count else "bought"
        out += [f"{id_} -> {nxt} 60% after 1d", f"{id_} -> bought 10%", f"{id_} -> lost 20%", ""]
    return "\n".join(out) + "\n"


@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    """One generated node: id, kind (touchpoint, goal, exit), stage, channel, extras."""

    id: str
    kind: str
    stage: int
    channel: str | None
    entry: bool
    persona: str | None
    block: str  # "", "line" or "lines"


@dataclasses.dataclass(frozen=True, slots=True)
class Edge:
    """One generated transition with what is written after its target."""

    source: str
    target: str
    percent: int | None
    after: str | None
    label: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class Graph:
    """The generated journey as data, written out by ``synthetic`` and ``synthetic_dot``."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


LAYERS = 30  # steps from first contact to advocacy; six to a stage


def graph(touchpoints: int, *, seed: int = 1) -> Graph:
    """The journey graph ``synthetic`` writes: ``touchpoints`` nodes, seeded.

    Touchpoints lie in 30 layers (six a stage); the first layer holds the
    entries. Each touchpoint leads to one of the next layer (spread so that
    every touchpoint is reachable) and to a random one of the next or the one
    after, and to one in its group of ten of the same layer (a small loop when
    it points back); some lead to an exit, some to a goal of the next layer.
    Goals lead on into retention (a journey goes on after the sale), and a few
    transitions go from retention back to consideration (re-purchase).
    """
    rng = random.Random(seed)
    goals = max(2, touchpoints // 500)
    exits = max(1, touchpoints // 100)
    plain = max(LAYERS, touchpoints - goals - exits)
    size = -(-plain // LAYERS)
    if size * (LAYERS - 1) < plain:
        layer_of = [i // size for i in range(plain)]
    else:  # a small journey: spread evenly, so that no layer is left empty
        layer_of = [i * LAYERS // plain for i in range(plain)]
    nodes: list[Node] = []
    for i in range(plain):
        roll = rng.random()
        nodes.append(
            Node(
                id=f"t{i}" if i % 13 else f"schritt-ä{i}",
                kind="touchpoint",
                stage=layer_of[i] * len(STAGES) // LAYERS,
                channel=CHANNELS[rng.randrange(len(CHANNELS))][0],
                entry=layer_of[i] == 0,
                persona=PERSONAS[rng.randrange(3)][0] if rng.random() < 0.1 else None,
                block="lines" if roll < 0.1 else "line" if roll < 0.4 else "",
            )
        )
    goal_layer = [14 + g * 15 // goals for g in range(goals)]  # from purchase on
    for g, layer in enumerate(goal_layer):
        nodes.append(Node(f"goal{g}", "goal", layer * len(STAGES) // LAYERS, None, False, None, ""))
    for e in range(exits):
        nodes.append(Node(f"lost{e}", "exit", 1 + e % 4, None, False, None, ""))
    members: list[list[int]] = [[] for _ in range(LAYERS)]
    for i in range(plain):
        members[layer_of[i]].append(i)
    goals_in: list[list[int]] = [[] for _ in range(LAYERS)]
    for g, layer in enumerate(goal_layer):
        goals_in[layer].append(plain + g)
    edges: list[Edge] = []

    def add(u: int, v: int, percent: int | None) -> None:
        after = rng.choice((None, None, "1h", "2d", "1w"))
        label = f"step {u}" if rng.random() < 0.05 else None
        edges.append(Edge(nodes[u].id, nodes[v].id, percent, after, label))

    for u in range(plain):
        layer, here = layer_of[u], members[layer_of[u]]
        position = here.index(u) if len(here) < 64 else u - here[0]
        targets: set[int] = set()
        if layer + 1 < LAYERS:
            ahead = members[layer + 1]
            targets.add(ahead[position * len(ahead) // len(here)])
            further = members[min(LAYERS - 1, layer + 1 + (rng.random() < 0.3))]
            targets.add(rng.choice(further))
            if goals_in[layer + 1] and rng.random() < 0.3:
                targets.add(rng.choice(goals_in[layer + 1]))
        else:
            targets.add(plain + goals - 1)
        group = here[(position // 10) * 10 : (position // 10) * 10 + 10]
        inside = rng.choice(group)
        if inside != u:
            targets.add(inside)
        if rng.random() < 0.05:
            targets.add(plain + goals + rng.randrange(exits))
        share = rng.randint(60, 95) // len(targets)
        for v in sorted(targets):
            add(u, v, None if rng.random() < 0.2 else share)
    retention = [i for layer in range(18, 24) for i in members[layer]]
    consideration = [i for layer in range(6, 12) for i in members[layer]]
    for g in range(goals):  # after a purchase the journey goes on: onboarding, retention
        add(plain + g, rng.choice(retention), 50)
    for _ in range(max(2, touchpoints // 5000)):  # re-purchase loops
        add(rng.choice(retention), rng.choice(consideration), 1)
    return Graph(tuple(nodes), tuple(edges))


def synthetic(touchpoints: int, *, seed: int = 1) -> str:
    """A realistic journey of ``touchpoints`` nodes, as ``.journey`` text.

    >>> text = synthetic(100)
    >>> text.startswith('journey "Synthetic journey of 100 touchpoints"')
    True
    """
    journey = graph(touchpoints, seed=seed)
    rng = random.Random(seed + 1)
    out = [
        f'journey "Synthetic journey of {touchpoints} touchpoints"',
        '  description "Generated for benchmarks: stages, channels, personas, loops"',
        '  owner "Bench"',
        "",
    ]
    for id_, label in PERSONAS:
        out.append(f'persona {id_} "{label}" {{ goal "Good shoes"; pain "Little time" }}')
    out.append("")
    out += [f'channel {id_} "{label}" {kind}' for id_, label, kind in CHANNELS]
    for index, stage in enumerate(STAGES):
        out += ["", f'stage {stage} "{stage.title()}" {{', f'  description "Stage {index + 1}"']
        for node in journey.nodes:
            if node.stage != index:
                continue
            head = f'  {"entry " if node.entry else ""}{node.kind} {node.id} "{node.id.title()}"'
            head += f" @{node.channel}" if node.channel else ""
            head += f" for {node.persona}" if node.persona else ""
            emotion = rng.choice(_EMOTIONS)
            word = rng.choice(WORDS)
            if node.block == "line" or node.entry:
                reach = "; reach 5000" if node.entry else ""
                out.append(f'{head} {{ emotion {emotion} "{word}"; kpi ctr 2.5%{reach} }}')
            elif node.block == "lines":
                out += [
                    head + " {",
                    f'    emotion {emotion} "{word}"',
                    f'    action "Looks at offer {node.id}"',
                    f'    pain "Waiting for {node.id}"',
                    f"    cost {rng.randint(10, 900)} EUR",
                    "  }",
                ]
            else:
                out.append(head)
        out.append("}")
    out.append("")
    for edge in journey.edges:
        line = f"{edge.source} -> {edge.target}"
        line += f" {edge.percent}%" if edge.percent is not None else ""
        line += f" after {edge.after}" if edge.after else ""
        line += f' "{edge.label}"' if edge.label else ""
        out.append(line)
    return "\n".join(out) + "\n"


def synthetic_dot(touchpoints: int, *, seed: int = 1) -> str:
    """The graph of ``synthetic`` as plain DOT: one statement a node and an edge, clusters
    for stages, the same labels and figures as attributes (what a peer parser reads)."""
    journey = graph(touchpoints, seed=seed)
    out = [f'digraph "synthetic {touchpoints}" {{', "  rankdir=LR"]
    for index, stage in enumerate(STAGES):
        out.append(f'  subgraph "cluster_{stage}" {{')
        out.append(f'    label="{stage.title()}"')
        for node in journey.nodes:
            if node.stage == index:
                shape = {"goal": "doublecircle", "exit": "octagon"}.get(node.kind, "box")
                channel = f', channel="{node.channel}"' if node.channel else ""
                out.append(f'    "{node.id}" [label="{node.id.title()}", shape={shape}{channel}]')
        out.append("  }")
    for edge in journey.edges:
        attributes = [f'label="{edge.percent}%"'] if edge.percent is not None else []
        attributes += [f'after="{edge.after}"'] if edge.after else []
        attributes += [f'tooltip="{edge.label}"'] if edge.label else []
        out.append(f'  "{edge.source}" -> "{edge.target}" [{", ".join(attributes)}]')
    out.append("}")
    return "\n".join(out) + "\n"


def random_loops(touchpoints: int, *, seed: int = 1) -> str:
    """The review's ``gen_random_loops.py`` journey (the same text for seed 1), as a string.

    >>> text = random_loops(10)
    >>> text.count("->"), text.count("touchpoint")
    (27, 10)
    """
    rng = random.Random(seed)
    n = touchpoints
    out = ['journey "Big"', 'channel web "Web" online']
    for s in range(5):
        out.append(f'stage s{s} "Stage {s}" {{')
        for i in range(s * n // 5, (s + 1) * n // 5):
            keyword = "entry touchpoint" if i == 0 else "touchpoint"
            emotion = rng.choice([-2, -1, 0, 1, 2])
            out.append(
                f'  {keyword} t{i} "Touchpoint {i}" @web '
                f'{{ emotion {emotion}; action "does {i}"; pain "pain {i}" }}'
            )
        out.append("}")
    out.append("goal g")
    for i in range(n - 1):
        out += [f"t{i} -> t{i + 1} 40%", f"t{i} -> t{rng.randrange(n)} 10%", f"t{i} -> g 5%"]
    return "\n".join(out) + "\n"
