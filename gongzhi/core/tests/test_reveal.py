"""Revealing a personal field from a page: allowed roles in scope only, each reveal audited."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(street_areas):
    from gongzhi.orgs.models import SocialOrg

    return SocialOrg.objects.create(
        name="号码测试协会",
        kind="social_group",
        registration_level="county",
        authority=street_areas["street_a"].parent,
        area=street_areas["a"],
        registered_on="2019-01-01",
        legal_rep_phone="13812345678",
    )


def _url(org):
    return f"/reveal/orgs.socialorg/{org.pk}/legal_rep_phone/"


def test_an_allowed_user_in_scope_sees_the_full_number_and_it_is_audited(org, user_a, client_of):
    response = client_of(user_a).post(_url(org))
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    event = AuditEvent.objects.get(action="pii.reveal")
    assert (
        event.actor_id == user_a.pk and event.result == "success" and event.object_id == str(org.pk)
    )


def test_another_district_gets_404_and_a_role_without_reveal_gets_403(
    org, user_b, make_user, client_of
):
    assert client_of(user_b).post(_url(org)).status_code == 404
    worker = make_user("community_worker", "430405000000")
    denied = client_of(worker).post(_url(org))
    assert denied.status_code == 403 and "13812345678" not in denied.content.decode()
    assert AuditEvent.objects.filter(action="pii.reveal", result="denied").count() == 1


def test_only_encrypted_fields_can_be_revealed_and_only_by_post(org, user_a, client_of):
    c = client_of(user_a)
    assert c.post(f"/reveal/orgs.socialorg/{org.pk}/name/").status_code == 404
    assert c.get(_url(org)).status_code == 405


def test_the_tag_masks_and_offers_the_button_only_to_allowed_users(org, user_a, make_user):
    template = Template('{% load gongzhi_pii %}{% pii org "legal_rep_phone" %}')
    shown = template.render(Context({"org": org, "user": user_a}))
    assert "138****5678" in shown and "hx-post" in shown and "13812345678" not in shown
    worker = make_user("community_worker", "430405000000")
    plain = template.render(Context({"org": org, "user": worker}))
    assert "138****5678" in plain and "hx-post" not in plain
