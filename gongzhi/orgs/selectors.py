"""Every read of the registry, through the scope rule (DESIGN.md § The scope rule).

Pages, the API, exports and the metrics app call these plain functions. Each takes the
acting `user` (keyword-only) and returns only what that user may see.

Registry list and records
    org_list(*, user, q="", district="", kind="", status="", grade="", listing="",
             has_party_org=None, build="", sort="name", today=None, annotate=True)
             -> QuerySet[SocialOrg]
        annotated with `current_grade` (int|None), `listed` ("serious"|"anomaly"|None),
        `has_party_org` (bool|None, latest annual report) and `builds` flags
        (`has_union`, `has_youth_league`, `has_women_federation`).
        `q` matches the name in Simplified or Traditional characters, its pinyin, its
        initials, or the start of the credit code. `annotate=False` filters on the derived
        columns without selecting them; `annotate_rows(page_rows)` then adds them.
    org_get(*, user, pk=None, credit_code=None) -> SocialOrg          (404 out of scope)
    report_list(*, user, org=None, year=None) -> QuerySet[AnnualReport]
    evaluation_list(*, user, org=None) -> QuerySet[Evaluation]
    penalty_list(*, user, org=None) -> QuerySet[Penalty]
    listing_list(*, user, org=None, list_kind="", state="", in_force=None) -> QuerySet
    change_list(*, user, org=None) -> QuerySet[OrgChange]

Figures as of a date (the dashboards; `within` is an area-code prefix such as "430405",
matched against the domicile *as it was on that date*; scope is the user's current scope)
    orgs_registered_as_of(*, user, as_of, within=None) -> QuerySet[SocialOrg]
        registered/filed on or before `as_of` and not deregistered by then, annotated with
        `name_at`, `kind_at`, `area_code_at`, `industry_at` (the registry's values that day).
    org_count_as_of(*, user, as_of, within=None) -> int
    counts_by_kind(*, user, as_of, within=None) -> dict[kind, int]
    counts_by_district(*, user, as_of, within=None) -> dict[12-digit county code, int]
    counts_by_industry(*, user, as_of, within=None) -> dict[industry, int]   ("" = not given)
    report_totals_as_of(*, user, as_of, within=None) -> dict with employees, social_workers,
        other_professionals, volunteers — summed over those organisations from each one's
        latest annual report speaking for a date on or before `as_of` (a report on year Y
        speaks for 31 December of Y; unsubmitted reports do not count)
    employees_as_of(*, user, as_of, within=None) -> int
    four_builds_as_of(*, user, as_of, within=None) -> dict with "party", "union",
        "youth_league", "women_federation" and "all_four": organisations whose latest such
        report shows that organisation built (with its build date on or before `as_of`)
    four_builds_by_district(*, user, as_of, within=None) -> dict[12-digit county code, that dict]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from gongzhi.core.scope import get_or_404, restrict
from gongzhi.core.textkeys import search_variants
from gongzhi.orgs.lookups import register as register_prefix
from gongzhi.orgs.models import (
    AnnualReport,
    CreditListing,
    Evaluation,
    ListingState,
    ListKind,
    OrgChange,
    Penalty,
    ReportResult,
    SocialOrg,
)

SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "registered_on": ("registered_on", "id"),
    "-registered_on": ("-registered_on", "-id"),
    "credit_code": ("credit_code", "id"),
    "area": ("area_code", "name_pinyin", "id"),
    "kind": ("kind", "name_pinyin", "id"),
}


def _latest_report(*, upto_year: int | None = None) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.filter(org=OuterRef("pk"), submitted_on__isnull=False).exclude(
        result=ReportResult.NOT_SUBMITTED
    )
    if upto_year is not None:
        qs = qs.filter(year__lte=upto_year)
    return qs.order_by("-year")


def status_figures(today: dt.date | None = None) -> dict[str, Any]:
    """The list's derived columns: grade in force, listing in force, latest report's flags."""
    today = today or timezone.localdate()
    grade = (
        Evaluation.objects.filter(
            org=OuterRef("pk"), evaluated_on__lte=today, valid_until__gt=today
        )
        .order_by("-evaluated_on", "-id")
        .values("grade")[:1]
    )
    in_force = CreditListing.objects.filter(
        org=OuterRef("pk"), state=ListingState.CONFIRMED, removed_on__isnull=True
    )
    latest = _latest_report()

    def flag(field: str) -> Subquery:
        return Subquery(latest.values(field)[:1], output_field=BooleanField())

    return {
        "current_grade": Subquery(grade, output_field=IntegerField()),
        "on_serious": Exists(in_force.filter(list_kind=ListKind.SERIOUS)),
        "on_anomaly": Exists(in_force.filter(list_kind=ListKind.ANOMALY)),
        "has_party_org": flag("has_party_org"),
        "has_union": flag("has_union"),
        "has_youth_league": flag("has_youth_league"),
        "has_women_federation": flag("has_women_federation"),
    }


def with_status_figures(qs: QuerySet[SocialOrg], today: dt.date | None = None) -> QuerySet:
    return qs.annotate(**status_figures(today))


def annotate_rows(rows: Any, today: dt.date | None = None) -> list[SocialOrg]:
    """The derived columns for one page of organisations, in the page's order. A list page
    filters and sorts without them (so they are not computed for every row) and annotates
    only the rows it shows."""
    ids = [getattr(o, "pk", o) for o in rows]  # organisations or their ids
    annotated = with_status_figures(
        SocialOrg.objects.filter(pk__in=ids).select_related("area", "authority"), today
    )
    by_id = {o.pk: o for o in annotated}
    return [by_id[i] for i in ids]


for _name in ("name_simplified", "name_pinyin", "name_initials", "credit_code", "area_code"):
    register_prefix(SocialOrg._meta.get_field(_name))  # type: ignore[arg-type]


def search(qs: QuerySet[SocialOrg], q: str) -> QuerySet[SocialOrg]:
    """Name in Simplified or Traditional, pinyin, initials, or credit code.

    A query in letters and digits is matched by prefix on the pinyin, the initials and the
    credit code — indexed look-ups (`__prefix`, see lookups.py) — and, as the one exception,
    anywhere in the initials: people type the initials of the distinctive part of a name
    ("sfj" for 珠晖区书法家协会), and the initials column is short (one letter a character), so
    that scan is cheap at the registry's size (3,000-odd rows). Full pinyin is long (up to 600
    characters) and is matched from its start only.

    A query in Chinese is matched anywhere in the Simplified name. That leading-wildcard LIKE
    is unavoidable: Chinese names have no word boundaries and most begin with a place name
    (衡阳市…, 珠晖区…) that people leave out, so a prefix match would miss what they mean; B-tree
    indexes cannot serve it (a trigram or suffix index could, on PostgreSQL only).
    """
    simplified, ascii_key = search_variants(q)
    if not simplified:
        return qs
    typed = q.strip()
    if ascii_key and ascii_key == typed.lower().replace(" ", ""):
        code = typed.upper().replace(" ", "")
        return qs.filter(
            Q(name_pinyin__prefix=ascii_key)
            | Q(name_initials__prefix=ascii_key)
            | Q(name_initials__contains=ascii_key)
            | Q(credit_code__prefix=code)
        )
    return qs.filter(name_simplified__icontains=simplified)


def org_list(
    *,
    user: Any,
    q: str = "",
    district: str = "",
    kind: str = "",
    status: str = "",
    grade: str | int = "",
    listing: str = "",
    has_party_org: bool | None = None,
    build: str = "",
    sort: str = "name",
    today: dt.date | None = None,
    annotate: bool = True,
) -> QuerySet[SocialOrg]:
    """With `annotate=False` the derived columns are only used to filter (SQL aliases);
    pages then call `annotate_rows` on the rows they show."""
    qs = restrict(SocialOrg.objects.select_related("area", "authority"), user)
    if q:
        qs = search(qs, q)
    if district:
        qs = qs.filter(area_code__prefix=district[:6])
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    figures = status_figures(today)
    qs = qs.annotate(**figures) if annotate else qs.alias(**figures)
    if grade == "none":
        qs = qs.filter(current_grade__isnull=True)
    elif grade:
        qs = qs.filter(current_grade=int(grade))
    if listing == "serious":
        qs = qs.filter(on_serious=True)
    elif listing == "anomaly":
        qs = qs.filter(on_anomaly=True)
    elif listing == "any":
        qs = qs.filter(Q(on_serious=True) | Q(on_anomaly=True))
    elif listing == "none":
        qs = qs.filter(on_serious=False, on_anomaly=False)
    if has_party_org is not None:
        qs = qs.filter(has_party_org=True) if has_party_org else qs.exclude(has_party_org=True)
    if build in ("has_party_org", "has_union", "has_youth_league", "has_women_federation"):
        qs = qs.filter(**{build: True})
    elif build == "all_four":
        qs = qs.filter(
            has_party_org=True, has_union=True, has_youth_league=True, has_women_federation=True
        )
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


def org_get(*, user: Any, pk: int | None = None, credit_code: str | None = None) -> SocialOrg:
    qs = SocialOrg.objects.select_related("area", "authority")
    if credit_code is not None:
        return get_or_404(qs, user, credit_code=credit_code.strip().upper())
    return get_or_404(qs, user, pk=pk)


def report_list(
    *, user: Any, org: SocialOrg | None = None, year: int | None = None
) -> QuerySet[AnnualReport]:
    qs = restrict(AnnualReport.objects.select_related("org", "org__area"), user)
    if org is not None:
        qs = qs.filter(org=org)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("org__name_pinyin", "org_id", "-year")


def evaluation_list(*, user: Any, org: SocialOrg | None = None) -> QuerySet[Evaluation]:
    qs = restrict(Evaluation.objects.select_related("org"), user)
    return (qs.filter(org=org) if org is not None else qs).order_by("-evaluated_on", "-id")


def penalty_list(*, user: Any, org: SocialOrg | None = None) -> QuerySet[Penalty]:
    qs = restrict(Penalty.objects.select_related("org"), user)
    return (qs.filter(org=org) if org is not None else qs).order_by("-decided_on", "-id")


def listing_list(
    *,
    user: Any,
    org: SocialOrg | None = None,
    list_kind: str = "",
    state: str = "",
    in_force: bool | None = None,
) -> QuerySet[CreditListing]:
    qs = restrict(CreditListing.objects.select_related("org"), user)
    if org is not None:
        qs = qs.filter(org=org)
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    if state:
        qs = qs.filter(state=state)
    if in_force is True:
        qs = qs.filter(state=ListingState.CONFIRMED, removed_on__isnull=True)
    elif in_force is False:
        qs = qs.exclude(state=ListingState.CONFIRMED, removed_on__isnull=True)
    return qs.order_by("-listed_on", "-id")


def change_list(*, user: Any, org: SocialOrg | None = None) -> QuerySet[OrgChange]:
    qs = restrict(OrgChange.objects.select_related("org"), user)
    return (qs.filter(org=org) if org is not None else qs).order_by("-effective_on", "-id")


# --- the registry as of a date ----------------------------------------------------------------


def _field_at(field: str, as_of: dt.date) -> Coalesce:
    """The value `field` had on `as_of`: the `before` of the first change after that day, or
    the current value when nothing changed it since."""
    earliest_later = (
        OrgChange.objects.filter(org=OuterRef("pk"), effective_on__gt=as_of)
        .filter(before__has_key=field)
        .order_by("effective_on", "id")
        .values(v=KT(f"before__{field}"))[:1]
    )
    return Coalesce(
        Subquery(earliest_later, output_field=CharField()),
        F(field),
        output_field=CharField(),
    )


def orgs_registered_as_of(
    *, user: Any, as_of: dt.date, within: str | None = None
) -> QuerySet[SocialOrg]:
    qs = restrict(SocialOrg.objects.all(), user).filter(registered_on__lte=as_of)
    qs = qs.filter(Q(deregistered_on__isnull=True) | Q(deregistered_on__gt=as_of))
    qs = qs.annotate(
        name_at=_field_at("name", as_of),
        kind_at=_field_at("kind", as_of),
        area_code_at=_field_at("area_code", as_of),
        industry_at=_field_at("industry", as_of),
    )
    if within:
        qs = qs.filter(area_code_at__startswith=_within_prefix(within))
    return qs


def _within_prefix(code: str) -> str:
    """A 12-digit unit code or a prefix → the prefix that names the unit."""
    if len(code) >= 12:
        from gongzhi.areas.models import Area

        area = Area.objects.filter(code=code).only("prefix").first()
        if area is not None:
            return area.prefix
    return code


def _as_of(user: Any, as_of: dt.date, within: str | None) -> QuerySet[SocialOrg]:
    return orgs_registered_as_of(user=user, as_of=as_of, within=within)


def org_count_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> int:
    return _as_of(user, as_of, within).count()


def _grouped(qs: QuerySet, key: Any) -> dict[str, int]:
    rows = qs.order_by().values(k=key).annotate(n=Count("id")).values_list("k", "n")
    out: dict[str, int] = {}
    for k, n in rows:
        out[k or ""] = out.get(k or "", 0) + n
    return out


def counts_by_kind(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    return _grouped(_as_of(user, as_of, within), F("kind_at"))


def counts_by_district(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    grouped = _grouped(_as_of(user, as_of, within), Substr("area_code_at", 1, 6))
    return {f"{k}000000": n for k, n in grouped.items()}


def counts_by_industry(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    return _grouped(_as_of(user, as_of, within), F("industry_at"))


def _report_year_for(as_of: dt.date) -> int:
    """A report on year Y speaks for 31 December of Y."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


