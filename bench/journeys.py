"""Generated journeys of a chosen size, for benchmarks (realistic shape, deterministic)."""

from __future__ import annotations

__all__ = ["generate"]

_EMOTIONS = ("-2", "-1", "0", "+1", "+2")


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
