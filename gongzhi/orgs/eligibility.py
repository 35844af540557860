"""The registry's rules as functions: report deadlines, evaluation eligibility, listing causes.

Thresholds come from `rules_config`; each rule cites its source. Services enforce these,
the organisation page shows them, and tests pin them down.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from gongzhi.core.calendar import WorkCalendar
from gongzhi.orgs.models import (
    AnnualReport,
    CreditListing,
    ListingState,
    ListKind,
    Penalty,
    ReportResult,
    SocialOrg,
)
from gongzhi.orgs.rules_config import rules, serious_list_years


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def report_due(year: int) -> dt.date:
    """年度工作报告 on `year` is due by 31 May of the following year (config)."""
    config = rules()
    return dt.date(year + 1, config.report_due_month, config.report_due_day)


def last_due_report_year(on: dt.date) -> int:
    """The latest year whose report was due on or before `on`."""
    return on.year - 1 if on > report_due(on.year - 1) else on.year - 2


def grade_for(score: int) -> int | None:
    """The grade (1–5) a score earns under the configured cut-offs, None below 1A."""
    for grade, cutoff in sorted(rules().grade_cutoffs.items(), reverse=True):
        if score >= cutoff:
            return grade
    return None


def in_force_listings(org: SocialOrg, on: dt.date) -> list[CreditListing]:
    return [
        entry
        for entry in org.listings.filter(state=ListingState.CONFIRMED, listed_on__lte=on)
        if entry.removed_on is None or entry.removed_on > on
    ]


def _report_failed(report: AnnualReport | None) -> bool:
    return report is None or report.result in (ReportResult.NOT_SUBMITTED, ReportResult.UNQUALIFIED)


def evaluation_refusals(org: SocialOrg, on: dt.date) -> list[str]:
    """Why `org` may not be evaluated on `on` (empty: eligible). DOMAIN.md § Social
    organisations and 民政部令39号 art. 8."""
    config = rules()
    reasons: list[str] = []
    if org.status != "normal":
        reasons.append(_("组织已注销或撤销"))
    years = config.evaluation_min_years_registered
    if add_years(org.registered_on, years) > on:
        reasons.append(_("登记（备案）未满%(n)d个完整年度") % {"n": years})
    last = last_due_report_year(on)
    reports = {r.year: r for r in org.annual_reports.filter(year__in=[last, last - 1])}
    if last >= org.registered_on.year:
        if _report_failed(reports.get(last)):
            reasons.append(_("%(y)d年度工作报告未报或不合格") % {"y": last})
        previous = reports.get(last - 1)
        current = reports.get(last)
        if (
            current is not None
            and previous is not None
            and current.result == ReportResult.BASIC
            and previous.result == ReportResult.BASIC
        ):
            reasons.append(_("连续2年年度工作报告基本合格"))
    penalised = Penalty.objects.filter(
        org=org, decided_on__gte=dt.date(on.year - 1, 1, 1), decided_on__lte=on
    ).exists()
    if penalised:
        reasons.append(_("上一年度以来受到行政处罚"))
    for entry in in_force_listings(org, on):
        reasons.append(
            _("已列入%(list)s（%(date)s）")
            % {"list": entry.get_list_kind_display(), "date": entry.listed_on.isoformat()}
        )
    return reasons


def missing_report(org: SocialOrg, year: int, today: dt.date) -> bool:
    """民政部令60号 art. 4(1): an organisation that has not filed its report on `year` by the
    deadline meets a cause for the anomaly list. Community filings report to their street,
    not under this rule."""
    if org.kind == "community" or today <= report_due(year):
        return False
    if org.registered_on > dt.date(year, 12, 31):
        return False
    if org.deregistered_on is not None and org.deregistered_on <= report_due(year):
        return False
    report = org.annual_reports.filter(year=year).first()
    return report is None or not report.submitted or report.submitted_on > report_due(year)  # type: ignore[operator]


def promotion_due(entry: CreditListing, today: dt.date) -> bool:
    """民政部令60号 art. 11(1): on the anomaly list for two years → serious list (for review)."""
    return (
        entry.list_kind == ListKind.ANOMALY
        and entry.in_force
        and add_years(entry.listed_on, rules().anomaly_years_to_serious) <= today
    )


def removal_due_by(entry: CreditListing, cal: WorkCalendar | None = None) -> dt.date | None:
    """民政部令60号 art. 7: removal within 5 working days of verified rectification — working
    days of the loaded holiday notice (statutory holidays off, 调休 weekend days on)."""
    if entry.rectified_on is None:
        return None
    return (cal or WorkCalendar()).add_working_days(
        entry.rectified_on, rules().delist_within_working_days
    )


def serious_term_ends(entry: CreditListing) -> dt.date | None:
    """民政部令60号: the day an entry leaves 严重违法失信名单 — five years after it was listed
    unless the law sets another term for its cause (rules_config). None for the anomaly list."""
    if entry.list_kind != ListKind.SERIOUS:
        return None
    return add_years(entry.listed_on, serious_list_years(entry.cause))


def serious_term_ended(entry: CreditListing, today: dt.date) -> bool:
    end = serious_term_ends(entry)
    return entry.in_force and end is not None and end <= today


def flags(org: SocialOrg, today: dt.date) -> list[dict[str, Any]]:
    """What the page should warn about: causes met and deadlines passed."""
    out: list[dict[str, Any]] = []
    year = last_due_report_year(today)
    if org.status == "normal" and missing_report(org, year, today):
        out.append(
            {
                "cause": "no_annual_report",
                "text": _("未按时报送%(y)d年度工作报告，符合列入活动异常名录情形") % {"y": year},
            }
        )
    entries = list(org.listings.prefetch_related("promotions"))
    cal = WorkCalendar()
    rectified = [e.rectified_on for e in entries if e.in_force and e.rectified_on]
    if rectified:  # every year the deadlines touch, in one query
        cal.preload(min(rectified), max(rectified) + dt.timedelta(days=60))
    for entry in entries:
        if promotion_due(entry, today) and not entry.promotions.all():
            out.append(
                {
                    "cause": "anomaly_two_years",
                    "text": _("列入活动异常名录已满2年，应提请列入严重违法失信名单"),
                }
            )
        if serious_term_ended(entry, today):
            out.append(
                {
                    "cause": "serious_term_ended",
                    "text": _("列入严重违法失信名单已于%(d)s期满，应移出")
                    % {"d": serious_term_ends(entry).isoformat()},  # type: ignore[union-attr]
                }
            )
        due = removal_due_by(entry, cal) if entry.in_force else None
        if due is not None and today > due:
            out.append(
                {
                    "cause": "removal_overdue",
                    "text": _("整改已核实，应于%(d)s前移出名录") % {"d": due.isoformat()},
                }
            )
    return out
