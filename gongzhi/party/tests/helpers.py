"""Record builders for the party tests (real rows through the real services)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import services
from gongzhi.party.models import PartyMember, PartyOrg

_seq = itertools.count(1)
D = dt.date
BORN = D(1985, 6, 1)
ESTABLISHED = D(2018, 1, 1)
ADMITTED = D(2019, 7, 1)


def id_number(birth: dt.date = BORN, seq: int | None = None) -> str:
    # 430400 (衡阳市) is valid in every birth year stdnum knows, unlike the district codes.
    n = f"430400{birth:%Y%m%d}{(seq or next(_seq)) % 1000:03d}"
    return n + ric.calc_check_digit(n + "0")


def social_org(area_code: str = "430405001001", name: str | None = None, **kw: Any) -> SocialOrg:
    area = Area.objects.get(code=area_code)
    n = next(_seq)
    fields = {
        "name": name or f"测试社会组织{n}",
        "kind": "social_group",
        "registration_level": "county",
        "authority": area,
        "area": area,
        "registered_on": D(2015, 1, 1),
    }
    fields.update(kw)
    return SocialOrg.objects.create(**fields)


def party_org(
    area_code: str = "430405001001",
    *,
    name: str | None = None,
    kind: str = "branch",
    built_by: str = "single",
    covered: list[SocialOrg] | None = None,
    established_on: dt.date = ESTABLISHED,
    **kw: Any,
) -> PartyOrg:
    return services.party_org_create(
        actor="test",
        name=name or f"测试党支部{next(_seq)}",
        kind=kind,
        built_by=built_by,
        area=Area.objects.get(code=area_code),
        established_on=established_on,
        covered_orgs=covered or [],
        **kw,
    )


def member(
    org: PartyOrg,
    *,
    formal: bool = True,
    admitted_on: dt.date = ADMITTED,
    employer: SocialOrg | None = None,
    name: str | None = None,
    with_id: bool = False,
    **kw: Any,
) -> PartyMember:
    extra: dict[str, Any] = {}
    if formal:
        extra["became_formal_on"] = kw.pop(
            "became_formal_on", D(admitted_on.year + 1, admitted_on.month, admitted_on.day)
        )
    if with_id:
        extra["id_number"] = id_number()
    return services.member_create(
        actor="test",
        name=name or f"党员{next(_seq)}",
        party_org=org,
        admitted_on=admitted_on,
        status="formal" if formal else "probationary",
        employer=employer,
        **extra,
        **kw,
    )


def members(org: PartyOrg, n: int, **kw: Any) -> list[PartyMember]:
    return [member(org, **kw) for _ in range(n)]
