"""Benchmark of the event-log aggregation (``cjdsl.observed.counts``) on generated logs:
DuckDB, the Spark route (local[2]) and the tests' pandas reference, side by side.

Not part of the test suite. Run from the repository root (the machine is shared: one
size at a time, Spark last):

    python bench/bench_observed.py --events 1000000
    python bench/bench_observed.py --events 1000000 --engines duckdb,pandas,spark
    python bench/bench_observed.py --events 10000000 --engines duckdb

The log is seeded (the same size gives the same log): users walk 20 events with self-loops
and revisits, 5% of gaps are 0 s (ties), 3% of events convert and users come back after
converting; it is written as Parquet, sorted by time (an append-only log). Each engine runs
in a fresh child process; the table gives wall seconds, CPU seconds and peak RSS of its whole
process tree (sampled every 0.1 s from /proc, so Spark's JVM counts; CPU up to the last
sample) and whether the transition counts are identical to the first engine's.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent


def generate(events: int, path: pathlib.Path, seed: int = 42) -> None:
    """A seeded log of about ``events`` rows, written as Parquet at ``path``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    users = max(1, events // 5)
    per_user = rng.geometric(1 / 5, size=users)
    per_user = np.maximum(1, np.round(per_user * events / per_user.sum())).astype(np.int64)
    total = int(per_user.sum())
    user = np.repeat(np.arange(users), per_user)
    k = 20
    channel = rng.integers(0, k, size=total)
    repeat = rng.random(total) < 0.25  # a self-loop: the same event again
    for _ in range(2):
        channel[1:] = np.where(repeat[1:], channel[:-1], channel[1:])
    gaps = np.exp(rng.normal(7.0, 2.0, size=total)).astype(np.int64)
    gaps = np.where(rng.random(total) < 0.05, 0, np.minimum(gaps, 10 * 86400))
    first = np.r_[True, user[1:] != user[:-1]]
    start = rng.integers(0, 30 * 86400, size=users)
    gaps[first] = 0
    offset = np.cumsum(gaps)
    base = np.repeat(start - np.r_[0, offset[np.flatnonzero(first)[1:] - 1]], per_user)
    seconds = base + offset
    conversion = (rng.random(total) < 0.03).astype(np.int8)
    value = np.where(conversion == 1, np.round(rng.lognormal(3.5, 0.8, size=total), 2), np.nan)
    order = np.argsort(seconds, kind="stable")
    stamp = (np.datetime64("2024-03-01T00:00:00", "s") + seconds[order]).astype("datetime64[us]")
    names = np.array([f"ch_{i:02d}" for i in range(k)], dtype=object)
    table = pa.table(
        {
            "user_id": pa.array(np.char.add("u", user[order].astype(str))),
            "timestamp": pa.array(stamp),
            "event": pa.array(names[channel[order]], type=pa.string()),
            "conversion": pa.array(conversion[order]),
            "value": pa.array(value[order], mask=np.isnan(value[order])),
        }
    )
    pq.write_table(table, path, row_group_size=1_000_000)


def child(engine: str, path: str, out: str) -> None:
    """Run one engine on ``path``; write its counts and in-process seconds to ``out``."""
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        from tests.observed_reference import reference

        frame = pd.read_parquet(path)
        frame["segment"] = None
        rows = [list(r[1:]) for r in reference(frame)]
    else:
        from cjdsl import observed
        from cjdsl.observed import engines

        connection = (
            engines.connect("spark", spark=engines.spark_session(partitions=8, memory="4g"))
            if engine == "spark"
            else engines.connect("duckdb")  # duckdb, and dfg: DuckDB without the cut
        )
        log = observed.open_log(path, engine=connection, check_times=False)
        cut = engine != "dfg"  # dfg: one journey per user, as a process-mining case
        found = observed.counts(log, cut_at_conversion=cut)
        rows = [[c.source, c.target, c.n, c.median_s, c.mean_s] for c in found]
        if engine == "dfg":
            rows = [r[:3] for r in rows]
        if engine == "spark":
            connection.spark.stop()
    seconds = time.perf_counter() - started
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    result = {"rows": rows, "seconds": seconds, "peak_kb": peak}
    pathlib.Path(out).write_text(json.dumps(result), "utf-8")


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, from /proc (Linux)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = pathlib.Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _sample(pids: list[int]) -> tuple[dict[int, float], int]:
    """CPU seconds per process and the tree's summed RSS in bytes."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    cpu: dict[int, float] = {}
    rss = 0
    for pid in pids:
        try:
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
        rss += int(fields[21]) * page
    return cpu, rss


PM4PY = """
import json, sys, time, resource
import pandas as pd
started = time.perf_counter()
import pm4py
frame = pd.read_parquet(sys.argv[1])
frame = frame.dropna(subset=["user_id", "timestamp", "event"])
dfg, starts, ends = pm4py.discover_dfg(
    frame, case_id_key="user_id", activity_key="event", timestamp_key="timestamp")
rows = [["(start)", a, int(n)] for a, n in starts.items()]
rows += [[a, b, int(n)] for (a, b), n in dfg.items()]
rows += [[a, "(end)", int(n)] for a, n in ends.items()]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {"rows": rows, "seconds": time.perf_counter() - started, "peak_kb": peak}
open(sys.argv[2], "w").write(json.dumps(out))
"""
"""pm4py's directly-follows graph of the same log, run by another interpreter (pm4py is
AGPL: never imported here; ``--pm4py /tmp/venv/bin/python`` names one that has it)."""


def run(
    engine: str, path: pathlib.Path, folder: pathlib.Path, python: str | None = None
) -> dict[str, Any]:
    """One engine in a fresh child process: wall, CPU and peak RSS of the whole process
    tree (sampled every 0.1 s from /proc, so the JVM counts), and its counts."""
    out = folder / f"{engine}.json"
    started = time.perf_counter()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    command = [sys.executable, __file__, "--child", engine, str(path), str(out)]
    if engine == "pm4py":
        command = [python or "python3", "-c", PM4PY, str(path), str(out)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    cpu: dict[int, float] = {}
    peak = 0
    while process.poll() is None:
        seen, rss = _sample(_tree(process.pid))
        cpu.update(seen)
        peak = max(peak, rss)
        time.sleep(0.1)
    wall = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{stderr[-2000:]}")
    result = json.loads(out.read_text("utf-8"))
    return {
        "engine": engine,
        "wall_s": wall,
        "work_s": result["seconds"],
        "cpu_s": sum(cpu.values()),
        "peak_rss_mb": max(peak, result["peak_kb"] * 1024) / 2**20,
        "rows": result["rows"],
    }


def same(a: list[list[Any]], b: list[list[Any]]) -> bool:
    """Counts identical, gaps equal to 1e-9 relative."""
    if [r[:3] for r in a] != [r[:3] for r in b]:
        return False
    for x, y in zip(a, b, strict=True):
        for p, q in zip(x[3:], y[3:], strict=True):
            if (p is None) != (q is None):
                return False
            if p is not None and q is not None and abs(p - q) > 1e-9 * max(1.0, abs(q)):
                return False
    return True


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--engines", default="duckdb,pandas")
    parser.add_argument("--json", help="Write the results here.")
    parser.add_argument(
        "--pm4py",
        metavar="PYTHON",
        help="Also time cjdsl's counts without the journey cut (dfg) against pm4py's "
        "discover_dfg, run by this interpreter (a venv that has pm4py).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cjdsl-bench-") as tmp:
        folder = pathlib.Path(tmp)
        path = folder / "events.parquet"
        started = time.perf_counter()
        generate(args.events, path)
        print(f"generated {args.events:,} events in {time.perf_counter() - started:.1f} s")
        results = [run(e, path, folder) for e in args.engines.split(",")]
        if args.pm4py:
            dfg = [run("dfg", path, folder), run("pm4py", path, folder, args.pm4py)]
    first = results[0]["rows"]
    print(f"{'engine':8} {'wall s':>8} {'work s':>8} {'CPU s':>8} {'peak MB':>8}  equal")
    for r in results:
        print(
            f"{r['engine']:8} {r['wall_s']:8.1f} {r['work_s']:8.1f} {r['cpu_s']:8.1f} "
            f"{r['peak_rss_mb']:8.0f}  {'yes' if same(r['rows'], first) else 'NO'}"
        )
    base = results[0]
    for r in results[1:]:
        print(f"{r['engine']} / {base['engine']}: {r['cpu_s'] / base['cpu_s']:.1f}x CPU")
    if args.pm4py:
        ours, theirs = dfg
        mine = {
            (a, "(end)" if b in ("(conversion)", "(null)") else b): 0 for a, b, _ in ours["rows"]
        }
        for a, b, n in ours["rows"]:
            mine[a, "(end)" if b in ("(conversion)", "(null)") else b] += n
        pm = {(a, b): n for a, b, n in theirs["rows"]}
        equal = "yes" if mine == pm else f"NO ({sum(mine[k] != pm.get(k) for k in mine)} differ)"
        for r in dfg:
            print(
                f"{r['engine']:8} {r['wall_s']:8.1f} {r['work_s']:8.1f} {r['cpu_s']:8.1f} "
                f"{r['peak_rss_mb']:8.0f}  {equal if r is theirs else ''}"
            )
        print(f"pm4py / cjdsl dfg: {theirs['cpu_s'] / ours['cpu_s']:.1f}x CPU")
        results += dfg
    if args.json:
        slim = [{k: v for k, v in r.items() if k != "rows"} for r in results]
        pathlib.Path(args.json).write_text(json.dumps(slim, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
