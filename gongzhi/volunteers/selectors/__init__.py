"""Every read of the volunteers app that a page, API or export uses, through the scope rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import timezone

from gongzhi.core import pii
from gongzhi.core.scope import get_or_404, restrict
from gongzhi.core.textkeys import search_variants
from gongzhi.volunteers.models import (
    Activity,
    Certificate,
    CertificateStatus,
    Enrollment,
    EnrollmentStatus,
    EntrySource,
    EntryStatus,
    HoursEntry,
    Shift,
    Team,
    Volunteer,
)

# --- volunteers --------------------------------------------------------------------------


def volunteer_list(*, user: Any) -> QuerySet[Volunteer]:
    return restrict(Volunteer.objects.select_related("area"), user).order_by("number")


def volunteer_get(*, user: Any, pk: int) -> Volunteer:
    return get_or_404(
        Volunteer.objects.select_related("area", "user").prefetch_related(
            "qualifications", "trainings", "awards", "evaluations__team"
        ),
        user,
        pk=pk,
    )


def volunteer_get_by_number(*, user: Any, number: str) -> Volunteer:
    return get_or_404(Volunteer.objects.select_related("area"), user, number=number)


def volunteer_of(user: Any) -> Volunteer | None:
    """The volunteer profile linked to this account (self-service pages), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_volunteer_profile", None)
    if cached is None:
        cached = (
            Volunteer.objects.select_related("area")
            .prefetch_related("qualifications")
            .filter(user=user)
            .first()
        )
        user._volunteer_profile = cached or False
    return cached or None


