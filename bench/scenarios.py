"""The catalogue of scenarios (issue 7's table). Each is a few lines: contract, target, steps.

Steps run in child processes (bench/child.py) against the run's fresh database. Hooks the
apps provide are listed in bench/README.md ("contracts").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from bench.ctx import Ctx, stopwatch
from bench.registry import Check, Scenario, register, resolve, url_variant

MB = " MB"
MS = " ms"
S = " s"

# Full-scale sizes (hengyang-2020 and the table); --scale multiplies them.
IMPORT_ROWS = 100_000
CITY_ORGS = 3_023
AS_OF = dt.date(2020, 12, 31)


def _month_ends(n: int) -> list[dt.date]:
    """The as-of dates the overview is asked for: month ends from 2019 on (2020-12-31 first)."""
    out = [AS_OF]
    year, month = 2019, 1
    while len(out) < n:
        nxt = dt.date(year + (month // 12), month % 12 + 1, 1)
        out.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    return out


# --- fixtures (setup, not measured) ---------------------------------------------------------


def load_city(ctx: Ctx) -> dict[str, Any]:
    """The demo city at this run's scale, through the same entry point as `gongzhi load-demo`."""
    from bench.registry import city_loaders
    from gongzhi.demo import load_demo

    with stopwatch() as t:
        load_demo(
            "hengyang-2020",
            scale=ctx.scale,
            seed=ctx.seed,
            progress=lambda m: print(f"  · {m}", flush=True),
        )
    return {"seconds": round(t.seconds, 3), "apps": city_loaders()}


FIXTURES = {"city": load_city}


# --- load the full city ---------------------------------------------------------------------


def _city_prepare(ctx: Ctx) -> dict[str, Any]:
    from bench import cityfloor

    (ctx.work / "city-before.json").write_text(json.dumps(cityfloor.snapshot(ctx.database_url)))
    return {}


def _city_floor(ctx: Ctx) -> dict[str, Any]:
    from bench import cityfloor

    before = json.loads((ctx.work / "city-before.json").read_text())
    dumps = cityfloor.dump(ctx.database_url, before, ctx.work / "city-rows")
    released = not ctx.city_read_later and cityfloor.release(ctx.database_url, dumps)
    result = cityfloor.write_floor(ctx.floor_database_url, dumps)
    result["released_city"] = released
    for d in dumps:
        if d.get("file"):
            Path(d["file"]).unlink()
    result["skipped_tables"] = [d["table"] for d in dumps if d.get("skipped")]
    return result


register(
    Scenario(
        name="city",
        title="load the full city",
        order=10,
        requires=("city",),
        prepare=_city_prepare,
        measure=load_city,
        floor=_city_floor,
        floor_title="same rows, executemany/COPY",
        ratio_key="seconds",
        checks=(
            Check("seconds", "<=", 120, S, scaled=True),
            Check("", "<=", 1024, MB, on="peak_rss_mb"),
            Check("", "<=", 3, on="ratio"),
        ),
        rounds=1,  # the load changes the database
        meta={"floor_db": True},
    )
)


# --- city overview as of a date -------------------------------------------------------------

OVERVIEW = "/api/v1/metrics/overview"
SIX = (
    "social_orgs",
    "employees",
    "volunteers",
    "orgs_with_party_org",
    "party_orgs",
    "party_members",
)


def _overview(ctx: Ctx) -> dict[str, Any]:
    url = url_variant(OVERVIEW) or OVERVIEW
    dates = _month_ends(24)
    out = ctx.get_latency([f"{url}?as_of={d.isoformat()}" for d in dates])
    answer = ctx.client().get(f"{url}?as_of={AS_OF.isoformat()}").json()
    out["figures_2020"] = {k: answer.get(k) for k in SIX}
    return out


def _overview_floor(ctx: Ctx) -> dict[str, Any]:
    from django.db import connection

    floor_sql = resolve("gongzhi.metrics.benchkit:overview_floor_sql")
    out = ctx.sql_latency([floor_sql(d) for d in _month_ends(24)])
    with connection.cursor() as cur:
        cur.execute(*floor_sql(AS_OF))
        row = cur.fetchone()
    out["figures_2020"] = dict(zip(SIX, row, strict=True))
    return out


