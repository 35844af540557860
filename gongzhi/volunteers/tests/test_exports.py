"""The volunteer and hours exports: what each cell holds, masked unless revealed, in the
user's language, on the tuple path of core/exports.py (no model instance per row)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.utils import timezone, translation

from gongzhi.core import registry
from gongzhi.core.exports import export_to_file, read_back
from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import mask_id_number
from gongzhi.core.scope import SystemUser
from gongzhi.volunteers import services
from gongzhi.volunteers.models import HoursEntry, Volunteer
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(street_areas):
    """A volunteer of district A with 7.5 approved hours, one of district B."""
    code = street_areas["a"].code
    v = f.volunteer(code, name="李娜", phone="13977778888")
    team = f.team(code)
    for i, minutes in enumerate((300, 150)):
        start = timezone.now() - dt.timedelta(days=i + 1)
        services.hours_record(
            actor="t",
            volunteer=v,
            team=team,
            minutes=minutes,
            service_date=timezone.localdate(start),
            content=f"助老 <{i}> & 陪伴",
            shift=f.shift(f.activity(team, category="zhulao"), start=start, hours=6),
        )
    services.hours_approve(actor="t", entry_ids=v.hours.values_list("pk", flat=True))
    f.volunteer(street_areas["b"].code, name="王芳")
    return Volunteer.objects.select_related("area").get(pk=v.pk)


def _export(kind, user, path, **kw):
    count = export_to_file(registry.exporter(kind)(), user, path, **kw)
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    else:
        rows = read_back(path.read_bytes())
    assert count == len(rows) - 1
    return rows


def test_the_volunteer_export_shows_each_field_as_the_volunteers_page_does(
    served, user_a, tmp_path
):
    v = served
    assert v.approved_minutes == 450
    header, *rows = _export("volunteers", user_a, tmp_path / "v.xlsx")
    assert header[:5] == ["志愿者编号", "姓名", "性别", "身份证号码", "手机号码"]
    assert rows == [
        [
            v.number,
            "李娜",
            v.get_gender_display(),
            mask_id_number(v.id_number),
            "139****8888",
            v.area_code,
            v.area.name,
            dt.datetime.combine(v.registered_on, dt.time()),  # a date cell
            v.get_status_display(),
            7.5,
            v.stars,
        ]
    ]
    assert "*" in rows[0][3] and v.id_number not in str(rows)
    event = AuditEvent.objects.get(action="export.volunteers")
    assert event.after == {"rows": 1, "revealed": False, "format": "xlsx"}


def test_the_volunteer_csv_holds_the_same_cells_with_dates_as_local_dates(served, user_a, tmp_path):
    xlsx = _export("volunteers", user_a, tmp_path / "v.xlsx")
    rows = _export("volunteers", user_a, tmp_path / "v.csv")
    assert rows[0] == xlsx[0]
    assert rows[1][7] == served.registered_on.isoformat()
    as_text = [str(c) for c in xlsx[1][:7]] + [rows[1][7]] + [str(c) for c in xlsx[1][8:]]
    assert rows[1] == as_text


def test_the_volunteer_export_speaks_the_users_language(served, user_a, tmp_path):
    with translation.override("en"):
        header, row = _export("volunteers", user_a, tmp_path / "v.csv")
    assert header[0] == "Volunteer number" and "身份证号码" not in header
    assert row[2] in ("Male", "Female")


def test_a_revealed_volunteer_export_holds_the_full_numbers_and_says_so(served, tmp_path):
    path = tmp_path / "v.xlsx"
    rows = _export("volunteers", SystemUser(), path, reveal=True, system=True)
    mine = next(r for r in rows if r[0] == served.number)
    assert mine[3] == served.id_number and mine[4] == "13977778888"
    assert AuditEvent.objects.get(action="export.volunteers").after["revealed"] is True


def test_the_hours_export_shows_each_ledger_line_as_recorded(served, user_a, tmp_path):
    header, *rows = _export("hours", user_a, tmp_path / "h.xlsx")
    entries = HoursEntry.objects.select_related("volunteer", "team").order_by(
        "-service_date", "-id"
    )
    assert [r[0] for r in rows] == [e.pk for e in entries]
    e = entries[0]
    assert rows[0] == [
        e.pk,
        served.number,
        "李娜",
        e.team.code,
        e.team.name,
        dt.datetime.combine(e.service_date, dt.time()),
        5.0,
        0,
        "助老",
        "助老 <0> & 陪伴",
        e.get_source_display(),
        e.get_kind_display(),
        None,
        e.get_status_display(),
    ]
