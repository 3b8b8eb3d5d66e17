"""Benchmark of the exact Markov attribution against ChannelAttribution's ``markov_model``.

Not part of the test suite. Run from the repository root:

    python bench/bench_attribution.py                       # 1M journeys, order 1
    python bench/bench_attribution.py --journeys 200000 --orders 1 2
    python bench/bench_attribution.py --ca-python /tmp/ca-venv/bin/python

A seeded generator makes ``--journeys`` journeys over twelve channels (a random chain with
self-loops and loops, so paths repeat channels and come back) and aggregates them into a
ChannelAttribution path table (1M journeys: about 275k distinct paths). cjdsl reads the
table (``pathtables.read`` through ``files.read_lines``) and solves the removal effects
exactly; ChannelAttribution (GPL) runs the same table with its defaults in another
interpreter, out of process: it is never imported here. Install it once in a throwaway
environment, as the docs say:

    python3 -m venv /tmp/ca-venv && /tmp/ca-venv/bin/pip install ChannelAttribution matplotlib

Times are CPU seconds (user + sys) of the work itself, each side reading the same CSV:
cjdsl's reading (``pathtables.read``) and model (removal effects and credit),
ChannelAttribution's ``pandas.read_csv`` and ``markov_model`` (which parses the path
strings itself). Printed: both, the ratio from the CSV and the ratio of the models alone,
and how far ChannelAttribution's simulated removal effects are from the exact ones
(largest difference, in percentage points). Without ChannelAttribution only cjdsl runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import tempfile
import time
from typing import Any

import numpy as np

from cjdsl import files
from cjdsl.observed import attribution, pathtables, removal

CHANNELS = (
    "Suchmaschine",
    "Newsletter",
    "Social Media",
    "Preisvergleich",
    "Filiale",
    "direct",
    "Display",
    "Affiliate",
    "Hotline",
    "Katalog",
    "Gutschein",
    "Messe",
)

CA_SCRIPT = r"""
import contextlib, io, json, sys, time, resource
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
with contextlib.redirect_stdout(io.StringIO()):
    import pandas as pd
    import ChannelAttribution as ca
start = cpu()
data = pd.read_csv(sys.argv[1], sep=";")
read = cpu() - start
orders = [int(o) for o in sys.argv[2].split(",")]
out = {"read": read, "orders": {}}
for order in orders:
    start = cpu()
    with contextlib.redirect_stdout(io.StringIO()):
        result = ca.markov_model(
            data, "path", "total_conversions", var_value="total_conversion_value",
            var_null="total_null", order=order, out_more=True, verbose=False, flg_pro=False,
        )
    effects = result["removal_effects"]
    out["orders"][order] = {
        "cpu": cpu() - start,
        "conversions": dict(zip(effects["channel_name"], effects["removal_effects_conversion"])),
        "value": dict(zip(effects["channel_name"], effects["removal_effects_conversion_value"])),
    }
print(json.dumps(out))
"""


def generate(journeys: int, seed: int) -> list[str]:
    """The path table's lines for ``journeys`` seeded journeys."""
    rng = np.random.default_rng(seed)
    n = len(CHANNELS)
    transition = rng.dirichlet(np.full(n, 0.35), size=n)
    transition += np.eye(n) * 0.15  # self-loops: a channel clicked again
    transition /= transition.sum(axis=1, keepdims=True)
    cumulative = np.cumsum(transition, axis=1)
    first = np.cumsum(rng.dirichlet(np.full(n, 1.0)))
    lift = rng.normal(0, 0.6, size=n)
    longest = 24
    steps = np.full((journeys, longest), -1, dtype=np.int64)
    state = np.minimum(np.searchsorted(first, rng.random(journeys)), n - 1)
    alive = np.ones(journeys, dtype=bool)
    for t in range(longest):
        steps[alive, t] = state[alive]
        alive &= rng.random(journeys) > 0.21
        u = rng.random(journeys)
        state = np.minimum((cumulative[state] < u[:, None]).sum(axis=1), n - 1)
    lengths = (steps >= 0).sum(axis=1)
    score = np.where(steps >= 0, lift[np.maximum(steps, 0)], 0.0).sum(axis=1)
    converted = rng.random(journeys) < 1 / (1 + np.exp(-(score - 2.2 + 0.15 * lengths)))
    value = np.where(converted, np.round(rng.lognormal(4, 0.7, size=journeys), 2), 0.0)
    table: dict[bytes, list[float]] = {}
    for row, conv, val in zip(
        steps.astype(np.int8), converted.tolist(), value.tolist(), strict=True
    ):
        key = row.tobytes()
        entry = table.setdefault(key, [0, 0.0, 0])
        if conv:
            entry[0] += 1
            entry[1] += val
        else:
            entry[2] += 1
    lines = ["path;total_conversions;total_conversion_value;total_null"]
    for key, (conv, val, null) in table.items():
        row = np.frombuffer(key, dtype=np.int8)
        path = " > ".join(CHANNELS[c] for c in row[row >= 0])
        lines.append(f"{path};{conv};{val:.2f};{null}")
    return lines


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_cjdsl(table: pathlib.Path, orders: list[int]) -> dict[str, Any]:
    # Warm up: SciPy loads parts of itself at the first solve, as ChannelAttribution's
    # module is loaded before its clock starts.
    warm = pathtables.read(["path;total_conversions;total_null", "a > b;1;1", "b;0;1"])
    attribution.attribute(warm, attribution.Settings(models=("markov",), orders=tuple(orders)))
    start = cpu()
    paths = pathtables.read(files.read_blocks(str(table)))
    read = cpu() - start
    out: dict[str, Any] = {"read": read, "paths": paths.size, "orders": {}}
    for order in orders:
        start = cpu()
        settings = attribution.Settings(models=("markov",), orders=(order,))
        [credit] = attribution.attribute(paths, settings).models  # effects and credit
        spent = cpu() - start
        assert credit.removal is not None and credit.removal_value is not None
        out["orders"][order] = {
            "cpu": spent,
            "states": removal.chain(paths, order).q.shape[0],
            "conversions": dict(zip(paths.channels, credit.removal, strict=True)),
            "value": dict(zip(paths.channels, credit.removal_value, strict=True)),
        }
    return out


