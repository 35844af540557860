"""Scoped reads of Party records for pages, API and exports (every one through core.scope)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongzhi.core.scope import get_or_404, restrict
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.dates import quarter_key
from gongzhi.party.models import (
    Alliance,
    AllianceItem,
    CommunityReport,
    DuesPayment,
    Instructor,
    InstructorAssignment,
    OrgLifeRecord,
    PartyMember,
    PartyOrg,
    ServiceRecord,
    Transfer,
)


def active_members_q(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}joined_on__lte": on}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})
    )


def _text_filter(qs: QuerySet[Any], q: str | None, *fields: str) -> QuerySet[Any]:
    if not q:
        return qs
    cond = Q()
    for f in fields:
        cond |= Q(**{f"{f}__icontains": q.strip()})
    return qs.filter(cond)


# --- Party organisations --------------------------------------------------------------------


def party_org_list(
    *,
    user: Any,
    q: str | None = None,
    kind: str | None = None,
    within: str | None = None,
    include_dissolved: bool = False,
) -> QuerySet[PartyOrg]:
    today = timezone.localdate()
    qs = restrict(PartyOrg.objects.select_related("area", "parent", "served_area"), user)
    if not include_dissolved:
        qs = qs.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today))
    if kind:
        qs = qs.filter(kind=kind)
    if within:
        qs = qs.filter(area_code__startswith=within)
    qs = _text_filter(qs, q, "name")
    return qs.annotate(
        member_count=Count("members", filter=active_members_q(today, "members__"), distinct=True),
        coverage_count=Count(
            "coverages",
            filter=Q(coverages__ended_on__isnull=True) | Q(coverages__ended_on__gt=today),
            distinct=True,
        ),
    ).order_by("name", "id")


def party_org_get(*, user: Any, pk: Any) -> PartyOrg:
    return get_or_404(PartyOrg.objects.select_related("area", "parent", "served_area"), user, pk=pk)


def party_org_choices(*, user: Any) -> QuerySet[PartyOrg]:
    today = timezone.localdate()
    return restrict(PartyOrg.objects.all(), user).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=today)
    )


def social_org_choices(*, user: Any) -> QuerySet[SocialOrg]:
    return restrict(SocialOrg.objects.filter(deregistered_on__isnull=True), user)


def coverages_of(party_org: PartyOrg) -> QuerySet[Any]:
    return party_org.coverages.select_related("org").order_by("-started_on")


def posts_of(party_org: PartyOrg, on: dt.date | None = None) -> QuerySet[Any]:
    qs = party_org.posts.select_related("member").order_by("kind", "started_on")
    if on is not None:
        qs = qs.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
    return qs


# --- members ---------------------------------------------------------------------------------


def member_list(
    *,
    user: Any,
    party_org: PartyOrg | None = None,
    status: str | None = None,
    q: str | None = None,
    include_left: bool = False,
) -> QuerySet[PartyMember]:
    qs = restrict(PartyMember.objects.select_related("party_org", "employer"), user)
    if party_org is not None:
        qs = qs.filter(party_org=party_org)
    if status:
        qs = qs.filter(status=status)
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    return _text_filter(qs, q, "name").order_by("name", "id")


def member_get(*, user: Any, pk: Any) -> PartyMember:
    return get_or_404(PartyMember.objects.select_related("party_org", "employer"), user, pk=pk)


# --- organisational life -----------------------------------------------------------------


def life_record_list(
    *, user: Any, party_org: PartyOrg | None = None, kind: str | None = None
) -> QuerySet[OrgLifeRecord]:
    qs = restrict(OrgLifeRecord.objects.select_related("party_org"), user)
    if party_org is not None:
        qs = qs.filter(party_org=party_org)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(attendee_count=Count("attendees", distinct=True)).order_by("-held_on", "-id")


def life_record_get(*, user: Any, pk: Any) -> OrgLifeRecord:
    return get_or_404(OrgLifeRecord.objects.select_related("party_org", "recorded_by"), user, pk=pk)


# --- transfers -------------------------------------------------------------------------------


def transfer_list(*, user: Any, state: str | None = None) -> QuerySet[Transfer]:
    """Transfers the user's units send, plus those coming to an organisation the user sees."""
    own = restrict(Transfer.objects.all(), user).values("pk")
    receiving = party_org_choices(user=user).values("pk")
    qs = Transfer.objects.filter(Q(pk__in=own) | Q(to_org__in=receiving)).select_related(
        "member", "from_org", "to_org"
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-applied_on", "-id")


def transfer_get(*, user: Any, pk: Any) -> Transfer:
    """404 unless the user sees the sending side or the receiving organisation."""
    try:
        return transfer_list(user=user).get(pk=pk)
    except (Transfer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- dues ------------------------------------------------------------------------------------


def dues_list(
    *, user: Any, party_org: PartyOrg | None = None, month: dt.date | None = None
) -> QuerySet[DuesPayment]:
    qs = restrict(DuesPayment.objects.select_related("member", "party_org"), user)
    if party_org is not None:
        qs = qs.filter(party_org=party_org)
    if month is not None:
        qs = qs.filter(month=month.replace(day=1))
    return qs


# --- instructors -----------------------------------------------------------------------------


def instructor_list(*, user: Any) -> QuerySet[Instructor]:
    today = timezone.localdate()
    return restrict(Instructor.objects.select_related("area"), user).annotate(
        org_count=Count(
            "assignments",
            filter=Q(assignments__ended_on__isnull=True) | Q(assignments__ended_on__gt=today),
        )
    )


def instructor_get(*, user: Any, pk: Any) -> Instructor:
    return get_or_404(Instructor.objects.select_related("area"), user, pk=pk)


def assignment_list(*, user: Any, instructor: Instructor | None = None) -> QuerySet[Any]:
    qs = restrict(InstructorAssignment.objects.select_related("instructor", "org"), user)
    if instructor is not None:
        qs = qs.filter(instructor=instructor)
    return qs.order_by("-started_on")


# --- alliances and 双报到 -------------------------------------------------------------------


def alliance_list(*, user: Any) -> QuerySet[Alliance]:
    return restrict(Alliance.objects.select_related("area"), user).annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True)
    )


