"""The evaluation index: per organisation and year, with its breakdown; rolled up by unit.

Every contribution is rounded to hundredths first and the scores are sums of the rounded
contributions, so a breakdown always adds up to the score it explains.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum

from gongzhi.core.scope import restrict
from gongzhi.metrics import rules_config
from gongzhi.metrics.sources.orgs import orgs_active_on

Values = dict[int, float | None]  # org id -> raw value (None: no data for this organisation)
Provider = Callable[[list[int], int], Values | None]  # None: no app records this yet

_providers: dict[str, Provider] = {}


def provider(key: str) -> Callable[[Provider], Provider]:
    def add(fn: Provider) -> Provider:
        _providers[key] = fn
        return fn

    return add


def _model(label: str) -> Any:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


IN_LIST_MAX = 500


def _of(field: str, org_ids: list[int]) -> Q:
    """The rows of these organisations — or, for a long list, of every organisation.

    Every provider answers by looking its organisations up in what it read, so rows of
    others are harmless; a city's 3,500-item IN list is not: PostgreSQL took 0.52 s to read
    the annual reports through it against 0.07 s for all 37,000 of them (full city), and with
    it the hours sum could not use the partial index hours_org_status.
    """
    if len(org_ids) <= IN_LIST_MAX:
        return Q(**{f"{field}__in": org_ids})
    return Q(**{f"{field}__isnull": False})


_REPORT_FIELDS = (
    "org_id",
    "employees",
    "social_workers",
    "other_professionals",
    "has_union",
    "has_youth_league",
    "has_women_federation",
)
_reports_memo: dict[tuple[tuple[int, ...], int], dict[int, Any]] = {}


def _latest_reports(org_ids: list[int], year: int) -> dict[int, Any]:
    """Each organisation's latest annual report up to `year`: the fields the index reads.

    Three indicators read them; `score_orgs` keeps one copy per call (values, not model
    instances: building 25,000 report objects was most of the index page's time).
    """
    AnnualReport = _model("orgs.AnnualReport")
    if AnnualReport is None:
        return {}
    memo_key = (tuple(org_ids), year)
    if memo_key in _reports_memo:
        return _reports_memo[memo_key]
    out: dict[int, Any] = {}
    for r in (
        AnnualReport.objects.filter(_of("org_id", org_ids), year__lte=year)
        .order_by("org_id", "year")
        .values(*_REPORT_FIELDS)
    ):
        out[r["org_id"]] = SimpleNamespace(**r)
    _reports_memo[memo_key] = out
    return out


@provider("four_builds")
def _four_builds(org_ids: list[int], year: int) -> Values | None:
    if _model("orgs.AnnualReport") is None:
        return None
    reports = _latest_reports(org_ids, year)
    return {
        i: (
            float(r.has_union + r.has_youth_league + r.has_women_federation)
            if (r := reports.get(i))
            else None
        )
        for i in org_ids
    }


@provider("professional_share")
def _professional_share(org_ids: list[int], year: int) -> Values | None:
    if _model("orgs.AnnualReport") is None:
        return None
    reports = _latest_reports(org_ids, year)
    out: Values = {}
    for i in org_ids:
        r = reports.get(i)
        out[i] = (
            (r.social_workers + r.other_professionals) / r.employees if r and r.employees else None
        )
    return out


@provider("evaluation_grade")
def _grade(org_ids: list[int], year: int) -> Values | None:
    Evaluation = _model("orgs.Evaluation")
    if Evaluation is None:
        return None
    end = dt.date(year, 12, 31)
    grades: dict[int, float] = {}
    for org_id, grade in (
        Evaluation.objects.filter(
            _of("org_id", org_ids), evaluated_on__lte=end, valid_until__gte=end
        )
        .order_by("org_id", "evaluated_on")
        .values_list("org_id", "grade")
    ):
        grades[org_id] = float(grade or 0)
    # Not evaluated is a fact (no valid grade), not missing data.
    return {i: grades.get(i, 0.0) for i in org_ids}


@provider("party_org_present")
def _party_present(org_ids: list[int], year: int) -> Values | None:
    Coverage = _model("party.PartyOrgCoverage")
    if Coverage is None:
        return None
    end = dt.date(year, 12, 31)
    covered = set(
        Coverage.objects.filter(_of("org_id", org_ids), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .filter(party_org__established_on__lte=end)
        .filter(Q(party_org__dissolved_on__isnull=True) | Q(party_org__dissolved_on__gt=end))
        .values_list("org_id", flat=True)
    )
    return {i: 1.0 if i in covered else 0.0 for i in org_ids}


def _covering(org_ids: list[int], year: int) -> dict[int, list[int]]:
    """Party organisations covering each organisation at the end of `year`."""
    Coverage = _model("party.PartyOrgCoverage")
    end = dt.date(year, 12, 31)
    out: dict[int, list[int]] = defaultdict(list)
    for org_id, po in (
        Coverage.objects.filter(_of("org_id", org_ids), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .values_list("org_id", "party_org_id")
    ):
        out[org_id].append(po)
    return out


@provider("org_life_compliance")
def _org_life(org_ids: list[int], year: int) -> Values | None:
    """Share of the organisational life the rules require in the year that was recorded:
    per required kind min(1, held / required), averaged (party rules_config.meeting_frequency)."""
    Record = _model("party.OrgLifeRecord")
    if Record is None:
        return None
    from gongzhi.party.rules_config import current

    per_year = {"month": 12, "quarter": 4, "year": 1}
    required = {k: per_year[p] * n for k, (p, n) in current().meeting_frequency.items()}
    covering = _covering(org_ids, year)
    pos = {po for i in org_ids for po in covering.get(i, ())}
    held: dict[tuple[int, str], int] = defaultdict(int)
    for po, kind in Record.objects.filter(party_org_id__in=pos, held_on__year=year).values_list(
        "party_org_id", "kind"
    ):
        held[(po, kind)] += 1
    out: Values = {}
    for i in org_ids:
        if not covering.get(i):
            out[i] = 0.0  # no Party organisation: nothing of its life to comply with
            continue
        best = 0.0
        for po in covering[i]:
            share = sum(min(1.0, held[(po, k)] / n) for k, n in required.items()) / len(required)
            best = max(best, share)
        out[i] = best
    return out


@provider("activities")
def _activities(org_ids: list[int], year: int) -> Values | None:
    Shift = _model("volunteers.Shift")
    if Shift is None:
        return None
    counts = dict(
        Shift.objects.filter(_of("owner_org_id", org_ids), starts_at__year=year)
        .values_list("owner_org_id")
        .annotate(n=Count("activity_id", distinct=True))
    )
    return {i: float(counts.get(i, 0)) for i in org_ids}


@provider("hours_per_staff")
def _hours_per_staff(org_ids: list[int], year: int) -> Values | None:
    HoursEntry = _model("volunteers.HoursEntry")
    if HoursEntry is None or _model("orgs.AnnualReport") is None:
        return None
    # Exactly the partial index hours_org_status (owner_org_id, status, service_date,
    # minutes) WHERE owner_org_id IS NOT NULL: `_of` gives either an IN list (which implies
    # the condition) or the condition itself, and the sum is read from the index alone
    # (2.8 s of the page at scale 0.1 scanning the ledger).
    minutes = dict(
        HoursEntry.objects.filter(
            _of("owner_org_id", org_ids), status="approved", service_date__year=year
        )
        .values_list("owner_org_id")
        .annotate(m=Sum("minutes"))
    )
    reports = _latest_reports(org_ids, year)
    out: Values = {}
    for i in org_ids:
        r = reports.get(i)
        # Without a report there is no staff count to divide by: no data, not zero.
        out[i] = (minutes.get(i, 0) / 60) / r.employees if r and r.employees else None
    return out


@dataclass
class Part:
    key: str
    label: Any
    weight: float
    raw: float | None  # None: no data
    contribution: float | None

    @property
    def no_data(self) -> bool:
        return self.raw is None


@dataclass
class DimensionScore:
    key: str
    label: Any
    weight: float
    parts: list[Part] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(p.contribution for p in self.parts if p.contribution is not None), 2)

    @property
    def weight_with_data(self) -> float:
        return sum(p.weight for p in self.parts if not p.no_data)


@dataclass
class OrgScore:
    org_id: int
    name: str
    area_code: str
    dimensions: list[DimensionScore]

    @property
    def score(self) -> float:
        return round(sum(d.score for d in self.dimensions), 2)

    @property
    def weight_with_data(self) -> float:
        return sum(d.weight_with_data for d in self.dimensions)


def score_orgs(
    user: Any, year: int, prefix: str | None = None, config: Any = None
) -> list[OrgScore]:
    """Index of every organisation in scope active at the end of `year`, best first."""
    config = config or rules_config.current()
    orgs = list(
        orgs_active_on(user, dt.date(year, 12, 31), prefix).values_list("id", "name", "area_code")
    )
    ids = [o[0] for o in orgs]
    values: dict[str, Values | None] = {}
    try:
        for dim in config.dimensions:
            for ind in dim.indicators:
                fn = _providers.get(ind.key)
                values[ind.key] = fn(ids, year) if fn and ids else None
    finally:
        _reports_memo.clear()
    out: list[OrgScore] = []
    for org_id, name, area_code in orgs:
        dims = []
        for dim in config.dimensions:
            ds = DimensionScore(dim.key, dim.label, dim.weight)
            for ind in dim.indicators:
                by_org = values[ind.key]
                raw = by_org.get(org_id) if by_org is not None else None
                contribution = (
                    None
                    if raw is None
                    else round(ind.weight * min(1.0, max(0.0, raw / ind.cap)), 2)
                )
                ds.parts.append(Part(ind.key, ind.label, ind.weight, raw, contribution))
            dims.append(ds)
        out.append(OrgScore(org_id, name, area_code, dims))
    out.sort(key=lambda s: (-s.score, s.name))
    return out


@dataclass
class UnitScore:
    code: str
    name: str
    orgs: int
    score: float
    dimensions: dict[str, float]


def rank_units(scores: list[OrgScore], units: list[Any]) -> list[UnitScore]:
    """Average index of the organisations domiciled in each unit, best first."""
    by_unit: dict[str, list[OrgScore]] = defaultdict(list)
    for s in scores:
        for u in units:
            if s.area_code.startswith(u.prefix):
                by_unit[u.code].append(s)
                break
    ranked = []
    for u in units:
        group = by_unit.get(u.code, [])
        n = len(group)
        dims: dict[str, float] = {}
        if n:
            for i, d in enumerate(group[0].dimensions):
                dims[d.key] = round(sum(g.dimensions[i].score for g in group) / n, 2)
        ranked.append(
            UnitScore(u.code, u.name, n, round(sum(dims.values()), 2) if n else 0.0, dims)
        )
    ranked.sort(key=lambda r: (-r.score, r.code))
    return ranked


def org_score(user: Any, org_id: int, year: int) -> OrgScore | None:
    from gongzhi.orgs.models import SocialOrg

    org = (
        restrict(SocialOrg.objects.all(), user)
        .filter(pk=org_id)
        .values_list("area_code", flat=True)
        .first()
    )
    if org is None:
        return None
    for s in score_orgs(user, year, org):
        if s.org_id == org_id:
            return s
    return None


__all__ = ["score_orgs", "rank_units", "org_score"]
