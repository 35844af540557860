"""The new permissions over roles × scope: records, complaints, identity corrections."""

from __future__ import annotations

import pytest

from gongzhi.volunteers import services
from gongzhi.volunteers.tests import factories as f

pytestmark = pytest.mark.django_db

A, B = "430405000000", "430406000000"


@pytest.fixture
def objects(street_areas, make_user):
    t = f.team(street_areas["a"].code)
    complaint = services.complaint_file(actor="t", team=t, content="x")
    user = make_user("volunteer", area=None)
    v = f.volunteer(street_areas["a"].code, user=user)
    req = services.correction_request(
        actor=user, volunteer=v, field="name", new_value="新名", reason="x"
    )
    return {"team": t, "complaint": complaint, "correction": req}


@pytest.mark.parametrize(
    ("role", "area", "perm", "obj", "allowed"),
    [
        ("community_worker", A, "volunteers.record_training", "team", True),
        ("district_admin", B, "volunteers.record_training", "team", False),
        ("volunteer", None, "volunteers.record_training", "team", False),
        ("street_admin", A, "volunteers.record_award", "team", True),
        ("resident", A, "volunteers.evaluate", "team", False),
        ("district_admin", A, "volunteers.handle_complaint", "complaint", True),
        ("district_admin", B, "volunteers.handle_complaint", "complaint", False),
        ("volunteer", None, "volunteers.handle_complaint", "complaint", False),
        ("district_admin", A, "volunteers.decide_correction", "correction", True),
        ("district_admin", B, "volunteers.decide_correction", "correction", False),
        ("party_secretary", A, "volunteers.decide_correction", "correction", False),
    ],
)
def test_permission_matrix(objects, make_user, role, area, perm, obj, allowed):
    user = make_user(role, area=area)
    assert user.has_perm(perm, objects[obj]) is allowed


def test_a_party_secretary_handles_complaints_about_their_party_organisations_team(
    street_areas, make_user
):
    from gongzhi.volunteers import selectors

    t = f.team(street_areas["a"].code, owner_kind="party", owner_party_org_id=4242)
    complaint = services.complaint_file(actor="t", team=t, content="x")
    secretary = make_user("party_secretary", area=None)
    from django.contrib.contenttypes.models import ContentType

    from gongzhi.accounts.models import Membership

    # A plain id, as Team keeps it: this app does not import the party app.
    party_org = ContentType.objects.get(app_label="party", model="partyorg")
    Membership.objects.filter(user=secretary).update(org_type=party_org, org_id=4242)
    secretary = type(secretary).objects.get(pk=secretary.pk)
    assert selectors.complaint_list(user=secretary).filter(pk=complaint.pk).exists()
    assert secretary.has_perm("volunteers.handle_complaint", complaint)