def _prefix(qs: QuerySet[Any], field: str, text: str) -> QuerySet[Any]:
    """A prefix look-up that uses a B-tree index on both databases.

    PostgreSQL: LIKE 'x%' uses the `varchar_pattern_ops` index Django adds for each
    db_index CharField. SQLite's LIKE is case-insensitive and never uses an index, so a
    byte-order range (BINARY collation) does the same job there.
    """
    if connection.vendor == "postgresql":
        return qs.filter(**{f"{field}__startswith": text})
    return qs.filter(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


NUMBER_RE = re.compile(r"^[Vv]\d{0,16}$")
ID_RE = re.compile(r"^(\d{17}[\dXx]|\d{15})$")
PHONE_RE = re.compile(r"^(\+86)?1\d{10}$")


def volunteer_search(*, user: Any, query: str, limit: int = 20) -> list[Volunteer]:
    """Search by volunteer number, name (Simplified/Traditional/pinyin/initials), phone tail,
    or a whole ID or phone number (blind-index equality).

    Designed for 1.1M rows: every branch is an index range scan with a LIMIT, never
    LIKE '%x%'. Four digits are a phone tail (index on phone_last4, area_code); "V..." a
    number prefix (unique index); Chinese text a prefix of the Simplified name (so Traditional
    input matches); latin letters a prefix of the full pinyin or of the initials. The scope
    filter (area_code prefix) is applied on top of the narrow index range.
    """
    q = (query or "").strip()
    if not q:
        return []
    base = restrict(Volunteer.objects.select_related("area"), user)
    simple, ascii_q = search_variants(q)
    parts: list[QuerySet[Volunteer]] = []
    compact = re.sub(r"[\s\-]", "", q)
    if ID_RE.match(compact):
        # A whole ID number: equality on its blind index (the number is never stored in clear).
        # The partial unique index serves queries that repeat its condition (SQLite).
        bidx = pii.bidx_for(compact, "id_number")
        parts.append(base.exclude(id_number_bidx="").filter(id_number_bidx=bidx))
    elif PHONE_RE.match(compact):
        parts.append(base.filter(phone_bidx=pii.bidx_for(compact, "phone")))
    elif q.isdecimal() and len(q) == 4:
        parts.append(base.filter(phone_last4=q))
    elif NUMBER_RE.match(q):
        parts.append(_prefix(base, "number", q.upper()))
    elif ascii_q and ascii_q == re.sub(r"\s", "", q.lower()):
        parts.append(_prefix(base, "name_initials", ascii_q))
        parts.append(_prefix(base, "name_pinyin", ascii_q))
    elif simple:
        parts.append(_prefix(base, "name_simplified", re.sub(r"\s", "", simple)))
    found: dict[int, Volunteer] = {}
    for part in parts:
        for v in part[:limit]:
            found.setdefault(v.pk, v)
        if len(found) >= limit:
            break
    return sorted(found.values(), key=lambda v: (v.name_pinyin, v.number))[:limit]


def volunteer_history(
    *, volunteer: Volunteer, period: str = "month", since: dt.date | None = None
) -> list[dict[str, Any]]:
    """Approved service time by month or year (reversals net out) from the ledger."""
    trunc = TruncMonth if period == "month" else TruncYear
    qs = HoursEntry.objects.filter(volunteer=volunteer, status=EntryStatus.APPROVED)
    if since:
        qs = qs.filter(service_date__gte=since)
    rows = (
        qs.annotate(p=trunc("service_date"))
        .values("p")
        .annotate(minutes=Sum("minutes"), entries=Count("id"))
        .order_by("-p")
    )
    return [
        {
            "period": r["p"],
            "minutes": r["minutes"],
            "hours": round(r["minutes"] / 60, 1),
            "entries": r["entries"],
        }
        for r in rows
    ]


def volunteer_entries(*, volunteer: Volunteer, limit: int = 50) -> QuerySet[HoursEntry]:
    """A volunteer's own latest ledger lines (their page uses the (volunteer, date) index)."""
    return (
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("team")
        .order_by("-service_date", "-id")[:limit]
    )


def _labels(choices: Any) -> dict[str, str]:
    """A choice field's labels translated once per call (`get_FOO_display` hashes every
    choice's lazy label on each call: ~0.2 ms a row on a 30-row page, docs/performance.md)."""
    return {value: str(label) for value, label in choices}


# What a ledger line on the page shows (a busy volunteer's page builds 31 lines and teams).
LEDGER_FIELDS = (
    "service_date",
    "team__name",
    "content",
    "reason",
    "minutes",
    "source",
    "status",
    "kind",
    "volunteer_id",
)


def volunteer_ledger(*, volunteer: Volunteer, page: int = 1, per_page: int = 30) -> dict[str, Any]:
    """One page of a volunteer's ledger, latest first, for their organisers' page.

    LIMIT/OFFSET along the (volunteer, service_date) index, one row more than the page to
    know whether there is an older page: no COUNT over a busy volunteer's whole ledger.
    Each line carries `source_label` and `status_label`.
    """
    page = max(1, page)
    start = (page - 1) * per_page
    rows = list(
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("team")
        .only(*LEDGER_FIELDS)
        .order_by("-service_date", "-id")[start : start + per_page + 1]
    )
    sources, statuses = _labels(EntrySource.choices), _labels(EntryStatus.choices)
    for e in rows:
        e.source_label = sources.get(e.source, e.source)  # type: ignore[attr-defined]
        e.status_label = statuses.get(e.status, e.status)  # type: ignore[attr-defined]
    return {
        "entries": rows[:per_page],
        "number": page,
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if len(rows) > per_page else None,
    }


# --- teams -------------------------------------------------------------------------------


def team_list(*, user: Any) -> QuerySet[Team]:
    # The id breaks ties between same-named teams: the API pages this list by offset.
    return restrict(Team.objects.select_related("area", "owner_org"), user).order_by("name", "id")


def team_get(*, user: Any, pk: int) -> Team:
    return get_or_404(Team.objects.select_related("area", "owner_org"), user, pk=pk)


def teams_of_volunteer(volunteer: Volunteer) -> QuerySet[Team]:
    return Team.objects.filter(
        members__volunteer=volunteer, members__left_on__isnull=True
    ).order_by("name")


# --- activities and shifts ---------------------------------------------------------------


def activity_list(*, user: Any) -> QuerySet[Activity]:
    return (
        restrict(Activity.objects.select_related("team", "area"), user)
        .annotate(shift_count=Count("shifts"))
        .order_by("-created_at", "-id")
    )


def activity_get(*, user: Any, pk: int) -> Activity:
    return get_or_404(
        Activity.objects.select_related("team", "area").prefetch_related("shifts"), user, pk=pk
    )


def shift_get(*, user: Any, pk: int) -> Shift:
    return get_or_404(Shift.objects.select_related("activity__team", "activity__area"), user, pk=pk)


def _with_counts(qs: QuerySet[Shift]) -> QuerySet[Shift]:
    return qs.annotate(
        enrolled=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ENROLLED)),
        waiting=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
    )


