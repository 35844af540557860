"""The scope rule for every scoped party record, page, API and export (core/testing.py).

Names end with the community code, and the marker is that ASCII code: the API escapes
Chinese characters in JSON, so a Chinese marker would never be found in its output.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gongzhi.areas.models import Area
from gongzhi.core.testing import ScopeCase, register
from gongzhi.party import selectors, services
from gongzhi.party.tests import helpers

D = dt.date


def _org(code: str):
    return helpers.party_org(code, name=f"党支部{code}")


def _member(code: str):
    return helpers.member(_org(code), name=f"党员{code}")


def _life(code: str):
    org = _org(code)
    return services.life_record_create(
        actor="test",
        party_org=org,
        kind="theme_day",
        held_on=D(2025, 1, 10),
        topic=f"主题党日{code}",
    )


def _transfer(code: str):
    sender = _org(code)
    receiver = helpers.party_org(code, name=f"接收党支部{code}")
    member = helpers.member(sender, name=f"转接党员{code}")
    return services.transfer_apply(
        actor="test", member=member, to_org=receiver, applied_on=D(2025, 1, 1)
    )


def _dues(code: str):
    member = helpers.member(_org(code), name=f"缴费党员{code}")
    return services.dues_record(
        actor="test", member=member, month=D(2025, 1, 1), base=Decimal("4000")
    )


def _instructor(code: str):
    return services.instructor_create(
        actor="test", name=f"指导员{code}", area=Area.objects.get(code=code)
    )


def _alliance(code: str):
    alliance = services.alliance_create(
        actor="test",
        name=f"联盟{code}",
        area=Area.objects.get(code=code),
        established_on=D(2024, 1, 1),
    )
    services.alliance_member_add(
        actor="test", alliance=alliance, party_org=_org(code), joined_on=D(2024, 1, 1)
    )
    return alliance


register(
    ScopeCase(
        name="party.partyorg",
        make=_org,
        selector=lambda user: selectors.party_org_list(user=user),
        detail_url=lambda o: f"/party/orgs/{o.pk}/",
        api_detail_url=lambda o: f"/api/v1/party/orgs/{o.pk}",
        api_list_url="/api/v1/party/orgs",
        list_url="/party/",
        export_kind="party-orgs",
        marker=lambda o: o.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.partymember",
        make=_member,
        selector=lambda user: selectors.member_list(user=user),
        detail_url=lambda m: f"/party/members/{m.pk}/",
        api_detail_url=lambda m: f"/api/v1/party/members/{m.pk}",
        api_list_url="/api/v1/party/members",
        list_url="/party/members/",
        export_kind="party-members",
        marker=lambda m: m.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.orgliferecord",
        make=_life,
        selector=lambda user: selectors.life_record_list(user=user),
        detail_url=lambda r: f"/party/life/{r.pk}/",
        api_detail_url=lambda r: f"/api/v1/party/life/{r.pk}",
        api_list_url="/api/v1/party/life",
        list_url="/party/life/",
        export_kind="party-life",
        marker=lambda r: r.topic[-12:],
    )
)
register(
    ScopeCase(
        name="party.transfer",
        make=_transfer,
        selector=lambda user: selectors.transfer_list(user=user),
        detail_url=lambda t: f"/party/transfers/{t.pk}/",
        api_detail_url=lambda t: f"/api/v1/party/transfers/{t.pk}",
        list_url="/party/transfers/",
        marker=lambda t: t.member.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.duespayment",
        make=_dues,
        selector=lambda user: selectors.dues_list(user=user),
        list_url="/party/dues/",
        export_kind="party-dues",
        marker=lambda p: p.member.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.instructor",
        make=_instructor,
        selector=lambda user: selectors.instructor_list(user=user),
        list_url="/party/instructors/",
        marker=lambda i: i.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.alliance",
        make=_alliance,
        selector=lambda user: selectors.alliance_list(user=user),
        detail_url=lambda a: f"/party/alliances/{a.pk}/",
        api_detail_url=lambda a: f"/api/v1/party/alliances/{a.pk}",
        api_list_url="/api/v1/party/alliances",
        list_url="/party/alliances/",
        marker=lambda a: a.name[-12:],
    )
)


def _period(code: str):
    return _member(code).periods.get()


def _report(code: str):
    employer = helpers.social_org(code, name=f"报到单位{code}")
    org = helpers.party_org(code, name=f"报到党支部{code}", covered=[employer])
    return services.community_report_create(
        actor="test",
        community=Area.objects.get(code=code),
        reported_on=D(2024, 1, 1),
        party_org=org,
    )


def _service(code: str):
    from django.utils import timezone

    report = _report(code)
    return services.service_record_create(
        actor="test",
        report=report,
        served_on=max(timezone.localdate().replace(month=1, day=1), report.reported_on),
        hours=Decimal("2"),
        content=f"服务{code}",
    )


def _need(code: str):
    return services.item_create(
        actor="test",
        kind="need",
        title=f"社区需求{code}",
        community=Area.objects.get(code=code),
        created_on=D(2024, 1, 1),
    )


register(
    ScopeCase(
        name="party.membershipperiod",
        make=_period,
        selector=lambda user: selectors.memberships_as_of(user=user, as_of=D(2025, 1, 1)),
        marker=lambda p: p.member.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.instructor.detail",
        make=_instructor,
        selector=lambda user: selectors.instructor_list(user=user),
        detail_url=lambda i: f"/party/instructors/{i.pk}/",
        marker=lambda i: i.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.communityreport",
        make=_report,
        selector=lambda user: selectors.report_list(user=user),
        detail_url=lambda r: f"/party/reports/{r.pk}/",
        list_url="/party/reports/",
        marker=lambda r: r.party_org.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.servicerecord",
        make=_service,
        selector=lambda user: selectors.service_list(user=user),
        list_url="/party/reports/rollup/",
        export_kind="party-service-rollup",
        marker=lambda s: s.report.employer.name[-12:],
    )
)
register(
    ScopeCase(
        name="party.communityneed",
        make=_need,
        selector=lambda user: selectors.need_list(user=user),
        list_url="/party/reports/",
        marker=lambda i: i.title[-12:],
    )
)
