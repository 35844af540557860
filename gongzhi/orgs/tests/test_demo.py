"""The small demo loads synthetic organisations and the org admin's membership."""

from __future__ import annotations

import pytest

from gongzhi.demo import load_demo
from gongzhi.orgs import selectors
from gongzhi.orgs.models import AnnualReport, SocialOrg

pytestmark = pytest.mark.django_db


def test_the_small_demo_loads_about_twenty_synthetic_organisations_with_reports():
    ctx = load_demo("small")
    assert 18 <= SocialOrg.objects.count() <= 25
    assert not SocialOrg.objects.filter(synthetic=False).exists()
    assert AnnualReport.objects.exists()
    orgadmin = ctx.users["_by_name"]["orgadmin"]
    own = selectors.org_list(user=orgadmin)
    assert own.count() == 1
    assert orgadmin.has_perm("orgs.file_report", own.get())
    street = ctx.users["_by_name"]["street"]
    assert selectors.org_list(user=street).exists()
    # Loading again adds nothing.
    load_demo("small")
    assert SocialOrg.objects.count() == len(ctx.extra["orgs"])
