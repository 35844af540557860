"""The harness runs end to end at a tiny scale: every scenario runs or says it is not built.

Figures are not asserted (the machine is shared and the samples are tiny); the shape of the
table and of var/bench.json is.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path
from typing import Any

from bench import registry
from bench.run import main

FINAL = {"pass", "miss", "reported", "incomplete", "skipped"}


def run_smoke(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "bench.json"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argparse.Namespace(scale=0.001, only=None, json=str(out), quick=True))
    return {"code": code, "stdout": buf.getvalue(), "report": json.loads(Path(out).read_text())}


def test_the_harness_runs_every_scenario_or_reports_it_not_built(tmp_path: Path) -> None:
    # One run checked three ways (a run costs ~10 s: it must not repeat per test or worker).
    smoke = run_smoke(tmp_path)
    every_scenario_runs_or_reports_not_built(smoke)
    the_built_scenarios_measure_against_their_floor(smoke)
    the_table_has_one_line_per_scenario_and_the_json_its_meta(smoke)


def every_scenario_runs_or_reports_not_built(smoke: dict[str, Any]) -> None:
    errors = [r for r in smoke["report"]["scenarios"] if r["status"] == "error"]
    assert not errors, errors[0].get("error")
    assert smoke["code"] == 0
    names = [r["name"] for r in smoke["report"]["scenarios"]]
    assert names == [s.name for s in registry.scenarios()]
    for row in smoke["report"]["scenarios"]:
        assert row["status"] in FINAL
        if row["status"] == "skipped":
            assert row["reason"].startswith("not built: ")
        else:
            assert set(row["figure"]) >= {"p50_ms"} or "seconds" in row["figure"]
            assert row["peak_rss_mb"] > 0
            assert [c["target"] for c in row["checks"]] == [
                c.text(0.001) for c in registry.get(row["name"]).checks
            ]


def the_built_scenarios_measure_against_their_floor(smoke: dict[str, Any]) -> None:
    rows = {r["name"]: r for r in smoke["report"]["scenarios"]}
    health = rows["health_load"]
    assert health["status"] != "skipped"
    assert health["figure"]["answered"] > 0 and health["figure"]["statuses"].get("200")
    assert health["floor"]["what"].startswith("hello-world")
    # The ratio is the median of the per-round ratios, not the ratio of the medians (the
    # machine is shared), so only its presence and sign are structural.
    assert isinstance(health["ratio"], float) and health["ratio"] > 0
    page = rows["volunteer_page"]
    assert page["status"] != "skipped" and page["figure"]["paths"] > 0
    areas = rows["areas_api"]
    assert areas["status"] != "skipped" and areas["figure"]["n"] == 20
    assert areas["floor"]["n"] == 20 and areas["ratio"] is not None


def the_table_has_one_line_per_scenario_and_the_json_its_meta(smoke: dict[str, Any]) -> None:
    lines = smoke["stdout"].splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("scenario"))
    for col in ("figure", "peak RSS", "floor", "ratio", "target", "result"):
        assert col in lines[header]
    body = lines[header + 2 : header + 2 + len(smoke["report"]["scenarios"])]
    assert [line.split()[0] for line in body] == [r["name"] for r in smoke["report"]["scenarios"]]
    assert any("skipped (not built)" in line for line in body) or all(
        r["status"] != "skipped" for r in smoke["report"]["scenarios"]
    )
    meta = smoke["report"]["meta"]
    assert meta["scale"] == 0.001 and meta["database"] in ("sqlite", "postgresql")
    assert {"started", "cpus", "python", "commit", "load"} <= set(meta)
