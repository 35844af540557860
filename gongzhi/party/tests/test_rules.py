"""Each party permission over a role × scope matrix."""

from __future__ import annotations

import pytest

from gongzhi.party.tests import helpers

ROLES = {
    "city_admin": "430400000000",
    "district_admin": "430405000000",
    "other_district": "430406000000",
    "street_admin": "430405001000",
    "community_worker": "430405001001",
    "resident": "430405001001",
}
# perm -> roles that hold it on an organisation in 珠晖区 (the secretary: on their own org).
EXPECTED = {
    "party.manage_org": {"city_admin", "district_admin", "street_admin"},
    "party.manage_member": {"city_admin", "district_admin", "street_admin", "secretary"},
    "party.record_meeting": {"city_admin", "district_admin", "street_admin", "secretary"},
    "party.manage_transfer": {"city_admin", "district_admin", "street_admin", "secretary"},
    "party.record_dues": {"city_admin", "district_admin", "street_admin", "secretary"},
    "party.claim_item": {"city_admin", "district_admin", "street_admin", "secretary"},
}


@pytest.fixture
def users(make_user):
    org = helpers.party_org()
    out = {}
    for name, code in ROLES.items():
        role = "district_admin" if name == "other_district" else name
        out[name] = make_user(role, code)
    out["secretary"] = make_user("party_secretary", area=None, org=org)
    out["other_secretary"] = make_user("party_secretary", area=None, org=helpers.party_org())
    return org, out


@pytest.mark.parametrize("perm", sorted(EXPECTED))
def test_each_permission_over_roles_and_scope(perm, users):
    org, people = users
    holders = {name for name, user in people.items() if user.has_perm(perm, org)}
    assert holders == EXPECTED[perm]


def test_view_and_import_permissions(users):
    _org, people = users
    viewers = {n for n, u in people.items() if u.has_perm("party.view")}
    assert viewers == set(people) - {"resident"}
    importers = {n for n, u in people.items() if u.has_perm("party.import")}
    assert importers == {"city_admin", "district_admin", "other_district"}
    proposers = {n for n, u in people.items() if u.has_perm("party.propose_listing")}
    assert proposers == {"city_admin", "district_admin", "other_district"}