REPORT_TOTALS = ("employees", "social_workers", "other_professionals", "volunteers")


def report_totals_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    latest = _latest_report(upto_year=_report_year_for(as_of))
    qs = _as_of(user, as_of, within).annotate(
        **{
            f"r_{f}": Subquery(latest.values(f)[:1], output_field=IntegerField())
            for f in REPORT_TOTALS
        }
    )
    sums = qs.aggregate(**{f: Sum(f"r_{f}") for f in REPORT_TOTALS})
    return {f: int(sums[f] or 0) for f in REPORT_TOTALS}


def employees_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> int:
    return report_totals_as_of(user=user, as_of=as_of, within=within)["employees"]


def _four_builds(
    user: Any, as_of: dt.date, within: str | None
) -> tuple[QuerySet[SocialOrg], dict[str, Count]]:
    latest = _latest_report(upto_year=_report_year_for(as_of))

    def at(field: str, output: Any) -> Subquery:
        return Subquery(latest.values(field)[:1], output_field=output)

    qs = _as_of(user, as_of, within).annotate(
        l_party=at("has_party_org", BooleanField()),
        l_union=at("has_union", BooleanField()),
        l_union_on=at("union_on", DateField()),
        l_youth=at("has_youth_league", BooleanField()),
        l_youth_on=at("youth_league_on", DateField()),
        l_women=at("has_women_federation", BooleanField()),
        l_women_on=at("women_federation_on", DateField()),
    )
    # Only the latest report counts, and only builds dated on or before the day asked about.
    b_party = Q(l_party=True)
    b_union = Q(l_union=True, l_union_on__lte=as_of)
    b_youth = Q(l_youth=True, l_youth_on__lte=as_of)
    b_women = Q(l_women=True, l_women_on__lte=as_of)
    counts = {
        "party": Count("id", filter=b_party),
        "union": Count("id", filter=b_union),
        "youth_league": Count("id", filter=b_youth),
        "women_federation": Count("id", filter=b_women),
        "all_four": Count("id", filter=b_party & b_union & b_youth & b_women),
    }
    return qs, counts


def four_builds_as_of(*, user: Any, as_of: dt.date, within: str | None = None) -> dict[str, int]:
    qs, counts = _four_builds(user, as_of, within)
    return {k: int(v or 0) for k, v in qs.aggregate(**counts).items()}


def four_builds_by_district(
    *, user: Any, as_of: dt.date, within: str | None = None
) -> dict[str, dict[str, int]]:
    """`four_builds_as_of` for each county/district (12-digit code) in one query."""
    qs, counts = _four_builds(user, as_of, within)
    rows = (
        qs.order_by().values(k=Substr("area_code_at", 1, 6)).annotate(**counts).values("k", *counts)
    )
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        key = f"{row.pop('k') or ''}000000"
        bucket = out.setdefault(key, dict.fromkeys(counts, 0))
        for name, n in row.items():
            bucket[name] += int(n or 0)
    return out


__all__ = [
    "change_list",
    "counts_by_district",
    "counts_by_industry",
    "counts_by_kind",
    "employees_as_of",
    "evaluation_list",
    "four_builds_as_of",
    "four_builds_by_district",
    "listing_list",
    "org_count_as_of",
    "org_get",
    "org_list",
    "orgs_registered_as_of",
    "penalty_list",
    "report_list",
    "report_totals_as_of",
]
