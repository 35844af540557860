import pytest

from gongzhi.volunteers.models import HoursEntry, Volunteer
from gongzhi.volunteers.rules_config import stars_for_minutes

pytestmark = pytest.mark.django_db


def test_the_small_demo_links_the_volunteer_account_and_keeps_totals_equal_to_the_ledger():
    from django.db.models import Sum

    from gongzhi.demo import load_demo

    ctx = load_demo("small")
    me = Volunteer.objects.get(user=ctx.users["_by_name"]["volunteer"])
    assert me.enrollments.filter(status="enrolled").exists()
    assert Volunteer.objects.count() >= 200
    for v in Volunteer.objects.order_by("?")[:20]:
        ledger = HoursEntry.objects.filter(volunteer=v, status="approved").aggregate(
            s=Sum("minutes")
        )
        assert v.approved_minutes == (ledger["s"] or 0)
        assert v.stars == stars_for_minutes(v.approved_minutes)
    assert HoursEntry.objects.filter(status="pending").exists()
