"""The rotating chair of a regional alliance (轮值; period and order from rules_config).

Periods run back to back from the alliance's `rotation_starts_on`, each `rotation_months`
long (the alliance's own value, else the configured one). Period n is chaired by
member n mod N in the configured order, among the N members in the alliance when the
period starts — so a member that joins takes its turn in the next round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gongzhi.party import rules_config
from gongzhi.party.dates import add_months, add_years


@dataclass(frozen=True)
class ChairPeriod:
    index: int
    starts_on: dt.date
    ends_on: dt.date  # inclusive
    chair: Any  # AllianceMember


def rotation_months(alliance: Any) -> int:
    return alliance.rotation_months or rules_config.current().alliance_rotation_months


def ordered_members(members: list[Any], on: dt.date) -> list[Any]:
    """The members in the alliance on `on`, in the configured rotation order."""
    active = [m for m in members if m.joined_on <= on and (m.left_on is None or m.left_on > on)]
    if rules_config.current().alliance_rotation_order == "joined":
        return sorted(active, key=lambda m: (m.joined_on, m.pk))
    return sorted(active, key=lambda m: (m.rotation_position, m.joined_on, m.pk))


def period_of(alliance: Any, day: dt.date) -> tuple[int, dt.date, dt.date]:
    months = rotation_months(alliance)
    start = alliance.rotation_starts_on
    if day < start:
        return -1, start, start
    # Jump close, then step (month arithmetic clamps day-of-month).
    n = ((day.year - start.year) * 12 + day.month - start.month) // months
    n = max(n - 1, 0)
    while add_months(start, (n + 1) * months) <= day:
        n += 1
    begins = add_months(start, n * months)
    ends = add_months(start, (n + 1) * months) - dt.timedelta(days=1)
    return n, begins, ends


def chair_on(alliance: Any, day: dt.date, members: list[Any] | None = None) -> ChairPeriod | None:
    members = list(alliance.members.all()) if members is None else members
    n, begins, ends = period_of(alliance, day)
    if n < 0:
        return None
    order = ordered_members(members, begins)
    if not order:
        return None
    return ChairPeriod(n, begins, ends, order[n % len(order)])


def schedule(alliance: Any, today: dt.date, years: int | None = None) -> list[ChairPeriod]:
    """The chair of every period from the current one to `years` ahead (default from config)."""
    years = years or rules_config.current().alliance_schedule_years
    members = list(alliance.members.all())
    until = add_years(today, years)
    out: list[ChairPeriod] = []
    day = max(today, alliance.rotation_starts_on)
    while day < until:
        period = chair_on(alliance, day, members)
        if period is None:
            break
        out.append(period)
        day = period.ends_on + dt.timedelta(days=1)
    return out
