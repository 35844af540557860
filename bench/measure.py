"""Measurement utilities: warm-up, percentiles, timed loops, peak memory of processes."""

from __future__ import annotations

import math
import os
import resource
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, and the sample count."""
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "max_ms": round(max(ms), 3),
    }


def timed_calls(
    call: Callable[[Any], Any],
    inputs: Iterable[Any],
    *,
    warmup: int = 10,
    budget_s: float | None = None,
    min_samples: int = 20,
) -> list[float]:
    """Call `call(x)` for each input and return each call's duration in seconds.

    The first `warmup` inputs are also called before timing starts (caches, connections,
    lazily imported modules, SQLite page cache) and their durations are discarded.

    With `budget_s`, the timed loop stops once it has run that long and has at least
    `min_samples` durations, and the warm-up once it has taken a tenth of it: a floor that
    answers in 13 s (the overview's SQL over 6.6 M base rows on SQLite) would otherwise take
    200 x 13 s a round. The sample count is reported (`n`).
    """
    items = list(inputs)
    if not items:
        return []
    clock = time.perf_counter
    began = clock()
    for x in items[: max(0, warmup)]:
        call(x)
        if budget_s is not None and clock() - began > budget_s / 10:
            break
    durations: list[float] = []
    began = clock()
    for x in items:
        start = clock()
        call(x)
        durations.append(clock() - start)
        if budget_s is not None and len(durations) >= min_samples and clock() - began > budget_s:
            break
    return durations


def self_peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rusage_peak_mb(usage: Any) -> float:
    """ru_maxrss of a struct returned by os.wait4 (KiB on Linux) in MiB."""
    return float(usage.ru_maxrss) / 1024.0


def proc_peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process from /proc, in MiB; None if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError):
        return None
    return None


def proc_children(pid: int) -> list[int]:
    """Direct children of a live process (Linux /proc/<pid>/task/*/children)."""
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(p) for p in fh.read().split())
    except OSError:
        pass
    return out


def tree_peak_rss_mb(pid: int) -> float | None:
    """Sum of the peaks of a process and its direct children (gunicorn master + workers)."""
    pids = [pid, *proc_children(pid)]
    peaks = [p for p in (proc_peak_rss_mb(x) for x in pids) if p is not None]
    return round(sum(peaks), 1) if peaks else None
