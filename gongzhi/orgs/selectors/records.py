"""Registry lists and single records, through the scope rule (the catalogue: selectors/__init__)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
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


BUILD_FLAGS = ("has_party_org", "has_union", "has_youth_league", "has_women_federation")
FIGURES = ("current_grade", "on_serious", "on_anomaly", *BUILD_FLAGS)
# The columns the list page shows: rows read for it load only these (no decryption, no texts).
LIST_COLUMNS = ("name", "credit_code", "kind", "registered_on", "status", "area__name")


def status_figures(today: dt.date | None = None, names: Iterable[str] = FIGURES) -> dict[str, Any]:
    """The list's derived columns (those in `names`) as SQL: grade in force, listing in force,
    the latest report's flags."""
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
    out: dict[str, Any] = {}
    for name in names:
        if name == "current_grade":
            out[name] = Subquery(grade, output_field=IntegerField())
        elif name == "on_serious":
            out[name] = Exists(in_force.filter(list_kind=ListKind.SERIOUS))
        elif name == "on_anomaly":
            out[name] = Exists(in_force.filter(list_kind=ListKind.ANOMALY))
        else:
            out[name] = Subquery(latest.values(name)[:1], output_field=BooleanField())
    return out


def with_status_figures(qs: QuerySet[SocialOrg], today: dt.date | None = None) -> QuerySet:
    return qs.annotate(**status_figures(today))


def annotate_rows(
    rows: Any, today: dt.date | None = None, *, columns: Iterable[str] | None = None
) -> list[SocialOrg]:
    """One page of organisations (or their ids), in the page's order, with the derived columns
    of `org_list(annotate=True)` set on each. A list page filters and sorts without them and
    reads them here for the rows it shows only — three plain look-ups by id, which cost less
    to build than seven correlated subqueries. `columns` limits the organisation's own columns
    read (LIST_COLUMNS for the page)."""
    today = today or timezone.localdate()
    ids = [getattr(o, "pk", o) for o in rows]
    qs = SocialOrg.objects.filter(pk__in=ids)
    qs = (
        qs.select_related("area").only(*columns)
        if columns
        else qs.select_related("area", "authority")
    )
    by_id = {o.pk: o for o in qs}
    for o in by_id.values():
        o.current_grade = None  # type: ignore[attr-defined]
        o.on_serious = o.on_anomaly = False  # type: ignore[attr-defined]
        for flag in BUILD_FLAGS:
            setattr(o, flag, None)
    if by_id:
        # Ascending, so the last one read wins: the latest grade in force, the latest report.
        grades = Evaluation.objects.filter(
            org_id__in=ids, evaluated_on__lte=today, valid_until__gt=today
        ).order_by("org_id", "evaluated_on", "id")
        for org_id, grade in grades.values_list("org_id", "grade"):
            by_id[org_id].current_grade = grade  # type: ignore[attr-defined]
        listed = CreditListing.objects.filter(
            org_id__in=ids, state=ListingState.CONFIRMED, removed_on__isnull=True
        ).order_by()  # (the model's ordering would join the organisations)
        for org_id, kind in listed.values_list("org_id", "list_kind"):
            setattr(by_id[org_id], "on_serious" if kind == ListKind.SERIOUS else "on_anomaly", True)
        reports = (
            AnnualReport.objects.filter(org_id__in=ids, submitted_on__isnull=False)
            .exclude(result=ReportResult.NOT_SUBMITTED)
            .order_by("org_id", "year")
        )
        for org_id, *flags in reports.values_list("org_id", *BUILD_FLAGS):
            for flag, value in zip(BUILD_FLAGS, flags, strict=True):
                setattr(by_id[org_id], flag, value)
    return [by_id[i] for i in ids if i in by_id]


def _figures_needed(grade: Any, listing: str, has_party_org: bool | None, build: str) -> set[str]:
    """The derived columns the filters asked for read: only those are built (each costs)."""
    needed: set[str] = set()
    if grade:
        needed.add("current_grade")
    if listing in ("serious", "any", "none"):
        needed.add("on_serious")
    if listing in ("anomaly", "any", "none"):
        needed.add("on_anomaly")
    if has_party_org is not None:
        needed.add("has_party_org")
    if build in BUILD_FLAGS:
        needed.add(build)
    elif build == "all_four":
        needed.update(BUILD_FLAGS)
    return needed


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
    """With `annotate=False` the derived columns the filters need are SQL aliases only;
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
    if annotate:
        qs = qs.annotate(**status_figures(today))
    else:
        needed = _figures_needed(grade, listing, has_party_org, build)
        if needed:
            qs = qs.alias(**status_figures(today, needed))
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
    if build in BUILD_FLAGS:
        qs = qs.filter(**{build: True})
    elif build == "all_four":
        qs = qs.filter(**dict.fromkeys(BUILD_FLAGS, True))
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
