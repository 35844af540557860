"""The volunteers app's benchmark hooks (bench/README.md § Contracts) produce data that works."""

from __future__ import annotations

import io
import json

import pytest
from django.db import connection
from django.test import Client
from stdnum.cn import ric

from gongzhi.core import registry
from gongzhi.core.imports import run_import
from gongzhi.volunteers import benchkit
from gongzhi.volunteers.models import Enrollment, Volunteer

pytestmark = pytest.mark.django_db


def test_synthetic_id_numbers_are_valid_and_unique_across_the_ranges():
    indexes = [*range(0, 3000), *range(benchkit.CHECKIN_BASE, benchkit.CHECKIN_BASE + 500)]
    indexes += [benchkit.IMPORT_BASE + i for i in range(0, 20_000_000, 7919)]
    numbers = [benchkit.synthetic_id_number(i)[0] for i in indexes]
    assert len(set(numbers)) == len(numbers)
    assert all(ric.is_valid(n) for n in numbers[:3000:37] + numbers[-50:])


def test_it_tops_the_registry_up_to_the_target_and_no_further():
    assert benchkit.ensure_volunteers(150) == 150
    assert benchkit.ensure_volunteers(150) == 0
    v = Volunteer.objects.order_by("pk").first()
    assert v.number.startswith("V") and v.name_pinyin and v.phone_last4 and v.id_number_bidx


def test_every_search_finds_what_it_was_drawn_from(city_user, client_of):
    paths = benchkit.volunteer_search_paths(count=80, scale=0.0002)
    c = client_of(city_user)
    for path in paths:
        response = c.get(path)
        assert response.status_code == 200, path
        if path.startswith("/api/"):
            assert response.json(), path
    floor = benchkit.volunteer_search_floor_sql(count=80, scale=0.0002)
    assert len(floor) == len(paths)
    with connection.cursor() as cur:
        for sql, params in floor:
            cur.execute(sql, params)
            assert cur.fetchall(), (sql, params)


def test_volunteer_pages_are_drawn_busiest_first_and_open_for_a_city_admin(city_user, client_of):
    from django.utils import timezone

    from gongzhi.volunteers import services
    from gongzhi.volunteers.tests import factories as f

    team = f.team()
    busy, quiet, idle = f.volunteer(), f.volunteer(name="李娜"), f.volunteer(name="王芳")
    today = timezone.localdate()
    for v, n in ((busy, 6), (quiet, 2)):
        for i in range(n):
            services.hours_record(
                actor="t", volunteer=v, team=team, minutes=60, service_date=today, content=f"{i}"
            )
    paths = benchkit.volunteer_page_paths(count=10, scale=0.0001)
    assert paths == [f"/volunteers/people/{busy.pk}/", f"/volunteers/people/{quiet.pk}/"]
    assert f"/volunteers/people/{idle.pk}/" not in paths
    c = client_of(city_user)
    for path in paths:
        assert c.get(path).status_code == 200, path


def test_each_checkin_request_checks_one_volunteer_in_through_a_real_csrf_check():
    requests = benchkit.checkin_requests(count=5)
    assert len({r["headers"]["Authorization"] for r in requests}) == 5
    for r in requests:
        phone = Client(enforce_csrf_checks=True)
        response = phone.post(
            r["path"],
            r["body"],
            content_type=r["headers"]["Content-Type"],
            HTTP_AUTHORIZATION=r["headers"]["Authorization"],
        )
        assert response.status_code == 200, response.content
        assert json.loads(response.content)["enrollment"]["checked_in_at"]
    assert Enrollment.objects.filter(checked_in_at__isnull=False).count() == 5
    # A second call makes new volunteers: the load never repeats a check-in.
    again = benchkit.checkin_requests(count=3)
    assert not {r["headers"]["Authorization"] for r in again} & {
        r["headers"]["Authorization"] for r in requests
    }


def test_every_generated_import_row_is_accepted():
    benchkit.ensure_volunteers(20)
    importer = registry.importer("volunteers")
    rows = list(benchkit.volunteer_import_rows(count=50))
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("v")
    ws.append([c.header for c in importer.columns])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import(importer(), name="v.xlsx", raw=buf.getvalue(), actor="bench")
    assert result.summary() == "rows=50 inserted=50 updated=0 unchanged=0 rejected=0"
