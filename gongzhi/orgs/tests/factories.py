"""Organisations for tests, made through the services (so they obey the rules)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from gongzhi.areas.models import Area
from gongzhi.orgs import services
from gongzhi.orgs.codes import make_credit_code
from gongzhi.orgs.models import SocialOrg

_serial = itertools.count(1000)


def make_org(
    community_code: str = "430405001001",
    *,
    kind: str = "social_group",
    name: str | None = None,
    registered_on: dt.date = dt.date(2015, 3, 1),
    authority_code: str | None = None,
    **fields: Any,
) -> SocialOrg:
    area = Area.objects.get(code=community_code)
    serial = next(_serial)
    if kind == "community":
        authority = Area.objects.get(code=authority_code or community_code[:9] + "000")
        fields.setdefault("community_category", "charity")
        code = fields.pop("credit_code", None)
    else:
        authority = Area.objects.get(code=authority_code or community_code[:6] + "000000")
        code = fields.pop("credit_code", None) or make_credit_code(kind, community_code, serial)
    return services.org_register(
        actor="test",
        name=name or f"测试社会组织{serial}",
        kind=kind,
        authority=authority,
        area=area,
        registered_on=registered_on,
        credit_code=code,
        **fields,
    )


def file_report(org: SocialOrg, year: int, **kw: Any) -> Any:
    data: dict[str, Any] = {
        "submitted_on": dt.date(year + 1, 3, 1),
        "result": "qualified",
        "employees": 10,
        "has_party_org": False,
        "no_party_org_reason": "党员不足3人",
    }
    data.update(kw)
    return services.report_file(actor="test", org=org, year=year, **data)