def alliance_get(*, user: Any, pk: Any) -> Alliance:
    return get_or_404(
        Alliance.objects.select_related("area").prefetch_related(
            "members__party_org", "members__social_org"
        ),
        user,
        pk=pk,
    )


def item_list(*, user: Any, alliance: Alliance | None = None) -> QuerySet[AllianceItem]:
    qs = AllianceItem.objects.select_related(
        "claimed_by_member__party_org",
        "claimed_by_member__social_org",
        "claimed_by_party_org",
        "community",
    )
    if alliance is not None:
        # The alliance itself was reached through the scope rule; its lists go with it.
        return qs.filter(alliance=alliance)
    return restrict(qs, user)


def report_list(*, user: Any) -> QuerySet[CommunityReport]:
    return restrict(
        CommunityReport.objects.select_related("community", "party_org", "member", "employer"), user
    )


def service_list(*, user: Any) -> QuerySet[ServiceRecord]:
    """双报到 service records in scope (by the community, or the reporting Party org)."""
    return restrict(ServiceRecord.objects.all(), user)


def service_rollup(*, user: Any, year: int) -> list[dict[str, Any]]:
    """双报到 service reported back to each employer, per quarter of `year`."""
    # Grouped by quarter in Python: a quarter is not a portable SQL function.
    hours: dict[tuple[Any, str], dict[str, Any]] = {}
    records = (
        service_list(user=user)
        .filter(served_on__year=year)
        .values_list("report__employer_id", "report__employer__name", "served_on", "hours")
    )
    out: dict[Any, dict[str, Any]] = defaultdict(dict)
    for employer_id, employer_name, served_on, h in records:
        key = (employer_id, quarter_key(served_on))
        cell = hours.setdefault(key, {"services": 0, "hours": Decimal("0")})
        cell["services"] += 1
        cell["hours"] += h
        out[employer_id]["employer"] = employer_name or ""
    result = []
    for employer_id, info in out.items():
        quarters = {
            f"{year}Q{q}": hours.get((employer_id, f"{year}Q{q}"), {"services": 0, "hours": 0})
            for q in range(1, 5)
        }
        result.append(
            {"employer_id": employer_id, "employer": info["employer"], "quarters": quarters}
        )
    return sorted(result, key=lambda r: r["employer"])


def scope_areas(*, user: Any) -> QuerySet[Any]:
    """Areas the user may place a Party organisation in."""
    from gongzhi.areas.models import Area

    return restrict(Area.objects.all(), user)


# --- pages that write: choices and single records reached through the scope rule -----------


def social_orgs_without_party_org(*, user: Any, on: dt.date | None = None) -> QuerySet[SocialOrg]:
    """Organisations in scope not covered by an active Party organisation (for instructors)."""
    from gongzhi.party.selectors.coverage import coverage_exists

    return social_org_choices(user=user).exclude(coverage_exists(on or timezone.localdate()))


def coverage_get(*, party_org: PartyOrg, pk: Any) -> Any:
    """A coverage of an organisation the user reached through the scope rule."""
    try:
        return party_org.coverages.select_related("org", "party_org").get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assignment_get(*, user: Any, pk: Any) -> InstructorAssignment:
    return get_or_404(InstructorAssignment.objects.select_related("instructor", "org"), user, pk=pk)


def community_choices() -> QuerySet[Any]:
    """Communities (村/社区) a unit may report to: reference data, anywhere in the city."""
    from gongzhi.areas.models import Area

    return Area.objects.filter(kind="community").order_by("code")


def report_get(*, user: Any, pk: Any) -> CommunityReport:
    return get_or_404(
        CommunityReport.objects.select_related("community", "party_org", "member", "employer"),
        user,
        pk=pk,
    )


def community_needs(*, community: Any) -> QuerySet[AllianceItem]:
    """A community's needs list (双报到): reached through a report to that community."""
    return AllianceItem.objects.filter(community=community, alliance__isnull=True).select_related(
        "claimed_by_party_org"
    )


def need_list(*, user: Any) -> QuerySet[AllianceItem]:
    """Community needs in the user's scope (by the community, or claimed by their Party org)."""
    return restrict(
        AllianceItem.objects.filter(community__isnull=False, alliance__isnull=True).select_related(
            "community", "claimed_by_party_org"
        ),
        user,
    )


def services_of(report: CommunityReport) -> QuerySet[ServiceRecord]:
    return report.services.select_related("item").order_by("-served_on", "-id")
