"""Scope cases: the evaluation index (its organisations, their breakdown page, the ranking)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from gongzhi.core.testing import ScopeCase, register

_serial = itertools.count(5000)
YEAR = 2024


def _make(community_code: str) -> Any:
    from gongzhi.areas.models import Area
    from gongzhi.metrics.demo_city.orgs_stage import credit_code
    from gongzhi.orgs.services import org_register

    area = Area.objects.get(code=community_code)
    n = next(_serial)
    return org_register(
        actor="test",
        name=f"指数测试组织{n}",
        kind="social_group",
        authority=area.parent.parent,
        area=area,
        registered_on=dt.date(2020, 1, 1),
        credit_code=credit_code("social_group", community_code[:6], n),
    )


def _selector(user: Any) -> Any:
    from gongzhi.metrics.sources.orgs import orgs_active_on

    return orgs_active_on(user, dt.date(YEAR, 12, 31))


register(
    ScopeCase(
        name="metrics.index",
        make=_make,
        selector=_selector,
        detail_url=lambda org: f"/metrics/index/org/{org.pk}/?year={YEAR}",
        list_url=f"/metrics/index/?year={YEAR}",
        marker=lambda org: org.name,
    )
)
