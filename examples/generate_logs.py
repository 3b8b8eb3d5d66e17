"""Seeded event logs for an example journey: a web-analytics export and a CRM log.

Customers walk the journey's own chain (its probabilities and ``after`` durations, per
persona), starting at the entries in proportion to their reach. Every touchpoint they meet
is an event: online channels land in the web-analytics export (JSON lines, the touchpoint
id as event name, times in UTC with a ``Z``), offline ones in the CRM / contact-centre log
(CSV, the touchpoint's label as event name, naive times meaning UTC). Reaching a goal is a
converting event with an order value. A little noise the journey does not know
(``session_start``, ``page_view:/impressum``) shows up as unmapped events in ``cjdsl fit``.

    python examples/generate_logs.py examples/online-shop.journey --users 1500 --seed 7 \\
        --out examples/data/online-shop

writes ``…/web-analytics.jsonl`` and ``…/crm.csv`` (both: user_id, timestamp, event,
conversion, value, segment). The output is the same for the same seed, on every machine.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import pathlib
import random

import cjdsl
from cjdsl import graph, model

NOISE = ("session_start", "page_view:/impressum")
START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def simulate(journey: model.Journey, users: int, seed: int) -> list[dict[str, object]]:
    """The events of ``users`` customers, in time order."""
    rng = random.Random(seed)
    personas = [p.id for p in journey.personas] or [None]
    graphs = {p: graph.build(journey, persona=p) for p in personas}
    nodes = {n.id: n for n in journey.touchpoints}
    events: list[dict[str, object]] = []
    for number in range(users):
        persona = personas[number % len(personas)]
        g = graphs[persona]
        entries = [n for n in g if nodes[n].entry]
        weights = [g.nodes[n]["reach"] or 1.0 for n in entries]
        node = rng.choices(entries, weights)[0]
        when = START + dt.timedelta(seconds=rng.randrange(0, 20 * 86400))
        user = f"k{number:05d}"
        for _ in range(40):
            goal = nodes[node].kind is model.NodeKind.GOAL
            if nodes[node].kind is not model.NodeKind.EXIT:
                events.append(_event(user, when, nodes[node], goal, rng, persona))
            if rng.random() < 0.03:
                events.append(
                    {"user_id": user, "timestamp": when, "event": rng.choice(NOISE),
                     "conversion": 0, "value": None, "segment": persona, "online": True}
                )
            out = list(g.out_edges(node, data=True))
            r, chosen = rng.random(), None
            for _, target, data in out:
                r -= data["p"]
                if r < 0:
                    chosen = (target, data["after"])
                    break
            if chosen is None:
                break
            node, after = chosen
            typical = after if after else 600.0
            when += dt.timedelta(seconds=round(rng.expovariate(1 / typical)))
    events.sort(key=lambda e: e["timestamp"])  # type: ignore[arg-type,return-value]
    return events


def _event(
    user: str, when: dt.datetime, node: model.Touchpoint, goal: bool, rng: random.Random,
    persona: str | None,
) -> dict[str, object]:
    online = node.channel is None or _online(node)
    return {
        "user_id": user,
        "timestamp": when,
        "event": node.id if online else node.label,
        "conversion": int(goal),
        "value": round(rng.lognormvariate(4.4, 0.3), 2) if goal else None,
        "segment": persona,
        "online": online,
    }


ONLINE_KINDS = ("online", "digital")


def _online(node: model.Touchpoint) -> bool:
    return node.channel not in OFFLINE


OFFLINE: set[str | None] = set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("journey")
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    journey = cjdsl.load(args.journey).journey
    assert journey is not None
    OFFLINE.update(c.id for c in journey.channels if c.kind not in ONLINE_KINDS)
    events = simulate(journey, args.users, args.seed)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    columns = ["user_id", "timestamp", "event", "conversion", "value", "segment"]
    with (out / "web-analytics.jsonl").open("w", encoding="utf-8", newline="\n") as web:
        for e in events:
            if e["online"]:
                stamp = e["timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[attr-defined]
                row = {c: e[c] for c in columns} | {"timestamp": stamp}
                web.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    with (out / "crm.csv").open("w", encoding="utf-8", newline="") as crm:
        writer = csv.writer(crm, lineterminator="\n")
        writer.writerow(columns)
        for e in events:
            if not e["online"]:
                stamp = e["timestamp"].strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]
                writer.writerow([stamp if c == "timestamp" else e[c] for c in columns])
    print(f"{len(events)} events of {args.users} customers in {out}")


if __name__ == "__main__":
    main()