register(
    Scenario(
        name="overview",
        title="city overview as of a date",
        order=20,
        requires=(f"url:{OVERVIEW}",),
        needs_city=True,
        measure=_overview,
        floor=_overview_floor,
        floor_title="one hand-written SQL",
        floor_requires=("gongzhi.metrics.benchkit:overview_floor_sql",),
        ratio_key="p50_ms",
        checks=(Check("p50_ms", "<=", 50, MS), Check("", "<=", 1, on="ratio")),
    )
)


# --- every dashboard page -------------------------------------------------------------------


def _dashboards(ctx: Ctx) -> dict[str, Any]:
    from django.urls import reverse

    from gongzhi.core import registry as core_registry

    pages = {}
    for board in core_registry.dashboards():
        path = reverse(board["url_name"])
        pages[board["key"]] = ctx.get_latency([path])
    worst = max(pages.values(), key=lambda p: p["p50_ms"])
    return {**worst, "worst": max(pages, key=lambda k: pages[k]["p50_ms"]), "pages": pages}


register(
    Scenario(
        name="dashboards",
        title="every dashboard page (slowest)",
        order=30,
        requires=("dashboards",),
        needs_city=True,
        measure=_dashboards,
        checks=(Check("p50_ms", "<=", 150, MS),),
    )
)


# --- registry list/search -------------------------------------------------------------------


def _registry_search(ctx: Ctx) -> dict[str, Any]:
    paths = resolve("gongzhi.orgs.benchkit:registry_search_paths")(**ctx.hook_args())
    return ctx.get_latency(list(paths))


register(
    Scenario(
        name="registry_search",
        title="registry list/search",
        order=40,
        requires=("gongzhi.orgs.benchkit:registry_search_paths",),
        needs_city=True,
        measure=_registry_search,
        checks=(Check("p50_ms", "<=", 50, MS),),
    )
)


# --- volunteer search -----------------------------------------------------------------------


def _volunteer_search(ctx: Ctx) -> dict[str, Any]:
    paths = resolve("gongzhi.volunteers.benchkit:volunteer_search_paths")(**ctx.hook_args())
    return ctx.get_latency(list(paths))


def _volunteer_search_floor(ctx: Ctx) -> dict[str, Any]:
    sql = resolve("gongzhi.volunteers.benchkit:volunteer_search_floor_sql")(**ctx.hook_args())
    return ctx.sql_latency(list(sql))


register(
    Scenario(
        name="volunteer_search",
        title="volunteer search (number, name, pinyin, phone tail)",
        order=50,
        requires=("gongzhi.volunteers.benchkit:volunteer_search_paths",),
        needs_city=True,
        measure=_volunteer_search,
        floor=_volunteer_search_floor,
        floor_title="indexed SQL look-up",
        floor_requires=("gongzhi.volunteers.benchkit:volunteer_search_floor_sql",),
        ratio_key="p50_ms",
        checks=(Check("p50_ms", "<=", 20, MS),),
    )
)


# --- a volunteer's page ---------------------------------------------------------------------


def _volunteer_page(ctx: Ctx) -> dict[str, Any]:
    paths = resolve("gongzhi.volunteers.benchkit:volunteer_page_paths")(**ctx.hook_args())
    return ctx.get_latency(list(paths))


register(
    Scenario(
        name="volunteer_page",
        title="a volunteer's page (hours, stars, history)",
        order=52,
        requires=("gongzhi.volunteers.benchkit:volunteer_page_paths",),
        needs_city=True,
        measure=_volunteer_page,
        checks=(Check("p50_ms", "<=", 30, MS),),
    )
)


# --- areas API list (built: the foundation's /api/v1/areas) ---------------------------------

AREA_PATHS = ["/api/v1/areas/", "/api/v1/areas/?kind=county", "/api/v1/areas/?within=430405"]


