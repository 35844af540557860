"""Writes for Party organisations, their coverage of social organisations, posts, instructors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.party import rules_config
from gongzhi.party.models import (
    BuiltBy,
    Instructor,
    InstructorAssignment,
    PartyOrg,
    PartyOrgCoverage,
    PartyOrgKind,
    PartyPost,
)
from gongzhi.party.services.editing import audited_update


def _snapshot(org: PartyOrg) -> dict[str, Any]:
    return {
        "name": org.name,
        "kind": org.kind,
        "built_by": org.built_by,
        "area": org.area_code,
        "parent": org.parent_id,
        "established_on": org.established_on,
        "dissolved_on": org.dissolved_on,
        "term_started_on": org.term_started_on,
        "term_years": org.term_years,
        "term_extension_months": org.term_extension_months,
    }


def _active_coverages(org: PartyOrg, on: dt.date) -> Any:
    return org.coverages.filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on)
    )


def _check_org(org: PartyOrg) -> None:
    rules = rules_config.current()
    errors: dict[str, str] = {}
    if org.built_by == BuiltBy.REGIONAL and not org.served_area_id:
        errors["served_area"] = _("区域组建的综合党组织须填写所服务的楼宇、商圈市场或小区")
    if org.built_by != BuiltBy.REGIONAL and org.regional_kind:
        errors["regional_kind"] = _("只有区域组建的党组织才有区域类型")
    if org.term_extension_months > rules.term_max_extension_months:
        # 基层组织选举工作条例 art. 4: an extension of at most one year.
        errors["term_extension_months"] = _("延期换届不得超过 %(n)d 个月") % {
            "n": rules.term_max_extension_months
        }
    if org.dissolved_on and org.dissolved_on < org.established_on:
        errors["dissolved_on"] = _("撤销日期不能早于成立日期")
    if org.parent_id and org.pk and org.parent_id == org.pk:
        errors["parent"] = _("上级党组织不能是自己")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def party_org_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    built_by: str,
    area: Any,
    established_on: dt.date,
    covered_orgs: list[Any] | None = None,
    served_area: Any = None,
    regional_kind: str = "",
    parent: PartyOrg | None = None,
    village_or_community: bool = False,
    party_groups: int = 0,
    term_started_on: dt.date | None = None,
    term_years: int | None = None,
    synthetic: bool = False,
) -> PartyOrg:
    org = PartyOrg(
        name=name.strip(),
        kind=kind,
        built_by=built_by,
        area=area,
        established_on=established_on,
        served_area=served_area,
        regional_kind=regional_kind,
        parent=parent,
        village_or_community=village_or_community,
        party_groups=party_groups,
        term_started_on=term_started_on or established_on,
        term_years=term_years,
        synthetic=synthetic,
    )
    if not org.name:
        raise ValidationError({"name": _("名称不能为空")})
    _check_org(org)
    org.save()
    for social_org in covered_orgs or []:
        coverage_add(actor=actor, party_org=org, org=social_org, started_on=established_on)
    audit.record(actor=actor, action="party.org.create", obj=org, after=_snapshot(org))
    return org


_EDITABLE = {
    "name",
    "kind",
    "built_by",
    "regional_kind",
    "parent",
    "served_area",
    "village_or_community",
    "party_groups",
    "term_started_on",
    "term_years",
    "term_extension_months",
    "dissolved_on",
}


@transaction.atomic
def party_org_update(*, actor: Any, party_org: PartyOrg, **changes: Any) -> PartyOrg:
    return audited_update(
        actor=actor,
        obj=party_org,
        changes=changes,
        editable=_EDITABLE,
        validate=_check_org,
        snapshot=_snapshot,
        action="party.org.update",
    )


@transaction.atomic
def party_org_new_term(
    *, actor: Any, party_org: PartyOrg, started_on: dt.date, term_years: int | None = None
) -> PartyOrg:
    """Record an election (换届): a new term starts, any extension ends."""
    before = _snapshot(party_org)
    party_org.term_started_on = started_on
    party_org.term_years = term_years
    party_org.term_extension_months = 0
    party_org.save()
    audit.record(
        actor=actor,
        action="party.org.election",
        obj=party_org,
        before=before,
        after=_snapshot(party_org),
    )
    return party_org


@transaction.atomic
def coverage_add(
    *, actor: Any, party_org: PartyOrg, org: Any, started_on: dt.date
) -> PartyOrgCoverage:
    rules = rules_config.current()
    active = _active_coverages(party_org, started_on)
    if active.filter(org=org).exists():
        raise ValidationError({"org": _("该社会组织已在本党组织覆盖范围内")})
    count = active.count()
    if party_org.kind == PartyOrgKind.JOINT_BRANCH and count >= rules.joint_branch_max_units:
        # 支部工作条例 art. 5: a joint branch covers at most five units.
        raise ValidationError(
            {
                "org": _("联合党支部覆盖的单位不得超过 %(n)d 个")
                % {"n": rules.joint_branch_max_units}
            }
        )
    if party_org.built_by == BuiltBy.SINGLE and count >= 1:
        raise ValidationError({"org": _("单独组建的党组织只覆盖一个社会组织")})
    coverage = PartyOrgCoverage.objects.create(party_org=party_org, org=org, started_on=started_on)
    audit.record(
        actor=actor,
        action="party.coverage.add",
        obj=party_org,
        after={"org": org.pk, "started_on": started_on},
    )
    return coverage


@transaction.atomic
def coverage_end(*, actor: Any, coverage: PartyOrgCoverage, ended_on: dt.date) -> None:
    if ended_on < coverage.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期")})
    coverage.ended_on = ended_on
    coverage.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action="party.coverage.end",
        obj=coverage.party_org,
        after={"org": coverage.org_id, "ended_on": ended_on},
    )


@transaction.atomic
def post_assign(
    *,
    actor: Any,
    party_org: PartyOrg,
    kind: str,
    person_name: str = "",
    member: Any = None,
    started_on: dt.date,
) -> PartyPost:
    rules = rules_config.current()
    active = party_org.posts.filter(started_on__lte=started_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on)
    )
    if active.count() >= rules.branch_committee_max_size:
        # 支部工作条例 art. 9: a branch committee has at most seven members.
        raise ValidationError(
            {"kind": _("委员会人数不得超过 %(n)d 人") % {"n": rules.branch_committee_max_size}}
        )
    if kind == "secretary" and active.filter(kind="secretary").exists():
        raise ValidationError({"kind": _("已有在任书记，请先办理离任")})
    name = person_name or (member.name if member is not None else "")
    if not name:
        raise ValidationError({"person_name": _("请填写姓名或选择党员")})
    post = PartyPost.objects.create(
        party_org=party_org, kind=kind, member=member, person_name=name, started_on=started_on
    )
    audit.record(
        actor=actor,
        action="party.post.assign",
        obj=party_org,
        after={"kind": kind, "person": name, "started_on": started_on},
    )
    return post


@transaction.atomic
def post_end(*, actor: Any, post: PartyPost, ended_on: dt.date) -> None:
    if ended_on < post.started_on:
        raise ValidationError({"ended_on": _("离任日期不能早于任职日期")})
    post.ended_on = ended_on
    post.save(update_fields=["ended_on"])
    audit.record(actor=actor, action="party.post.end", obj=post.party_org, after={"post": post.pk})


@transaction.atomic
def instructor_create(
    *, actor: Any, name: str, area: Any, phone: str = "", work_unit: str = ""
) -> Instructor:
    if not name.strip():
        raise ValidationError({"name": _("姓名不能为空")})
    instructor = Instructor.objects.create(
        name=name.strip(), area=area, phone=phone, work_unit=work_unit
    )
    audit.record(actor=actor, action="party.instructor.create", obj=instructor)
    return instructor


@transaction.atomic
def instructor_assign(
    *, actor: Any, instructor: Instructor, org: Any, started_on: dt.date
) -> InstructorAssignment:
    open_rows = InstructorAssignment.objects.filter(
        instructor=instructor, org=org, ended_on__isnull=True
    )
    if open_rows.exists():
        raise ValidationError({"org": _("该指导员已选派到此社会组织")})
    covered = PartyOrgCoverage.objects.filter(org=org, started_on__lte=started_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on)
    )
    if covered.filter(
        Q(party_org__dissolved_on__isnull=True) | Q(party_org__dissolved_on__gt=started_on)
    ).exists():
        # DOMAIN.md § party: instructors go to organisations without a Party organisation.
        raise ValidationError(
            {"org": _("“%(org)s”已有党组织，无需选派党建指导员") % {"org": org.name}}
        )
    assignment = InstructorAssignment.objects.create(
        instructor=instructor, org=org, started_on=started_on
    )
    audit.record(
        actor=actor,
        action="party.instructor.assign",
        obj=instructor,
        after={"org": org.pk, "started_on": started_on},
    )
    return assignment


@transaction.atomic
def instructor_assign_many(
    *, actor: Any, instructor: Instructor, orgs: list[Any], started_on: dt.date
) -> list[InstructorAssignment]:
    """One instructor to several organisations (一对多), all or none."""
    if not orgs:
        raise ValidationError({"orgs": _("请选择至少一个社会组织")})
    out = []
    for org in orgs:
        try:
            out.append(
                instructor_assign(
                    actor=actor, instructor=instructor, org=org, started_on=started_on
                )
            )
        except ValidationError as exc:
            raise ValidationError({"orgs": exc.message_dict.get("org", exc.messages)}) from None
    return out


@transaction.atomic
def instructor_assignment_end(
    *, actor: Any, assignment: InstructorAssignment, ended_on: dt.date
) -> None:
    if ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于选派日期")})
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    audit.record(
        actor=actor,
        action="party.instructor.end",
        obj=assignment.instructor,
        after={"org": assignment.org_id, "ended_on": ended_on},
    )
