"""The evaluation index: per organisation and year, with its breakdown; rolled up by unit.

Every contribution is rounded to hundredths first and the scores are sums of the rounded
contributions, so a breakdown always adds up to the score it explains.

`score_orgs` is the definition, from the base tables; the pages read its stored copy
(`models.IndexScore`), rewritten by `services.index_refresh` when the data it reads changes
(README § Evaluation index).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, Sum

from gongzhi.metrics import rules_config
from gongzhi.metrics.sources.orgs import orgs_active_on

Values = dict[int, float | None]  # org id -> raw value (None: no data for this organisation)

# The index among the keys the metrics refresh path carries (signals -> tasks ->
# refresh_metrics), and the models whose committed changes make the stored index stale:
# what the providers below read.
KEY = "evaluation_index"
WATCH = [
    "orgs.SocialOrg",
    "orgs.OrgChange",
    "orgs.AnnualReport",
    "orgs.Evaluation",
    "party.PartyOrg",
    "party.PartyOrgCoverage",
    "party.OrgLifeRecord",
    "volunteers.Shift",
    "volunteers.HoursEntry",
]


@dataclass
class Orgs:
    """The organisations being scored: their ids, and the scoped queryset they came from.

    Providers filter their base tables by `qs` as a subquery (`_of`), never by a list of
    ids: a list of a city's 3,500 ids was slow to plan and to read on PostgreSQL, and
    dropping the filter past a length instead (the old way) read the whole city's rows for
    a district. `memo` keeps what several providers read (the annual reports) for one call.
    """

    ids: list[int]
    qs: Any
    memo: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Orgs, int], Values | None]  # None: no app records this yet

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


def _of(field: str, orgs: Orgs) -> Q:
    """The rows of these organisations, by a subquery of the scoped organisations' ids.

    `IS NOT NULL` is implied by the subquery but stated, so that the planners (which prove
    a partial index's condition from the WHERE clause alone, not from a semi-join) can use
    the partial index hours_org_status (owner_org_id, ...) WHERE owner_org_id IS NOT NULL.
    """
    return Q(**{f"{field}__in": orgs.qs.values("id")}) & Q(**{f"{field}__isnull": False})


_REPORT_FIELDS = (
    "org_id",
    "employees",
    "social_workers",
    "other_professionals",
    "has_union",
    "has_youth_league",
    "has_women_federation",
)


def _latest_reports(orgs: Orgs, year: int) -> dict[int, Any]:
    """Each organisation's latest annual report up to `year`: the fields the index reads.

    Three indicators read them; `score_orgs` keeps one copy per call (values, not model
    instances: building 25,000 report objects was most of the index page's time).
    """
    AnnualReport = _model("orgs.AnnualReport")
    if AnnualReport is None:
        return {}
    memo_key = f"reports-{year}"
    if memo_key in orgs.memo:
        return orgs.memo[memo_key]  # type: ignore[no-any-return]
    out: dict[int, Any] = {}
    for r in (
        AnnualReport.objects.filter(_of("org_id", orgs), year__lte=year)
        .order_by("org_id", "year")
        .values(*_REPORT_FIELDS)
    ):
        out[r["org_id"]] = SimpleNamespace(**r)
    orgs.memo[memo_key] = out
    return out


@provider("four_builds")
def _four_builds(orgs: Orgs, year: int) -> Values | None:
    if _model("orgs.AnnualReport") is None:
        return None
    reports = _latest_reports(orgs, year)
    return {
        i: (
            float(r.has_union + r.has_youth_league + r.has_women_federation)
            if (r := reports.get(i))
            else None
        )
        for i in orgs.ids
    }


@provider("professional_share")
def _professional_share(orgs: Orgs, year: int) -> Values | None:
    if _model("orgs.AnnualReport") is None:
        return None
    reports = _latest_reports(orgs, year)
    out: Values = {}
    for i in orgs.ids:
        r = reports.get(i)
        out[i] = (
            (r.social_workers + r.other_professionals) / r.employees if r and r.employees else None
        )
    return out


@provider("evaluation_grade")
def _grade(orgs: Orgs, year: int) -> Values | None:
    Evaluation = _model("orgs.Evaluation")
    if Evaluation is None:
        return None
    end = dt.date(year, 12, 31)
    grades: dict[int, float] = {}
    for org_id, grade in (
        Evaluation.objects.filter(_of("org_id", orgs), evaluated_on__lte=end, valid_until__gte=end)
        .order_by("org_id", "evaluated_on")
        .values_list("org_id", "grade")
    ):
        grades[org_id] = float(grade or 0)
    # Not evaluated is a fact (no valid grade), not missing data.
    return {i: grades.get(i, 0.0) for i in orgs.ids}


@provider("party_org_present")
def _party_present(orgs: Orgs, year: int) -> Values | None:
    Coverage = _model("party.PartyOrgCoverage")
    if Coverage is None:
        return None
    end = dt.date(year, 12, 31)
    covered = set(
        Coverage.objects.filter(_of("org_id", orgs), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .filter(party_org__established_on__lte=end)
        .filter(Q(party_org__dissolved_on__isnull=True) | Q(party_org__dissolved_on__gt=end))
        .values_list("org_id", flat=True)
    )
    return {i: 1.0 if i in covered else 0.0 for i in orgs.ids}


def _covering(orgs: Orgs, year: int) -> dict[int, list[int]]:
    """Party organisations covering each organisation at the end of `year`."""
    Coverage = _model("party.PartyOrgCoverage")
    end = dt.date(year, 12, 31)
    out: dict[int, list[int]] = defaultdict(list)
    for org_id, po in (
        Coverage.objects.filter(_of("org_id", orgs), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .values_list("org_id", "party_org_id")
    ):
        out[org_id].append(po)
    return out


@provider("org_life_compliance")
def _org_life(orgs: Orgs, year: int) -> Values | None:
    """Share of the organisational life the rules require in the year that was recorded:
    per required kind min(1, held / required), averaged (party rules_config.meeting_frequency)."""
    Record = _model("party.OrgLifeRecord")
    if Record is None:
        return None
    from gongzhi.party.rules_config import current

    per_year = {"month": 12, "quarter": 4, "year": 1}
    required = {k: per_year[p] * n for k, (p, n) in current().meeting_frequency.items()}
    covering = _covering(orgs, year)
    pos = {po for i in orgs.ids for po in covering.get(i, ())}
    held: dict[tuple[int, str], int] = defaultdict(int)
    for po, kind in Record.objects.filter(party_org_id__in=pos, held_on__year=year).values_list(
        "party_org_id", "kind"
    ):
        held[(po, kind)] += 1
    out: Values = {}
    for i in orgs.ids:
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
def _activities(orgs: Orgs, year: int) -> Values | None:
    Shift = _model("volunteers.Shift")
    if Shift is None:
        return None
    counts = dict(
        Shift.objects.filter(_of("owner_org_id", orgs), starts_at__year=year)
        .values_list("owner_org_id")
        .annotate(n=Count("activity_id", distinct=True))
    )
    return {i: float(counts.get(i, 0)) for i in orgs.ids}


@provider("hours_per_staff")
def _hours_per_staff(orgs: Orgs, year: int) -> Values | None:
    HoursEntry = _model("volunteers.HoursEntry")
    if HoursEntry is None or _model("orgs.AnnualReport") is None:
        return None
    # Exactly the partial index hours_org_status (owner_org_id, status, service_date,
    # minutes) WHERE owner_org_id IS NOT NULL: `_of` states the condition beside its
    # subquery, and the sum is read from the index alone (2.8 s at scale 0.1 scanning the
    # ledger).
    minutes = dict(
        HoursEntry.objects.filter(
            _of("owner_org_id", orgs), status="approved", service_date__year=year
        )
        .values_list("owner_org_id")
        .annotate(m=Sum("minutes"))
    )
    reports = _latest_reports(orgs, year)
    out: Values = {}
    for i in orgs.ids:
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
    """Index of every organisation in scope active at the end of `year`, best first.

    The definition, computed from the base tables: the page reads the stored copy
    (`models.IndexScore`, written from this by `services.index_refresh`)."""
    config = config or rules_config.current()
    scoped = orgs_active_on(user, dt.date(year, 12, 31), prefix)
    rows = list(scoped.values_list("id", "name", "area_code"))
    orgs = Orgs([o[0] for o in rows], scoped)
    values: dict[str, Values | None] = {}
    for dim in config.dimensions:
        for ind in dim.indicators:
            fn = _providers.get(ind.key)
            values[ind.key] = fn(orgs, year) if fn and orgs.ids else None
    out: list[OrgScore] = []
    for org_id, name, area_code in rows:
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


def stored_parts(score: OrgScore) -> dict[str, list[float | None]]:
    """{indicator key: [raw value, contribution]} as `models.IndexScore.parts` keeps them
    (None, JSON null: no data)."""
    return {p.key: [p.raw, p.contribution] for d in score.dimensions for p in d.parts}


def from_stored(
    org_id: int, name: str, area_code: str, parts: dict[str, Any], config: Any
) -> OrgScore:
    """An `OrgScore` rebuilt from a stored row: labels and weights from its index version,
    values and contributions as they were computed (an indicator missing from the row,
    which a row of the same version never lacks, is no data)."""
    dims = []
    for dim in config.dimensions:
        ds = DimensionScore(dim.key, dim.label, dim.weight)
        for ind in dim.indicators:
            raw, contribution = parts.get(ind.key) or (None, None)
            ds.parts.append(Part(ind.key, ind.label, ind.weight, raw, contribution))
        dims.append(ds)
    return OrgScore(org_id, name, area_code, dims)


@dataclass
class UnitScore:
    code: str
    name: str
    orgs: int
    score: float
    dimensions: dict[str, float]


def unit_score(code: str, name: str, members: list[dict[str, float]]) -> UnitScore:
    """A unit's score from its organisations' dimension scores ({dimension key: score}):
    each dimension averaged, the unit's score their sum. `math.fsum` makes it independent of
    the order of `members`, so the stored ranking (`services.index_refresh`) and this
    definition agree to the last digit whatever order the rows come in."""
    n = len(members)
    dims = (
        {key: round(math.fsum(m[key] for m in members) / n, 2) for key in members[0]} if n else {}
    )
    return UnitScore(code, name, n, round(sum(dims.values()), 2) if n else 0.0, dims)


def rank_units(scores: list[OrgScore], units: list[Any]) -> list[UnitScore]:
    """Average index of the organisations domiciled in each unit, best first."""
    by_unit: dict[str, list[dict[str, float]]] = defaultdict(list)
    for s in scores:
        for u in units:
            if s.area_code.startswith(u.prefix):
                by_unit[u.code].append({d.key: d.score for d in s.dimensions})
                break
    ranked = [unit_score(u.code, u.name, by_unit.get(u.code, [])) for u in units]
    ranked.sort(key=lambda r: (-r.score, r.code))
    return ranked


__all__ = ["score_orgs", "rank_units", "unit_score", "from_stored", "stored_parts"]
