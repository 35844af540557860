"""Dashboard pages: as of a date, for the user's unit and one level down; xlsx and PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import registry
from gongzhi.metrics import figures as F
from gongzhi.metrics import reports, selectors, summaries
from gongzhi.metrics.dashboards import ALL, Dashboard


def _as_of(request: HttpRequest) -> dt.date:
    raw = request.GET.get("as_of") or ""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


def dashboard_data(request: HttpRequest, board: Dashboard) -> dict[str, Any]:
    user = request.user
    day = _as_of(request)
    code = request.GET.get("unit") or ""
    unit = selectors.unit_in_scope(user, code) if code else selectors.home_unit(user)
    keys = board.keys()
    values = selectors.figures_as_of(user, day, unit.code if unit else None, keys)
    rows = selectors.children_as_of(user, day, unit.code, keys) if unit else []
    start = dt.date(day.year - 2, day.month, 1)
    trend = selectors.trend(user, unit.code if unit else None, start, day, keys)
    labels = {f.key: str(f.label) for f in F.all_figures()}
    figs = {k: F.get(k) for k in keys}
    table = [
        {
            "code": r.code,
            "name": r.name,
            "values": [figs[k].shown(r.values[k]) for k in keys],
            "rates": [rate.of(r.values) for rate in board.rates],
        }
        for r in rows
    ]
    pie: list[dict[str, Any]] = []
    if board.key == "volunteers":
        # 服务类别: activities by category, the same summaries, one query.
        cat_keys = [f.key for f in F.all_figures() if f.key.startswith("activities_")]
        by_cat = selectors.figures_as_of(user, day, unit.code if unit else None, cat_keys)
        pie = [{"name": str(F.get(k).label), "value": by_cat[k]} for k in cat_keys if by_cat[k]]
    return {
        "board": board,
        "as_of": day,
        "pie": pie,
        "unit": unit,
        "parent": unit.parent
        if unit and unit.parent and selectors.scope_of(user).covers_area(unit.parent.code)
        else None,
        "cards": [
            {
                "key": k,
                "label": labels[k],
                "value": figs[k].shown(values[k]),
                "display": f"{figs[k].shown(values[k]):,}",
                "unit": figs[k].unit_label,
            }
            for k in keys
        ],
        "rates": [{"label": r.label, "value": r.of(values)} for r in board.rates],
        "keys": keys,
        "labels": [labels[k] for k in keys],
        "rate_labels": [str(r.label) for r in board.rates],
        "table": table,
        "chart": {
            "as_of": day.isoformat(),
            "unit": unit.code if unit else None,
            "is_city": bool(unit and unit.kind == "city"),
            "map_figure": board.map_figure
            if board.map_figure in keys
            else (keys[0] if keys else ""),
            "keys": keys,
            "labels": labels,
            "children": [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "values": dict(zip(keys, r["values"], strict=True)),
                }
                for r in table
            ],
            "months": [
                m.isoformat()[:7]
                for m, _v in (trend[keys[0]] if keys and trend.get(keys[0]) else [])
            ],
            "trend": {k: [figs[k].shown(v) for _m, v in trend.get(k, [])] for k in keys},
            "pie": pie,
        },
        "freshness": summaries.freshness(),
        "dashboards": registry.dashboards(),
    }


def _board_view(key: str) -> Any:
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
        board = ALL[key]
        data = dashboard_data(request, board)
        fmt = request.GET.get("format")
        if fmt == "xlsx":
            return reports.table_xlsx(data)
        if fmt == "pdf":
            if key != "overview":
                raise Http404
            return reports.overview_pdf(data)
        return render(request, "metrics/dashboard.html", data)

    view.__name__ = f"{key}_view"
    return view


overview = _board_view("overview")
coverage = _board_view("coverage")
volunteers = _board_view("volunteers")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return overview(request)


def title(data: dict[str, Any]) -> str:
    unit = data["unit"]
    return _("%(unit)s %(board)s（截至 %(date)s）") % {
        "unit": unit.name if unit else _("本单位"),
        "board": data["board"].label,
        "date": data["as_of"].isoformat(),
    }


def _index_year(request: HttpRequest) -> int:
    """The year asked for, if the page offers it; else the year it opens on (a year is
    computed on its first view, so arbitrary years are not computed on request)."""
    from gongzhi.metrics import services

    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if year in services.index_years() else services.default_year()


@login_required
def index_scores(request: HttpRequest) -> HttpResponse:
    """The evaluation index: unit ranking for a year, and the organisations with breakdowns,
    read from the stored index (computed in the background; a year's first view computes it)."""
    from gongzhi.metrics import rules_config, services

    user = request.user
    config = rules_config.current()
    year = _index_year(request)
    code = request.GET.get("unit") or ""
    unit = selectors.unit_in_scope(user, code) if code else selectors.home_unit(user)
    state = services.index_ensure(year=year)
    scores, total = selectors.index_ranking(user, year, config, unit.prefix if unit else None)
    kids = selectors.children(unit) if unit else []
    return render(
        request,
        "metrics/index.html",
        {
            "config": config,
            "year": year,
            "years": services.index_years(),
            "unit": unit,
            "units": selectors.index_units(user, year, config, kids),
            "scores": scores,
            "total": total,
            "state": state,
            "dashboards": registry.dashboards(),
            "board": {"key": "index"},
        },
    )


@login_required
def index_org(request: HttpRequest, org_id: int) -> HttpResponse:
    from gongzhi.metrics import rules_config, services
    from gongzhi.orgs.selectors import org_get

    config = rules_config.current()
    year = _index_year(request)
    # Scope first: a request for someone else's organisation is a 404 that computes nothing.
    org_get(user=request.user, pk=org_id)
    state = services.index_ensure(year=year)
    score = selectors.index_org(request.user, org_id, year, config)
    return render(
        request,
        "metrics/index_org.html",
        {"s": score, "year": year, "config": config, "state": state},
    )