def _areas_floor(ctx: Ctx) -> dict[str, Any]:
    """The same rows as the API by hand: one join, ordered, limited, serialised to JSON."""
    from django.db import connection

    base = (
        "SELECT a.code, a.name, a.kind, p.code, a.synthetic FROM areas_area a "
        "LEFT JOIN areas_area p ON p.id = a.parent_id"
    )
    statements = [
        (base + " ORDER BY a.code LIMIT 5000", []),
        (base + " WHERE a.kind = %s ORDER BY a.code LIMIT 5000", ["county"]),
        (base + " WHERE a.code LIKE %s ORDER BY a.code LIMIT 5000", ["430405%"]),
    ]
    keys = ("code", "name", "kind", "parent_code", "synthetic")

    def run(stmt: tuple[str, list[Any]]) -> None:
        with connection.cursor() as cur:
            cur.execute(*stmt)
            json.dumps([dict(zip(keys, r, strict=True)) for r in cur.fetchall()])

    from bench.measure import latency_summary, timed_calls

    return latency_summary(timed_calls(run, ctx.cycle(statements), warmup=ctx.warmup))


register(
    Scenario(
        name="areas_api",
        title="areas API list (/api/v1/areas)",
        order=60,
        requires=("url:/api/v1/areas/",),
        needs_city=True,
        measure=lambda ctx: ctx.get_latency(AREA_PATHS),
        floor=_areas_floor,
        floor_title="hand-written SQL + JSON",
        ratio_key="p50_ms",
        checks=(Check("p50_ms", "<=", 50, MS),),
        note="target: the list target of issue 3 (p50 <= 50 ms)",
    )
)


# --- HTTP under load: gunicorn as `gongzhi serve` starts it ---------------------------------


