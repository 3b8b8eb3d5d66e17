"""An independent pandas reference of the journey cut and the transition counts, and a
seeded log generator: the oracle the engines are held to (not in the package).

The reference sorts with a stable sort on (user, time, file, row) and walks the rows with
plain NumPy; it shares nothing with cjdsl.observed but the documented semantics.
"""

from __future__ import annotations

import itertools
import pathlib
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["assert_same", "generate", "reference", "write"]

START, CONVERSION, NULL = "(start)", "(conversion)", "(null)"


def generate(users: int = 400, seed: int = 7) -> pd.DataFrame:
    """A log with ties (equal timestamps), revisits, self-loops, several conversions per
    user, segments, null values and a few rows without an event."""
    rng = np.random.default_rng(seed)
    events = ["Anzeige", "Website", "Website", "Newsletter", "Filiale", "Hotline", "Kündigung"]
    rows: list[dict[str, Any]] = []
    base = np.datetime64("2024-03-01T00:00:00", "s")
    for u in range(users):
        t = base + np.timedelta64(int(rng.integers(0, 20 * 86400)), "s")
        segment = ["b2c", "b2b", None][int(rng.integers(0, 3))]
        for _ in range(int(rng.integers(1, 14))):
            event = events[int(rng.integers(0, len(events)))]
            conv = int(rng.random() < 0.12)
            value = round(float(rng.lognormal(3, 0.5)), 2) if conv and rng.random() < 0.9 else None
            rows.append(
                {
                    "user_id": f"u{u:04d}",
                    "timestamp": t,
                    "event": event if rng.random() > 0.01 else None,
                    "conversion": conv,
                    "revenue": value,
                    "segment": segment,
                }
            )
            if rng.random() < 0.2:  # a self-loop
                rows.append({**rows[-1], "conversion": 0, "revenue": None})
            gap = 0 if rng.random() < 0.15 else int(np.exp(rng.normal(7, 2)))
            t = t + np.timedelta64(min(gap, 10 * 86400), "s")
    frame = pd.DataFrame(rows)
    order = np.argsort(frame["timestamp"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)  # an append-only log: by time, stable


def write(frame: pd.DataFrame, folder: pathlib.Path, fmt: str, parts: int = 1) -> list[str]:
    """Write ``frame`` as ``parts`` files (row chunks, in path order) of format ``fmt``."""
    folder.mkdir(parents=True, exist_ok=True)
    chunks = np.array_split(np.arange(len(frame)), parts)
    paths = []
    for i, idx in enumerate(chunks):
        part = frame.iloc[idx]
        path = folder / f"part-{i:02d}.{fmt}"
        if fmt == "csv":
            part.assign(timestamp=part["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_csv(
                path, index=False
            )
        elif fmt == "parquet":
            part.to_parquet(path, index=False)
        else:
            text = part.assign(timestamp=part["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S"))
            text.to_json(path, orient="records", lines=True)
        paths.append(str(path))
    return paths


def reference(
    frame: pd.DataFrame,
    *,
    cut_at_conversion: bool = True,
    session_gap: float | None = None,
    by_segment: bool = False,
) -> list[tuple[Any, ...]]:
    """(segment, source, target, n, median_s, mean_s) rows, sorted; the frame's row order
    is the log's order (the tie-break)."""
    e = frame.assign(_pos=np.arange(len(frame)))
    e = e.dropna(subset=["user_id", "timestamp", "event"])
    e = e.sort_values(["user_id", "timestamp", "_pos"], kind="mergesort").reset_index(drop=True)
    user = e["user_id"].to_numpy()
    us = e["timestamp"].to_numpy().astype("datetime64[us]").astype(np.int64)
    conv = e["conversion"].fillna(0).astype(int).to_numpy()
    event = e["event"].to_numpy()
    segment = e["segment"].to_numpy()
    start = np.ones(len(e), dtype=bool)
    start[1:] = user[1:] != user[:-1]
    if cut_at_conversion:
        start[1:] |= conv[:-1] == 1
    if session_gap is not None:
        start[1:] |= (us[1:] - us[:-1]) > round(session_gap * 1_000_000)
    journey = np.cumsum(start)
    edges: dict[tuple[Any, str, str], list[float | None]] = {}

    def add(seg: Any, a: str, b: str, dt: float | None) -> None:
        edges.setdefault((seg if by_segment else None, a, b), []).append(dt)

    bounds = [*np.flatnonzero(start), len(e)]
    for lo, hi in itertools.pairwise(bounds):
        seg = segment[lo]
        seg = None if seg is None or (isinstance(seg, float) and np.isnan(seg)) else seg
        add(seg, START, event[lo], None)
        for i in range(lo, hi - 1):
            add(seg, event[i], event[i + 1], (us[i + 1] - us[i]) / 1e6)
        add(seg, event[hi - 1], CONVERSION if conv[lo:hi].max() == 1 else NULL, None)
    assert journey[-1] == len(bounds) - 1
    out = []
    for (seg, a, b), dts in edges.items():
        gaps = [d for d in dts if d is not None]
        median = float(np.median(gaps)) if gaps else None
        mean = float(np.mean(gaps)) if gaps else None
        out.append((seg, a, b, len(dts), median, mean))
    return sorted(out, key=lambda r: (r[0] or "", r[1], r[2]))


def assert_same(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> None:
    """Keys and counts identical, gaps equal to 1e-9 (summation order), nulls where nulls."""
    assert [r[:4] for r in got] == [r[:4] for r in want]
    for g, w in zip(got, want, strict=True):
        for a, b in zip(g[4:], w[4:], strict=True):
            assert (a is None) == (b is None), (g, w)
            if a is not None and b is not None:
                assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), (g, w)
