"""Units of the harness: percentiles, targets, and the "not built" contract check."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from bench import registry
from bench.measure import latency_summary, percentile, timed_calls
from bench.registry import Check


def test_percentiles_interpolate_between_closest_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 95) == 7.0
    assert latency_summary([0.001, 0.002, 0.003])["p50_ms"] == pytest.approx(2.0)
    with pytest.raises(ValueError):
        percentile([], 50)


def test_warm_up_calls_are_made_but_not_timed() -> None:
    seen: list[int] = []
    durations = timed_calls(seen.append, range(5), warmup=2)
    assert seen == [0, 1, 0, 1, 2, 3, 4] and len(durations) == 5


def test_a_time_budget_stops_slow_calls_after_the_minimum_sample() -> None:
    def slow(_x: int) -> None:
        time.sleep(0.01)

    durations = timed_calls(slow, range(200), warmup=10, budget_s=0.05, min_samples=8)
    assert 8 <= len(durations) < 200
    # Fast calls within the budget all run.
    assert len(timed_calls(lambda _x: None, range(50), budget_s=60, min_samples=8)) == 50


def test_targets_scale_only_when_they_say_so() -> None:
    load = Check("seconds", "<=", 120, " s", scaled=True)
    assert load.holds(1.0, 0.01) and not load.holds(1.3, 0.01)
    assert load.text(0.01) == "<= 1.2 s (120 s x 0.01)"
    assert Check("", "<=", 400, " MB", on="peak_rss_mb").text(0.01) == "RSS <= 400 MB"
    assert Check("errors", "==", 0).text(1) == "0 errors"
    assert Check("p50_ms", "<=", 50, " ms").holds(None, 1) is None


def test_a_missing_contract_is_not_built_but_a_broken_app_module_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert registry.missing("url:/healthz") is None
    assert registry.missing("url:/no/such/page") == "no URL /no/such/page"
    assert registry.missing("gongzhi.core.scope:restrict") is None
    assert (
        registry.missing("gongzhi.core.scope:no_such_hook") == "no gongzhi.core.scope:no_such_hook"
    )
    assert registry.missing("gongzhi.orgs.no_such_module:x") == "no gongzhi.orgs.no_such_module:x"
    assert registry.missing("importer:no-such-kind") == "no importer 'no-such-kind' registered"
    (tmp_path / "bench_broken_app.py").write_text("import bench_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):
        registry.missing("bench_broken_app:hook")
    sys.modules.pop("bench_broken_app", None)


def test_scenario_names_are_unique_and_each_has_a_target_or_says_it_reports() -> None:
    names = [s.name for s in registry.scenarios()]
    assert len(names) == len(set(names))
    assert {"city", "overview", "dashboards", "registry_search", "volunteer_search"} <= set(names)
    assert {"health_load", "checkin_load", "import_volunteers", "export_volunteers"} <= set(names)
    for s in registry.scenarios():
        assert s.checks, s.name
        if s.ratio_key:
            assert s.floor is not None, s.name


def test_dropping_a_sqlite_bench_database_leaves_none_of_its_files(tmp_path: Path) -> None:
    import os

    import dj_database_url

    from bench.dbs import BenchDatabases

    dbs = BenchDatabases(tmp_path)
    if dbs.vendor != "sqlite":
        pytest.skip("a SQLite database's files")
    url = dbs.create("drop")
    path = str(dj_database_url.parse(url)["NAME"])
    # Migrating it took write turns: the turn's lock file and wake-up pipe are there.
    assert os.path.exists(path + "-writelock") and os.path.exists(path + "-writewake")
    dbs.drop_all()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(os.path.basename(path))]
