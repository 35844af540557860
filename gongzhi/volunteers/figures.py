"""As-of figures for the metrics app (DESIGN.md § Time: figures are computed as of a date).

Every function takes `area_prefix` (a division-code prefix such as "4304" for the city or
"430405" for 珠晖区; "" for everything) — the metrics app applies the user's scope by
passing a prefix inside it. Dates are inclusive. None of these touch personal data.

    registered_volunteers(*, as_of: date, area_prefix: str = "") -> int
    active_volunteers(*, start: date, end: date, area_prefix: str = "") -> int
    approved_hours(*, start: date, end: date, area_prefix: str = "") -> Decimal
    star_distribution(*, as_of: date | None = None, area_prefix: str = "") -> dict[int, int]
    hours_by_category(*, start: date, end: date, area_prefix: str = "") -> dict[str, Decimal]
    volunteers_by_area(*, as_of: date, level: int = 6, area_prefix: str = "") -> dict[str, int]
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr

from gongzhi.volunteers.models import EntryStatus, HoursEntry, Volunteer
from gongzhi.volunteers.rules_config import current, stars_for_minutes


def _hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))


def _registered_as_of(as_of: dt.date, area_prefix: str):  # type: ignore[no-untyped-def]
    qs = Volunteer.objects.filter(registered_on__lte=as_of).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of)
    )
    if area_prefix:
        qs = qs.filter(area_code__startswith=area_prefix)
    return qs


def registered_volunteers(*, as_of: dt.date, area_prefix: str = "") -> int:
    """Registered volunteers (注册志愿者) on `as_of`: registered by then, not withdrawn by then."""
    return _registered_as_of(as_of, area_prefix).count()


def volunteers_by_area(*, as_of: dt.date, level: int = 6, area_prefix: str = "") -> dict[str, int]:
    """Registered volunteers on `as_of` grouped by the first `level` digits of the area code."""
    rows = (
        _registered_as_of(as_of, area_prefix)
        .annotate(unit=Substr("area_code", 1, level))
        .values("unit")
        .annotate(n=Count("id"))
        .order_by("unit")
    )
    return {r["unit"]: r["n"] for r in rows}


def _ledger(start: dt.date, end: dt.date, area_prefix: str):  # type: ignore[no-untyped-def]
    qs = HoursEntry.objects.filter(
        status=EntryStatus.APPROVED, service_date__gte=start, service_date__lte=end
    )
    if area_prefix:
        qs = qs.filter(area_code__startswith=area_prefix)
    return qs


def active_volunteers(*, start: dt.date, end: dt.date, area_prefix: str = "") -> int:
    """Volunteers with approved service in the period (by where the service took place)."""
    return (
        _ledger(start, end, area_prefix)
        .filter(kind="entry")
        .values("volunteer_id")
        .distinct()
        .count()
    )


def approved_hours(*, start: dt.date, end: dt.date, area_prefix: str = "") -> Decimal:
    """Approved service hours in the period, reversals netted out (by service date)."""
    return _hours(_ledger(start, end, area_prefix).aggregate(s=Sum("minutes"))["s"])


def hours_by_category(*, start: dt.date, end: dt.date, area_prefix: str = "") -> dict[str, Decimal]:
    """Approved hours in the period by service category code (rules_config.categories)."""
    rows = (
        _ledger(start, end, area_prefix)
        .values("category")
        .annotate(s=Sum("minutes"))
        .order_by("category")
    )
    return {r["category"] or "": _hours(r["s"]) for r in rows}


def _star_counts_now(area_prefix: str, thresholds: list[int]) -> dict[int, int]:
    """Volunteers by stars from the running totals: one aggregate over the
    (area_code, approved_minutes) index."""
    qs = Volunteer.objects.all()
    if area_prefix:
        qs = qs.filter(area_code__startswith=area_prefix)
    bounds = [0, *thresholds]
    aggregates = {}
    for stars, low in enumerate(bounds):
        cond = Q(approved_minutes__gte=low)
        if stars + 1 < len(bounds):
            cond &= Q(approved_minutes__lt=bounds[stars + 1])
        aggregates[f"s{stars}"] = Count("id", filter=cond)
    counts = qs.aggregate(**aggregates)
    return {stars: counts[f"s{stars}"] for stars in range(len(bounds))}


def star_distribution(*, as_of: dt.date | None = None, area_prefix: str = "") -> dict[int, int]:
    """Volunteers by stars (0-5, thresholds in rules_config) on `as_of` (None: today's totals).

    1-5 stars: the volunteers whose approved ledger up to `as_of` (by service date) sums into
    each range. Today's figure counts ranges of the running totals (services.hours keeps them
    equal to the ledger in the approving transaction). A past date reads the star summary
    (`stars.counts_as_of`: month tallies plus the steps of the date's month, a few hundred
    rows whatever the ledger's size, issue 5); if the summary is not for today's thresholds
    yet, it falls back to correcting the running totals by the ledger after the date.
    0 stars is the rest of the volunteers registered on `as_of`.
    """
    thresholds = [t * 60 for t in current().star_thresholds_hours]
    if as_of is None:
        return _star_counts_now(area_prefix, thresholds)
    from gongzhi.volunteers import stars

    counted = stars.counts_as_of(as_of, area_prefix)
    if counted is None:
        out = _star_counts_from_ledger(as_of, area_prefix, thresholds)
    else:
        out = {0: 0, **counted}
    starred = sum(n for level, n in out.items() if level)
    out[0] = max(registered_volunteers(as_of=as_of, area_prefix=area_prefix) - starred, 0)
    return out


def _star_counts_from_ledger(
    as_of: dt.date, area_prefix: str, thresholds: list[int]
) -> dict[int, int]:
    """Today's counts corrected by the approved entries dated after `as_of`: a volunteer
    with such entries moves from the star of their running total to that of (running total
    - minutes after `as_of`). Costs a range scan of the ledger after the date."""
    out = _star_counts_now(area_prefix, thresholds)
    later = HoursEntry.objects.filter(status=EntryStatus.APPROVED, service_date__gt=as_of)
    if area_prefix:
        later = later.filter(volunteer__area_code__startswith=area_prefix)
    rows = (
        later.order_by()
        .values("volunteer_id")
        .annotate(after=Sum("minutes"), total=Max("volunteer__approved_minutes"))
        .values_list("total", "after")
    )
    for total, after in rows.iterator(chunk_size=10000):
        out[stars_for_minutes(total)] -= 1
        out[stars_for_minutes(total - after)] += 1
    return out