def open_shifts_for(*, volunteer: Volunteer | None, near: str | None = None) -> QuerySet[Shift]:
    """Published shifts not yet over, for volunteers looking for activities.

    Published activities are public offerings (like the verification page): a volunteer
    finds them anywhere in the city, nearest first — same community, street, county.
    """
    now = timezone.now()
    qs = _with_counts(
        Shift.objects.filter(
            activity__status=Activity.Status.PUBLISHED, ends_at__gt=now
        ).select_related("activity__team", "activity__area")
    )
    code = near or (volunteer.area_code if volunteer else "")
    if code:
        qs = qs.annotate(
            near_rank=Case(
                When(area_code__startswith=code[:12], then=Value(3)),
                When(area_code__startswith=code[:9], then=Value(2)),
                When(area_code__startswith=code[:6], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        ).order_by("-near_rank", "starts_at", "id")
    else:
        qs = qs.order_by("starts_at", "id")
    return qs


def open_shift_get(pk: int) -> Shift:
    from django.http import Http404

    shift = (
        _with_counts(Shift.objects.filter(activity__status=Activity.Status.PUBLISHED))
        .select_related("activity__team", "activity__area")
        .filter(pk=pk)
        .first()
    )
    if shift is None:
        raise Http404
    return shift


def shift_by_token(token: str) -> Shift:
    from django.http import Http404

    shift = Shift.objects.select_related("activity__team").filter(checkin_token=token).first()
    if shift is None:
        raise Http404
    return shift


def shift_enrollments(*, shift: Shift) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(shift=shift)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("volunteer")
        .order_by("status", "queued_at", "id")
    )


def enrollments_of(volunteer: Volunteer) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(volunteer=volunteer)
        .exclude(status=EnrollmentStatus.CANCELLED)
        .select_related("shift__activity__team")
        .order_by("-shift__starts_at", "-id")
    )


def enrollment_list(*, user: Any) -> QuerySet[Enrollment]:
    return restrict(
        Enrollment.objects.select_related("volunteer", "shift__activity"), user
    ).order_by("-queued_at")


def enrollment_get(*, user: Any, pk: int) -> Enrollment:
    return get_or_404(
        Enrollment.objects.select_related("volunteer", "shift__activity"), user, pk=pk
    )


# --- hours and certificates --------------------------------------------------------------


def hours_list(
    *, user: Any, status: str | None = None, team: Team | None = None
) -> QuerySet[HoursEntry]:
    qs = restrict(HoursEntry.objects.select_related("volunteer", "team", "shift"), user)
    if status:
        qs = qs.filter(status=status)
    if team is not None:
        qs = qs.filter(team=team)
    return qs.order_by("-service_date", "-id")


def hours_get(*, user: Any, pk: int) -> HoursEntry:
    return get_or_404(HoursEntry.objects.select_related("volunteer", "team"), user, pk=pk)


def certificate_list(*, user: Any) -> QuerySet[Certificate]:
    return restrict(Certificate.objects.select_related("team"), user).order_by("-id")


def certificate_get(*, user: Any, pk: int) -> Certificate:
    return get_or_404(Certificate.objects.select_related("team", "volunteer"), user, pk=pk)


def certificates_of(volunteer: Volunteer) -> QuerySet[Certificate]:
    return Certificate.objects.filter(volunteer=volunteer).order_by("-id")


def certificate_for_verification(number: str) -> Certificate | None:
    """Public: an issued or withdrawn certificate by number (the page shows no personal data)."""
    return (
        Certificate.objects.filter(number=number.strip().upper())
        .exclude(status=CertificateStatus.PUBLICISING)
        .first()
    )


# Split by concept; re-exported so callers keep `selectors.<name>`.
from gongzhi.volunteers.selectors.attendance import checkin_enrollment  # noqa: E402
from gongzhi.volunteers.selectors.privacy import (  # noqa: E402
    access_log,
    consent_outdated,
    personal_data,
    require_consent,
)
from gongzhi.volunteers.selectors.records import (  # noqa: E402
    award_list,
    complaint_by_token,
    complaint_get,
    complaint_list,
    complaints_by,
    correction_get,
    correction_list,
    evaluation_list,
    training_get,
    training_list,
    training_records,
    volunteer_for_record,
)

__all__ = [
    "access_log",
    "checkin_enrollment",
    "award_list",
    "complaint_by_token",
    "complaint_get",
    "complaint_list",
    "complaints_by",
    "consent_outdated",
    "correction_get",
    "correction_list",
    "evaluation_list",
    "personal_data",
    "require_consent",
    "training_get",
    "training_list",
    "training_records",
    "volunteer_for_record",
]
