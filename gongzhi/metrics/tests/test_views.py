from __future__ import annotations

import io
from typing import Any

import pytest

from gongzhi.metrics.tests.conftest import AS_OF


def test_the_overview_page_shows_the_figures_of_the_date(
    client_of: Any, city_user: Any, city: Any
) -> None:
    r = client_of(city_user).get("/metrics/overview/", {"as_of": AS_OF.isoformat()})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-figure="social_orgs">30<' in html
    assert "echarts.min.js" in html and "maps/hengyang.js" in html and "cdn" not in html.lower()
    assert "珠晖区" in html  # one row per county-level unit


def test_the_overview_drills_down_to_a_district_and_its_streets(
    client_of: Any, city_user: Any, city: Any
) -> None:
    from gongzhi.areas.models import Area

    r = client_of(city_user).get(
        "/metrics/overview/", {"as_of": AS_OF.isoformat(), "unit": "430405000000"}
    )
    assert r.status_code == 200
    street = Area.objects.filter(parent__code="430405000000").first()
    assert street is not None and street.name in r.content.decode()
    assert "drill-up" in r.content.decode()


def test_a_district_cannot_open_another_districts_dashboard(client_of: Any, user_a: Any) -> None:
    r = client_of(user_a).get("/metrics/overview/", {"unit": "430406000000"})
    assert r.status_code == 404


def test_the_table_behind_the_chart_exports_to_xlsx(
    client_of: Any, city_user: Any, city: Any
) -> None:
    from openpyxl import load_workbook

    r = client_of(city_user).get(
        "/metrics/overview/", {"as_of": AS_OF.isoformat(), "format": "xlsx"}
    )
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1] == "单位"
    names = [row[1] for row in rows[2:]]
    assert "珠晖区" in names and names[-1] == "合计"
    total = rows[-1]
    assert total[2] == 30  # social organisations of the city on the date
    assert sum(row[2] for row in rows[2:-1]) == 30


def test_the_overview_prints_as_a_pdf(client_of: Any, city_user: Any, city: Any) -> None:
    r = client_of(city_user).get(
        "/metrics/overview/", {"as_of": AS_OF.isoformat(), "format": "pdf"}
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and b"STSong-Light" in r.content


@pytest.mark.parametrize("url", ["/metrics/coverage/", "/metrics/volunteers/", "/metrics/index/"])
def test_every_dashboard_renders(client_of: Any, city_user: Any, city: Any, url: str) -> None:
    assert (
        client_of(city_user).get(url, {"as_of": AS_OF.isoformat(), "year": "2020"}).status_code
        == 200
    )


def test_the_overview_page_runs_a_bounded_number_of_queries(
    client_of: Any, city_user: Any, city: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_of(city_user)
    with django_assert_max_num_queries(20):
        c.get("/metrics/overview/", {"as_of": AS_OF.isoformat()})


def test_dashboards_are_registered_and_open_to_later_apps() -> None:
    from gongzhi.core import registry

    keys = [d["key"] for d in registry.dashboards()]
    assert {"overview", "coverage", "volunteers", "index"} <= set(keys)


def test_the_volunteers_dashboard_shows_hours_and_categories(
    client_of: Any, city_user: Any, city: Any
) -> None:
    from django.db.models import Sum

    from gongzhi.volunteers.models import HoursEntry

    r = client_of(city_user).get("/metrics/volunteers/", {"as_of": "2026-06-30"})
    html = r.content.decode()
    assert r.status_code == 200 and "categories-table" in html and "小时" in html
    minutes = HoursEntry.objects.filter(status="approved").aggregate(s=Sum("minutes"))["s"]
    hours = f"{round(minutes / 60, 1):,}"
    assert f'data-figure="volunteer_minutes">{hours}<' in html
