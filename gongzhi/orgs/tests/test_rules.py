"""Permissions by role and unit (a role × organisation matrix)."""

from __future__ import annotations

import pytest

from gongzhi.orgs.rules import RegistrationTarget
from gongzhi.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, street_areas):
    group = make_org(street_areas["a"].code, kind="social_group")
    community = make_org(street_areas["a"].code, kind="community")
    other = make_org(street_areas["b"].code, kind="social_group")
    return {
        "orgs": {"group": group, "community": community, "other": other},
        "city": make_user("city_admin", "430400000000"),
        "district": make_user("district_admin", "430405000000"),
        "street": make_user("street_admin", street_areas["street_a"].code),
        "community": make_user("community_worker", street_areas["a"].code),
        "org_admin": make_user("org_admin", area=None, org=group),
        "resident": make_user("resident", street_areas["a"].code),
    }


# perm -> {user: set of orgs it is allowed on}
MATRIX = {
    "orgs.change_org": {
        "city": {"group", "community", "other"},
        "district": {"group", "community"},
        "street": {"community"},
        "community": set(),
        "org_admin": set(),
        "resident": set(),
    },
    "orgs.file_report": {
        "city": {"group", "community", "other"},
        "district": {"group", "community"},
        "street": {"community"},
        "community": set(),
        "org_admin": {"group"},
        "resident": set(),
    },
    "orgs.view_org": {
        "city": {"group", "community", "other"},
        "district": {"group", "community"},
        "street": {"group", "community"},
        "community": {"group", "community"},
        "org_admin": {"group"},
        "resident": {"group", "community"},
    },
}


@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_the_permission_matrix(people, perm):
    for who, allowed in MATRIX[perm].items():
        user = people[who]
        got = {name for name, org in people["orgs"].items() if user.has_perm(perm, org)}
        assert got == allowed, (perm, who)


def test_registering_depends_on_kind_and_authority(people, street_areas):
    street_code = street_areas["street_a"].code
    cases = {
        ("city", "social_group", "430400000000"): True,
        ("district", "social_group", "430405000000"): True,
        ("district", "social_group", "430400000000"): False,
        ("district", "social_group", "430406000000"): False,
        ("district", "community", street_code): True,
        ("street", "community", street_code): True,
        ("street", "social_group", "430405000000"): False,
        ("community", "community", street_code): False,
        ("org_admin", "social_group", "430405000000"): False,
    }
    for (who, kind, code), expected in cases.items():
        assert people[who].has_perm("orgs.register", RegistrationTarget(kind, code)) is expected, (
            who,
            kind,
            code,
        )


def test_import_and_export_permissions(people):
    assert people["district"].has_perm("orgs.import_orgs")
    assert not people["street"].has_perm("orgs.import_orgs")
    assert people["street"].has_perm("orgs.export") and people["org_admin"].has_perm("orgs.export")
    assert not people["resident"].has_perm("orgs.export")


def test_home_cards_show_real_scoped_counts(people):
    from gongzhi.orgs.apps import home_cards

    district = {c["key"]: c["value"] for c in home_cards(people["district"])}
    city = {c["key"]: c["value"] for c in home_cards(people["city"])}
    assert district["orgs_active"] == 2 and city["orgs_active"] == 3
