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
