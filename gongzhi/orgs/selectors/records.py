"""Registry lists and single records, through the scope rule (the catalogue: selectors/__init__)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from gongzhi.core.scope import get_or_404, restrict
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
from gongzhi.orgs.selectors.search import search

SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "registered_on": ("registered_on", "id"),
    "-registered_on": ("-registered_on", "-id"),
    "credit_code": ("credit_code", "id"),
    "area": ("area_code", "name_pinyin", "id"),
    "kind": ("kind", "name_pinyin", "id"),
}


def latest_report(*, upto_year: int | None = None) -> QuerySet[AnnualReport]:
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
    latest = latest_report()

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