def run_ca(python: str, table: pathlib.Path, orders: list[int], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [python, "-c", CA_SCRIPT, str(table), ",".join(map(str, orders))],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, nargs="+", default=[1])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--ca-python",
        default=os.environ.get("CJDSL_CA_PYTHON", "/tmp/ca-venv/bin/python"),
        help="The interpreter that has ChannelAttribution (never this one).",
    )
    parser.add_argument("--timeout", type=float, default=3000)
    parser.add_argument("--json", type=pathlib.Path, help="Also write the figures here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjdsl-bench-attribution-") as folder:
        table = pathlib.Path(folder) / "paths.csv"
        started = time.perf_counter()
        lines = generate(args.journeys, args.seed)
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
        made = time.perf_counter() - started
        print(
            f"{args.journeys:,} journeys, {len(lines) - 1:,} distinct paths, "
            f"{table.stat().st_size / 1e6:.1f} MB (made in {made:.1f} s)"
        )
        ours = run_cjdsl(table, args.orders)
        print(f"cjdsl: read {ours['read']:.2f} s CPU")
        theirs: dict[str, Any] | None = None
        if pathlib.Path(args.ca_python).exists():
            try:
                theirs = run_ca(args.ca_python, table, args.orders, args.timeout)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                print(f"ChannelAttribution did not run: {error}")
        else:
            print(f"ChannelAttribution: no interpreter at {args.ca_python} (see the docstring)")
        report: dict[str, Any] = {"journeys": args.journeys, "paths": ours["paths"], "orders": {}}
        for order in args.orders:
            mine = ours["orders"][order]
            total = ours["read"] + mine["cpu"]
            print(
                f"order {order}: cjdsl {total:.2f} s CPU = read {ours['read']:.2f} + model "
                f"{mine['cpu']:.2f} ({mine['states']:,} states, exact)"
            )
            entry: dict[str, Any] = {"cjdsl_cpu": total, "cjdsl_model_cpu": mine["cpu"]}
            if theirs is not None:
                ca = theirs["orders"][str(order)]
                ca_total = theirs["read"] + ca["cpu"]
                gap = max(
                    abs(ca["conversions"][c] - mine["conversions"][c]) for c in mine["conversions"]
                )
                gap_value = max(abs(ca["value"][c] - mine["value"][c]) for c in mine["value"])
                print(
                    f"         ChannelAttribution {ca_total:.2f} s CPU = pandas.read_csv "
                    f"{theirs['read']:.2f} + markov_model {ca['cpu']:.2f} (simulated)\n"
                    f"         ratio: {ca_total / total:.1f}x from the CSV, "
                    f"{ca['cpu'] / mine['cpu']:.1f}x model against markov_model; "
                    f"simulated removal effects off the exact ones by up to {gap * 100:.2f} pp "
                    f"(value {gap_value * 100:.2f} pp)"
                )
                entry |= {
                    "ca_cpu": ca_total,
                    "ca_model_cpu": ca["cpu"],
                    "ratio": ca_total / total,
                    "model_ratio": ca["cpu"] / mine["cpu"],
                    "max_gap_pp": gap * 100,
                    "max_gap_value_pp": gap_value * 100,
                }
            report["orders"][order] = entry
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
