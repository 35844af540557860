"""Scope cases of the registry: organisations and each record hanging off one."""

from __future__ import annotations

import datetime as dt

from gongzhi.core.testing import ScopeCase, register
from gongzhi.orgs import selectors, services
from gongzhi.orgs.tests.factories import file_report, make_org


def _org(code: str):  # type: ignore[no-untyped-def]
    return make_org(code, name=f"范围测试协会{code[4:6]}")


def _report(code: str):  # type: ignore[no-untyped-def]
    return file_report(_org(code), 2020)


def _evaluation(code: str):  # type: ignore[no-untyped-def]
    org = make_org(code, registered_on=dt.date(2015, 1, 1))
    file_report(org, 2023)
    file_report(org, 2024)
    return services.evaluation_record(
        actor="test", org=org, evaluated_on=dt.date(2025, 7, 1), score=800
    )


def _listing(code: str):  # type: ignore[no-untyped-def]
    return services.listing_add(
        actor="test",
        org=_org(code),
        list_kind="anomaly",
        cause="unreachable",
        listed_on=dt.date(2022, 1, 1),
    )


def _change(code: str):  # type: ignore[no-untyped-def]
    return services.org_change(
        actor="test", org=_org(code), changes={"industry": "体育"}, effective_on=dt.date(2021, 1, 1)
    )


register(
    ScopeCase(
        name="orgs.socialorg",
        make=_org,
        selector=lambda user: selectors.org_list(user=user),
        detail_url=lambda o: f"/orgs/{o.pk}/",
        api_detail_url=lambda o: f"/api/v1/orgs/{o.credit_code}",
        api_list_url="/api/v1/orgs/",
        list_url="/orgs/",
        export_kind="orgs",
        marker=lambda o: o.credit_code,
    )
)
register(
    ScopeCase(
        name="orgs.socialorg.by_id",
        make=_org,
        selector=lambda user: selectors.org_list(user=user),
        api_detail_url=lambda o: f"/api/v1/orgs/{o.pk}",
        marker=lambda o: o.name,
    )
)
register(
    ScopeCase(
        name="orgs.annualreport",
        make=_report,
        selector=lambda user: selectors.report_list(user=user),
        api_detail_url=lambda r: f"/api/v1/orgs/{r.org.credit_code}/annual-reports",
        export_kind="annual-reports",
        marker=lambda r: r.org.credit_code,
    )
)
register(
    ScopeCase(
        name="orgs.evaluation",
        make=_evaluation,
        selector=lambda user: selectors.evaluation_list(user=user),
        api_detail_url=lambda e: f"/api/v1/orgs/{e.org_id}/evaluations",
        marker=lambda e: e.org.name,
    )
)
register(
    ScopeCase(
        name="orgs.creditlisting",
        make=_listing,
        selector=lambda user: selectors.listing_list(user=user),
        api_detail_url=lambda e: f"/api/v1/orgs/{e.org_id}/listings",
        marker=lambda e: e.org.name,
    )
)
register(
    ScopeCase(
        name="orgs.orgchange",
        make=_change,
        selector=lambda user: selectors.change_list(user=user),
        api_detail_url=lambda c: f"/api/v1/orgs/{c.org_id}/changes",
        marker=lambda c: c.org.name,
    )
)


def _penalty(code: str):  # type: ignore[no-untyped-def]
    return services.penalty_record(
        actor="test", org=_org(code), decided_on=dt.date(2022, 3, 1), kind="warning"
    )


register(
    ScopeCase(
        name="orgs.penalty",
        make=_penalty,
        selector=lambda user: selectors.penalty_list(user=user),
        api_detail_url=lambda p: f"/api/v1/orgs/{p.org_id}/penalties",
        marker=lambda p: p.org.name,
    )
)