def _serve_and_load(
    ctx: Ctx, requests: list[Any], settings_module: str | None = None
) -> dict[str, Any]:
    from bench.loadgen import HttpRequest, run_load
    from bench.server import Server

    reqs = [r if isinstance(r, HttpRequest) else HttpRequest.from_dict(r) for r in requests]
    with Server(env=ctx.server_env(), settings_module=settings_module) as server:
        out = run_load(
            server.port,
            reqs,
            total=ctx.load_total,
            seconds=ctx.load_seconds,
            concurrency=ctx.concurrency,
            warmup=min(50, max(1, ctx.load_total // 10)),
        )
        out["peak_rss_mb"] = server.peak_rss_mb()
        out["server_processes"] = len(server.worker_pids())
    return out


def _hello_floor(ctx: Ctx) -> dict[str, Any]:
    from bench.loadgen import HttpRequest

    return _serve_and_load(ctx, [HttpRequest("GET", "/bench/hello")], "bench.floor_settings")


LOAD_CHECKS = (
    Check("req_per_s", ">=", 400, " req/s"),
    Check("p99_ms", "<=", 100, MS),
    Check("errors", "==", 0),
    Check("", ">=", 0.3, on="ratio"),
)

register(
    Scenario(
        name="health_load",
        title="/healthz under load",
        order=70,
        requires=("url:/healthz",),
        measure=lambda ctx: _serve_and_load(ctx, [{"method": "GET", "path": "/healthz"}]),
        floor=_hello_floor,
        floor_title="hello-world view, same server",
        ratio_key="req_per_s",
        rss="server",
        checks=LOAD_CHECKS,
        note="targets: the check-in row of issue 7",
    )
)


def _checkin_load(ctx: Ctx) -> dict[str, Any]:
    warm = min(50, max(1, ctx.load_total // 10))
    hook = resolve("gongzhi.volunteers.benchkit:checkin_requests")
    return _serve_and_load(ctx, list(hook(**ctx.hook_args(count=ctx.load_total + warm))))


register(
    Scenario(
        name="checkin_load",
        title="check-in API under load",
        order=80,
        requires=("gongzhi.volunteers.benchkit:checkin_requests",),
        needs_city=True,
        measure=_checkin_load,
        floor=_hello_floor,
        floor_title="hello-world view, same server",
        ratio_key="req_per_s",
        rss="server",
        checks=LOAD_CHECKS,
    )
)


# --- imports from xlsx (volunteers; the registry) -----------------------------------------


def _import_file(ctx: Ctx, kind: str) -> Path:
    return ctx.work / f"{kind}-import.xlsx"


def _import_prepare(kind: str, hook: str, full: int) -> Any:
    """Write the file before timing: the importer's headers, then the app's rows."""

    def prepare(ctx: Ctx) -> dict[str, Any]:
        from openpyxl import Workbook

        from gongzhi.core import registry as core_registry

        importer = core_registry.importer(kind)()
        n = ctx.rows(full)
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(kind)
        ws.append([c.header for c in importer.columns])
        for row in resolve(hook)(count=n, seed=ctx.seed):
            ws.append(list(row))
        wb.save(_import_file(ctx, kind))
        return {"rows": n, "bytes": _import_file(ctx, kind).stat().st_size}

    return prepare


def _import(kind: str) -> Any:
    def measure(ctx: Ctx) -> dict[str, Any]:
        from gongzhi.core import registry as core_registry
        from gongzhi.core.imports import run_import

        path = _import_file(ctx, kind)
        importer = core_registry.importer(kind)()
        with stopwatch() as t:
            result = run_import(importer, name=path.name, raw=path.read_bytes(), actor="bench")
        if result.errors or not result.committed:
            first = result.errors[:3]
            raise RuntimeError(f"the import did not commit: {result.summary()} {first}")
        return {
            "seconds": round(t.seconds, 3),
            "rows": result.rows,
            "rows_per_s": round(result.rows / t.seconds, 1),
        }

    return measure


def _import_floor(kind: str) -> Any:
    def floor(ctx: Ctx) -> dict[str, Any]:
        from openpyxl import load_workbook

        path = _import_file(ctx, kind)
        rows = 0
        with stopwatch() as t:
            wb = load_workbook(path, read_only=True, data_only=True)
            for _row in wb.worksheets[0].iter_rows(values_only=True):
                rows += 1
            wb.close()
        return {
            "seconds": round(t.seconds, 3),
            "rows": rows - 1,
            "rows_per_s": round((rows - 1) / t.seconds, 1),
        }

    return floor


VOLUNTEER_ROWS = "gongzhi.volunteers.benchkit:volunteer_import_rows"
register(
    Scenario(
        name="import_volunteers",
        title="import 100,000 volunteers from xlsx",
        order=90,
        requires=("importer:volunteers", VOLUNTEER_ROWS),
        prepare=_import_prepare("volunteers", VOLUNTEER_ROWS, IMPORT_ROWS),
        measure=_import("volunteers"),
        floor=_import_floor("volunteers"),
        floor_title="openpyxl reading the file",
        ratio_key="seconds",
        rounds=1,  # a second import of the same file changes nothing: different work
        checks=(
            Check("seconds", "<=", 30, S, scaled=True),
            Check("", "<=", 400, MB, on="peak_rss_mb"),
        ),
    )
)

# Issue 3: the city's 3,023 organisations import in <= 5 s.
ORG_ROWS = "gongzhi.orgs.benchkit:org_import_rows"
register(
    Scenario(
        name="import_orgs",
        title="import 3,023 organisations from xlsx",
        order=45,
        requires=("importer:orgs", ORG_ROWS),
        needs_city=True,
        prepare=_import_prepare("orgs", ORG_ROWS, CITY_ORGS),
        measure=_import("orgs"),
        floor=_import_floor("orgs"),
        floor_title="openpyxl reading the file",
        ratio_key="seconds",
        rounds=1,
        checks=(Check("seconds", "<=", 5, S, scaled=True),),
    )
)


# --- export all volunteers to xlsx ----------------------------------------------------------


def _export(ctx: Ctx) -> dict[str, Any]:
    from gongzhi.core import registry as core_registry
    from gongzhi.core.exports import export_to_file
    from gongzhi.core.scope import SystemUser

    path = ctx.work / "volunteers-export.xlsx"
    with stopwatch() as t:
        rows = export_to_file(
            core_registry.exporter("volunteers")(), SystemUser(), path, system=True
        )
    return {
        "seconds": round(t.seconds, 3),
        "rows": rows,
        "rows_per_s": round(rows / t.seconds, 1) if t.seconds else None,
        "bytes": path.stat().st_size,
    }


register(
    Scenario(
        name="export_volunteers",
        title="export all volunteers to xlsx",
        order=100,
        requires=("exporter:volunteers",),
        needs_city=True,
        measure=_export,
        rounds=1,
        checks=(Check("", "<=", 300, MB, on="peak_rss_mb"),),
    )
)
