"""`gongzhi bench [--scale F] [--only NAME[,NAME]]`: run the scenarios, print one table,
write var/bench.json. Figures are reported, never asserted: a miss does not fail the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench import registry
from bench.ctx import Ctx
from bench.dbs import BenchDatabases
from bench.measure import rusage_peak_mb
from bench.report import format_table, status_of

ROOT = Path(__file__).resolve().parent.parent
STEP_TIMEOUT = float(os.environ.get("GONGZHI_BENCH_STEP_TIMEOUT", "7200"))


def _ensure_django() -> Path:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()
    from django.conf import settings

    return Path(settings.VAR_DIR)


def run_step(step: str, ctx: Ctx, ctx_file: Path) -> dict[str, Any]:
    """Run one step in a child process; its result, wall time and peak memory (os.wait4)."""
    out = ctx.work / f"{step.replace(':', '-')}.json"
    log = ctx.work / f"{step.replace(':', '-')}.log"
    env = dict(os.environ, DATABASE_URL=ctx.database_url, PYTHONPATH=str(ROOT))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    start = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.child", step, str(ctx_file), str(out)],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        timer = threading.Timer(STEP_TIMEOUT, proc.kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    try:
        payload = json.loads(out.read_text())
    except (OSError, ValueError):
        payload = {"ok": False, "error": f"the step exited {proc.returncode} without a result"}
    if not payload.get("ok"):
        tail = log.read_text(errors="replace")[-2000:]
        payload["error"] = (payload.get("error") or "") + (
            "\n--- output ---\n" + tail if tail else ""
        )
    payload["wall_s"] = round(wall, 3)
    payload["peak_rss_mb"] = round(rusage_peak_mb(usage), 1)
    return payload


def _ratio(figure: dict[str, Any], floor: dict[str, Any] | None, key: str | None) -> float | None:
    if not key or not floor:
        return None
    a, b = figure.get(key), floor.get(key)
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or not b:
        return None
    return round(a / b, 3)


SUM_KEYS = {"errors", "answered", "requests"}


def merge_rounds(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One figure from several rounds: the median of every number, the rest from the last."""
    if not results:
        return {}
    out = dict(results[-1])
    for key, value in results[0].items():
        values = [r.get(key) for r in results]
        numbers = [
            float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
        if isinstance(value, bool) or len(numbers) != len(values):
            continue
        # Errors and counts add up over the rounds (one error in any round is an error).
        out[key] = sum(numbers) if key in SUM_KEYS else round(statistics.median(numbers), 3)
    out["rounds"] = len(results)
    return out


def run_scenario(s: registry.Scenario, ctx: Ctx, ctx_file: Path, say: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"name": s.name, "title": s.title, "note": s.note}
    row["target"] = ", ".join(c.text(ctx.scale) for c in s.checks) or "—"
    reason = registry.first_missing(s.requires)
    if reason:
        row.update(status="skipped", reason=f"not built: {reason}")
        return row
    if s.prepare is not None:
        say(f"{s.name}: prepare")
        prep = run_step(f"{s.name}:prepare", ctx, ctx_file)
        if not prep["ok"]:
            row.update(status="error", reason="prepare failed", error=prep["error"])
            return row
        row["prepared"] = prep["result"]
    floor_reason = registry.first_missing(s.floor_requires) if s.floor is not None else None
    if floor_reason:
        row["floor_reason"] = f"not built: {floor_reason}"
    with_floor = s.floor is not None and not floor_reason
    rounds = 1 if ctx.quick else s.rounds
    figures: list[dict[str, Any]] = []
    floors: list[dict[str, Any]] = []
    peaks: list[float] = []
    floor_peaks: list[float] = []
    # Measure and floor alternate, round by round, so that a neighbour's burst on the shared
    # machine hits both sides alike; each figure is the median over the rounds, and the
    # ratio the median of the per-round ratios (paired).
    for i in range(rounds):
        tag = f" (round {i + 1}/{rounds})" if rounds > 1 else ""
        say(f"{s.name}: measure{tag}")
        measured = run_step(f"{s.name}:measure", ctx, ctx_file)
        if not measured["ok"]:
            row.update(status="error", reason="measure failed", error=measured["error"])
            return row
        figures.append(measured["result"])
        peak = (
            measured["result"].get("peak_rss_mb") if s.rss == "server" else measured["peak_rss_mb"]
        )
        peaks.append(peak or 0.0)
        if with_floor:
            say(f"{s.name}: floor{tag}")
            fl = run_step(f"{s.name}:floor", ctx, ctx_file)
            if not fl["ok"]:
                row["floor_reason"] = "floor failed"
                row["floor_error"] = fl["error"]
                with_floor = False
                floors = []
                continue
            floors.append(fl["result"])
            fpeak = fl["result"].get("peak_rss_mb") if s.rss == "server" else fl["peak_rss_mb"]
            floor_peaks.append(fpeak or 0.0)
    figure = merge_rounds(figures)
    row["figure"] = figure
    row["peak_rss_mb"] = max(peaks) if any(peaks) else None
    floor = merge_rounds(floors) if floors else None
    if floor is not None:
        row["floor"] = {**floor, "peak_rss_mb": max(floor_peaks) or None, "what": s.floor_title}
    paired = [_ratio(f, fl, s.ratio_key) for f, fl in zip(figures, floors, strict=False)]
    ratios = [r for r in paired if r is not None]
    row["ratio"] = round(statistics.median(ratios), 3) if ratios and floors else None
    row["ratios"] = ratios
    row["ratio_of"] = s.ratio_key
    checks = []
    for c in s.checks:
        value = {"ratio": row["ratio"], "peak_rss_mb": row["peak_rss_mb"]}.get(
            c.on, figure.get(c.key)
        )
        checks.append(
            {"target": c.text(ctx.scale), "value": value, "ok": c.holds(value, ctx.scale)}
        )
    row["checks"] = checks
    row["status"] = status_of(checks)
    return row


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return ""


def main(args: argparse.Namespace) -> int:
    var_dir = _ensure_django()
    scale = float(getattr(args, "scale", 1.0) or 1.0)
    if scale <= 0:
        print("error: --scale must be positive", file=sys.stderr)
        return 2
    quick = bool(getattr(args, "quick", False))
    ctx = Ctx(scale=scale, quick=quick)
    if quick:  # the smoke test: every step runs, on samples too small to mean anything
        ctx.requests, ctx.warmup, ctx.load_total, ctx.load_seconds, ctx.concurrency = (
            20,
            2,
            60,
            3.0,
            4,
        )
    chosen = registry.scenarios()
    only = getattr(args, "only", None)
    if only:
        names = [n.strip() for n in only.split(",") if n.strip()]
        unknown = sorted(set(names) - {s.name for s in chosen})
        if unknown:
            known = ", ".join(s.name for s in chosen)
            print(f"error: unknown scenario {', '.join(unknown)}; known: {known}", file=sys.stderr)
            return 2
        chosen = [s for s in chosen if s.name in names]
    json_path = Path(getattr(args, "json", None) or var_dir / "bench.json")
    out = sys.stdout

    def say(message: str) -> None:
        print(f"  · {message}", file=out, flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="bench-work-", dir=var_dir))
    ctx.workdir = str(workdir)
    dbs = BenchDatabases(var_dir)
    started = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = []
    setup: dict[str, Any] = {}
    try:
        say(f"fresh {dbs.vendor} database")
        ctx.database_url = dbs.create("main")
        ctx_file = workdir / "ctx.json"
        ctx.save(ctx_file)
        city_loaded = False
        for i, s in enumerate(chosen):
            ctx.city_read_later = any(later.needs_city for later in chosen[i + 1 :])
            if s.meta.get("floor_db") and not registry.first_missing(s.requires):
                ctx.floor_database_url = dbs.create("floor")
            ctx.save(ctx_file)
            if s.needs_city and not city_loaded and not registry.first_missing(("city",)):
                say("city fixture (not measured)")
                fx = run_step("fixture:city", ctx, ctx_file)
                setup["city"] = fx.get("result") or {"error": fx.get("error")}
                city_loaded = True
            row = run_scenario(s, ctx, ctx_file, say)
            if s.name == "city" and row["status"] != "skipped":
                city_loaded = True
            rows.append(row)
    finally:
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "meta": {
            "started": started.isoformat(timespec="seconds"),
            "seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1),
            "scale": scale,
            "quick": quick,
            "database": dbs.vendor,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "commit": _git_commit(),
            "samples": ctx.requests,
            "load": {
                "total": ctx.load_total,
                "seconds": ctx.load_seconds,
                "concurrency": ctx.concurrency,
            },
            "setup": setup,
        },
        "scenarios": rows,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    print(format_table(report), file=out)
    print(f"\nwritten to {json_path}", file=out)
    for r in rows:
        if r["status"] == "error":
            print(f"\n{r['name']}: {r.get('reason')}\n{r.get('error', '')}", file=sys.stderr)
    return 1 if any(r["status"] == "error" for r in rows) else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only")
    parser.add_argument("--json")
    parser.add_argument("--quick", action="store_true")
    sys.exit(main(parser.parse_args()))
