"""Working days over the Holiday table, periods, and `gongzhi import holidays`.

The holiday rows here are made up for the tests (named 测试假日): the platform ships none.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gongzhi.cli import main as cli_main
from gongzhi.core import calendar
from gongzhi.core.imports import run_import
from gongzhi.core.models import AuditEvent, Holiday, ImportRun

D = dt.date


def _holiday(day: dt.date, name: str = "测试假日") -> Holiday:
    return Holiday.objects.create(date=day, kind=Holiday.Kind.HOLIDAY, name=name)


def _workday(day: dt.date, name: str = "测试调休") -> Holiday:
    return Holiday.objects.create(date=day, kind=Holiday.Kind.WORKDAY, name=name)


@pytest.mark.django_db
def test_without_rows_working_days_are_monday_to_friday():
    assert calendar.is_working_day(D(2024, 3, 1))  # Friday
    assert not calendar.is_working_day(D(2024, 3, 2))  # Saturday
    assert not calendar.is_working_day(D(2024, 3, 3))  # Sunday
    assert calendar.add_working_days(D(2024, 3, 1), 1) == D(2024, 3, 4)
    assert calendar.add_working_days(D(2024, 3, 1), 5) == D(2024, 3, 8)


@pytest.mark.django_db
def test_a_holiday_is_not_a_working_day_and_an_adjusted_weekend_day_is():
    _holiday(D(2024, 3, 4))  # a Monday
    _workday(D(2024, 3, 9))  # a Saturday
    assert not calendar.is_working_day(D(2024, 3, 4))
    assert calendar.is_working_day(D(2024, 3, 9))
    assert not calendar.is_working_day(D(2024, 3, 10))  # the Sunday stays a rest day
    # Friday 1 March + 5: skips Monday's holiday, counts Saturday 9 March.
    assert calendar.add_working_days(D(2024, 3, 1), 5) == D(2024, 3, 9)
    assert calendar.working_days_between(D(2024, 3, 1), D(2024, 3, 9)) == 5
    assert calendar.working_days_between(D(2024, 3, 1), D(2024, 3, 8)) == 4


@pytest.mark.django_db
def test_a_week_long_holiday_pushes_a_deadline_past_it():
    for offset in range(7):  # a made-up seven-day break, Tuesday to Monday
        _holiday(D(2024, 10, 1) + dt.timedelta(days=offset))
    _workday(D(2024, 9, 29))  # the Sunday before
    assert calendar.add_working_days(D(2024, 9, 27), 1) == D(2024, 9, 29)
    assert calendar.add_working_days(D(2024, 9, 29), 1) == D(2024, 9, 30)
    assert calendar.add_working_days(D(2024, 9, 30), 1) == D(2024, 10, 8)


@pytest.mark.django_db
def test_deadlines_cross_the_year_end_with_each_years_rows():
    _holiday(D(2025, 1, 1))
    assert calendar.add_working_days(D(2024, 12, 31), 1) == D(2025, 1, 2)
    assert calendar.working_days_between(D(2024, 12, 30), D(2025, 1, 2)) == 2


@pytest.mark.django_db
def test_negative_steps_and_reversed_ranges_mirror_forward_ones():
    _holiday(D(2024, 3, 4))
    assert calendar.add_working_days(D(2024, 3, 5), -1) == D(2024, 3, 1)
    assert calendar.add_working_days(D(2024, 3, 5), 0) == D(2024, 3, 5)
    assert calendar.working_days_between(D(2024, 3, 8), D(2024, 3, 1)) == -4


@pytest.mark.django_db
@given(
    start=st.dates(min_value=D(2023, 1, 1), max_value=D(2026, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_counting_the_days_added_gives_back_n(start, n):
    cal = calendar.WorkCalendar()
    assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


@pytest.mark.django_db
def test_one_calendar_instance_reads_each_year_once(django_assert_num_queries):
    cal = calendar.WorkCalendar()
    with django_assert_num_queries(1):
        for day in range(1, 29):
            cal.is_working_day(D(2024, 2, day))
        cal.add_working_days(D(2024, 3, 1), 30)


@pytest.mark.django_db
def test_years_without_a_loaded_notice_are_reported():
    _holiday(D(2024, 10, 1))
    _workday(D(2025, 2, 8))  # an adjusted weekend alone does not make a loaded notice
    assert calendar.years_without_holidays([2024, 2025, 2026]) == [2025, 2026]


@pytest.mark.django_db
def test_an_adjusted_working_day_on_a_weekday_is_refused():
    with pytest.raises(ValidationError) as exc:
        Holiday(date=D(2024, 3, 5), kind=Holiday.Kind.WORKDAY).full_clean()
    assert "kind" in exc.value.message_dict


@pytest.mark.parametrize(
    ("day", "kind", "expected"),
    [
        (D(2024, 2, 14), "month", (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2023, 2, 14), "month", (D(2023, 2, 1), D(2023, 2, 28))),
        (D(2024, 12, 31), "month", (D(2024, 12, 1), D(2024, 12, 31))),
        (D(2024, 5, 5), "quarter", (D(2024, 4, 1), D(2024, 6, 30))),
        (D(2024, 12, 1), "quarter", (D(2024, 10, 1), D(2024, 12, 31))),
        (D(2024, 1, 1), "quarter", (D(2024, 1, 1), D(2024, 3, 31))),
        (D(2024, 6, 30), "half", (D(2024, 1, 1), D(2024, 6, 30))),
        (D(2024, 7, 1), "half", (D(2024, 7, 1), D(2024, 12, 31))),
        (D(2024, 7, 1), "year", (D(2024, 1, 1), D(2024, 12, 31))),
    ],
)
def test_period_of_gives_the_first_and_last_day(day, kind, expected):
    assert calendar.period_of(day, kind) == expected


def test_period_of_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="week"):
        calendar.period_of(D(2024, 1, 1), "week")


@given(st.dates(min_value=D(1949, 1, 1), max_value=D(2100, 12, 31)))
def test_every_day_lies_inside_its_periods(day):
    for kind in calendar.PERIOD_KINDS:
        start, end = calendar.period_of(day, kind)
        assert start <= day <= end
        assert start.day == 1
        assert (end + dt.timedelta(days=1)).day == 1


# --- import -------------------------------------------------------------------------------------

CSV = "日期,类型,名称\n2024-10-01,放假,测试假日\n2024-10-02,放假,测试假日\n2024-09-29,调休上班,测试调休\n"


@pytest.mark.django_db
def test_importing_a_notice_loads_rows_and_a_reimport_changes_nothing():
    importer = calendar.HolidayImporter
    first = run_import(importer(), name="h.csv", raw=CSV.encode(), actor="test")
    assert first.summary() == "rows=3 inserted=3 updated=0 unchanged=0 rejected=0"
    assert calendar.is_working_day(D(2024, 9, 29))
    assert not calendar.is_working_day(D(2024, 10, 2))
    again = run_import(importer(), name="h.csv", raw=CSV.encode(), actor="test")
    assert again.summary() == "rows=3 inserted=0 updated=0 unchanged=3 rejected=0"
    corrected = CSV.replace("2024-10-02,放假", "2024-10-02,调休上班").replace(
        "2024-10-02", "2024-10-05"
    )
    third = run_import(importer(), name="h2.csv", raw=corrected.encode("gb18030"), actor="test")
    assert third.summary() == "rows=3 inserted=1 updated=0 unchanged=2 rejected=0"
    assert AuditEvent.objects.filter(action="import.holidays").count() == 3


@pytest.mark.django_db
def test_a_bad_notice_file_is_rejected_whole_with_row_and_reason():
    bad = (
        CSV
        + "2024-10-08,调休上班,测试调休\n2024-10-01,放假,重复\n2024-13-01,放假,\n2024-10-09,上班,\n"
    )
    result = run_import(calendar.HolidayImporter(), name="h.csv", raw=bad.encode(), actor="test")
    assert not result.committed
    assert Holiday.objects.count() == 0
    by_row = {e.row: e for e in result.errors}
    assert set(by_row) == {5, 6, 7, 8}
    assert by_row[5].column == "类型" and "周六或周日" in by_row[5].reason  # a Tuesday
    assert "重复" in by_row[6].reason
    assert by_row[7].column == "日期"
    assert by_row[8].column == "类型"
    assert result.summary() == "rows=7 inserted=0 updated=0 unchanged=3 rejected=4"
    assert ImportRun.objects.get(pk=result.run_id).committed is False


@pytest.mark.django_db
def test_the_command_line_imports_holidays(tmp_path, capsys):
    path = tmp_path / "notice.csv"
    path.write_text(CSV, encoding="utf-8")
    assert cli_main(["import", "holidays", str(path)]) == 0
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith("rows=3 inserted=3 updated=0 unchanged=0 rejected=0")
    )
    assert Holiday.objects.count() == 3
    template = tmp_path / "t.xlsx"
    assert cli_main(["import", "holidays", "--template", str(template)]) == 0
    assert template.exists()


@pytest.mark.django_db
def test_admin_edits_of_a_holiday_are_audited(client_of):
    from gongzhi.accounts.services import user_create

    admin_client = client_of(
        user_create(
            actor="test",
            username="holiday_admin",
            password="Test@Pass2026",
            is_staff=True,
            is_superuser=True,
        )
    )
    response = admin_client.post(
        "/admin/core/holiday/add/", {"date": "2024-10-01", "kind": "holiday", "name": "测试假日"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    day = Holiday.objects.get()
    response = admin_client.post(
        f"/admin/core/holiday/{day.pk}/change/",
        {"date": "2024-10-05", "kind": "workday", "name": "测试调休"},
    )
    assert response.status_code == 302
    refused = admin_client.post(
        f"/admin/core/holiday/{day.pk}/change/",
        {"date": "2024-10-08", "kind": "workday", "name": "测试调休"},
    )
    assert refused.status_code == 200 and "周六或周日" in refused.content.decode()
    admin_client.post(f"/admin/core/holiday/{day.pk}/delete/", {"post": "yes"})
    assert not Holiday.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="core.holiday")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["core.holiday_add", "core.holiday_change", "core.holiday_delete"]
