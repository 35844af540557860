"""Annual reports (年度工作报告): their rules and filing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.orgs.models import AnnualReport, ReportResult, SocialOrg
from gongzhi.orgs.services.common import actor_label, check_past, is_user, jsonable, require, today

REPORT_FIELDS = (
    "employees",
    "social_workers",
    "other_professionals",
    "volunteers",
    "income",
    "spending",
    "has_party_org",
    "no_party_org_reason",
    "party_instructor",
    "party_members",
    "party_activists",
    "has_union",
    "union_on",
    "has_youth_league",
    "youth_league_on",
    "has_women_federation",
    "women_federation_on",
)
# The report's head counts: whole numbers, never negative.
COUNT_FIELDS = (
    "employees",
    "social_workers",
    "other_professionals",
    "volunteers",
    "party_members",
    "party_activists",
)
BUILDS = (
    ("has_union", "union_on", _("工会")),
    ("has_youth_league", "youth_league_on", _("共青团组织")),
    ("has_women_federation", "women_federation_on", _("妇联组织")),
)


def check_report(
    org: SocialOrg, year: int, submitted_on: dt.date | None, result: str, data: dict[str, Any]
) -> None:
    """The annual report's own rules; raises ValidationError naming the field."""
    if year < org.registered_on.year:
        raise ValidationError(
            {"year": _("报告年度不能早于登记（备案）年度%(y)d") % {"y": org.registered_on.year}}
        )
    if year >= today().year:
        raise ValidationError({"year": _("%(y)d年度尚未结束，不能报送年度工作报告") % {"y": year}})
    if result and result not in ReportResult.values:
        raise ValidationError({"result": _("检查结论不是可选值")})
    if result == ReportResult.NOT_SUBMITTED:
        if submitted_on:
            raise ValidationError({"submitted_on": _("结论为“未报”时不应填写报送日期")})
        return
    if submitted_on is None:
        raise ValidationError({"submitted_on": _("请填写报送日期")})
    check_past(submitted_on, "submitted_on", _("报送日期"))
    if submitted_on <= dt.date(year, 12, 31):
        raise ValidationError({"submitted_on": _("报送日期应在报告年度结束之后")})
    for f in COUNT_FIELDS:
        if (data.get(f) or 0) < 0:
            raise ValidationError({f: _("不能为负数")})
    if (data.get("social_workers") or 0) + (data.get("other_professionals") or 0) > (
        data.get("employees") or 0
    ):
        raise ValidationError({"social_workers": _("持证社工与其他专业人才之和不能超过从业人员数")})
    if not data.get("has_party_org") and not (data.get("no_party_org_reason") or "").strip():
        raise ValidationError({"no_party_org_reason": _("未建立党组织的，请填写原因")})
    if data.get("has_party_org") and data.get("no_party_org_reason"):
        data["no_party_org_reason"] = ""
    for flag, date_field, label in BUILDS:
        built_on = data.get(date_field)
        if data.get(flag) and built_on is None:
            raise ValidationError({date_field: _("已建%(b)s的，请填写建立日期") % {"b": label}})
        if not data.get(flag) and built_on is not None:
            raise ValidationError({flag: _("填写了%(b)s建立日期，请勾选已建") % {"b": label}})
        if built_on is not None and built_on > dt.date(year, 12, 31):
            raise ValidationError({date_field: _("建立日期不能晚于报告年度末")})


@transaction.atomic
def report_file(
    *,
    actor: Any,
    org: SocialOrg,
    year: int,
    submitted_on: dt.date | None,
    result: str = "",
    **data: Any,
) -> AnnualReport:
    """File (or correct) the 年度工作报告 of `org` for `year`. The conclusion (`result`) is the
    registration authority's: an organisation's own administrator files without one."""
    unknown = set(data) - set(REPORT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    require(actor, "orgs.file_report", org)
    if result and is_user(actor) and not actor.has_perm("orgs.change_org", org):
        raise PermissionDenied(_("检查结论由登记管理机关填写"))
    check_report(org, year, submitted_on, result, data)
    report = AnnualReport.objects.select_for_update().filter(org=org, year=year).first()
    before = None
    if report is None:
        report = AnnualReport(org=org, year=year)
    else:
        before = {
            f: jsonable(getattr(report, f)) for f in ("submitted_on", "result", *REPORT_FIELDS)
        }
        if (
            not result
            and report.result
            and is_user(actor)
            and not actor.has_perm("orgs.change_org", org)
        ):
            raise ValidationError({"year": _("该年度报告已有检查结论，不能再修改")})
    report.submitted_on = submitted_on
    report.result = result or report.result
    for field in REPORT_FIELDS:
        value = data.get(field)
        default = AnnualReport._meta.get_field(field).get_default()  # type: ignore[union-attr]
        setattr(report, field, default if value is None else value)
    report.filed_by = actor_label(actor)
    report.full_clean(exclude=["org"], validate_unique=False, validate_constraints=False)
    report.save()
    audit.record(
        actor=actor,
        action="orgs.report_file",
        obj=report,
        before=before,
        after={
            f: jsonable(getattr(report, f))
            for f in ("year", "submitted_on", "result", *REPORT_FIELDS)
        },
    )
    return report
