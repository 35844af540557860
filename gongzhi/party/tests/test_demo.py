"""The small demo: Party records over the orgs present, and the secretary's membership."""

from __future__ import annotations

import pytest

from gongzhi.demo import load_demo
from gongzhi.party import selectors
from gongzhi.party.models import PartyMember, PartyOrg
from gongzhi.party.tests import helpers


@pytest.mark.django_db
def test_the_small_demo_always_builds_a_compound_org_and_loads_once():
    ctx = load_demo("small")
    assert PartyOrg.objects.filter(built_by="regional").count() == 1
    members = PartyMember.objects.filter(synthetic=True).count()
    assert members >= 8
    load_demo("small")
    assert PartyMember.objects.filter(synthetic=True).count() == members
    secretary = ctx.users["_by_name"]["secretary"]
    orgs = list(selectors.party_org_list(user=secretary))
    assert [o.name for o in orgs] == ["雅苑小区综合党支部（虚构）"]
    # The demo branch is due for election and shows on its worklist.
    assert any(i.check == "election_due" for i in selectors.worklist(user=secretary))


@pytest.mark.django_db
def test_the_small_demo_covers_the_social_orgs_that_exist():
    orgs = [helpers.social_org() for _ in range(8)]
    load_demo("small")
    covered = {
        c for p in PartyOrg.objects.all() for c in p.coverages.values_list("org_id", flat=True)
    }
    assert covered == {o.pk for o in orgs[:5]}
    assert PartyOrg.objects.get(kind="joint_branch").coverages.count() == 4
