"""Builders for volunteer tests: real services, valid GB 11643 numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone
from stdnum.cn import ric

from gongzhi.areas.models import Area

_seq = itertools.count(1)


def id_number(seq: int | None = None, *, year: int = 1990, code: str = "110101") -> str:
    """A valid ID number; 110101 is valid for every birth year stdnum knows."""
    n = next(_seq) if seq is None else seq
    day = dt.date(year, 1, 1) + dt.timedelta(days=n // 999 % 360)
    body = f"{code}{day:%Y%m%d}{n % 999 + 1:03d}"
    return body + ric.calc_check_digit(body + "0")


def phone(seq: int | None = None) -> str:
    n = next(_seq) if seq is None else seq
    return f"139{n:08d}"


def volunteer(
    area_code: str = "430405000000", *, name: str = "张伟", user: Any = None, **kw: Any
) -> Any:
    from gongzhi.volunteers.services import volunteer_register

    return volunteer_register(
        actor="test",
        name=name,
        id_number=kw.pop("id_number", None) or id_number(),
        phone=kw.pop("phone", None) or phone(),
        area=Area.objects.get(code=area_code),
        consent=True,
        user=user,
        **kw,
    )


def team(area_code: str = "430405000000", **kw: Any) -> Any:
    from gongzhi.volunteers.services import team_create

    defaults = dict(
        name="湘江志愿服务队",
        kind="grassroots",
        owner_kind="community",
        established_on=dt.date(2019, 1, 1),
        person_in_charge="李队长",
        clerk="王经办",
        contact="0734-8888888",
    )
    defaults.update(kw)
    return team_create(actor="test", area=Area.objects.get(code=area_code), **defaults)


def activity(t: Any, *, area_code: str | None = None, **kw: Any) -> Any:
    from gongzhi.volunteers.services import activity_create

    defaults = dict(title="社区助老服务", category="zhulao")
    defaults.update(kw)
    return activity_create(
        actor="test", team=t, area=Area.objects.get(code=area_code or t.area_code), **defaults
    )


def shift(a: Any, *, start: dt.datetime | None = None, hours: float = 2, capacity: int = 5) -> Any:
    from gongzhi.volunteers.services import shift_create

    start = start or timezone.now() + dt.timedelta(minutes=30)
    return shift_create(
        actor="test",
        activity=a,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        capacity=capacity,
    )
