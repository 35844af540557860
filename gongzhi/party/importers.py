"""Spreadsheet imports: `gongzhi import party-orgs FILE` and `gongzhi import party-members FILE`.

Party organisations are matched by name; members by the blind index of their ID number,
so re-importing the same file changes nothing and no ID number is compared in clear.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area
from gongzhi.core import registry
from gongzhi.core.imports import (
    Column,
    Counts,
    Importer,
    RowInvalid,
    p_bool,
    p_choice,
    p_date,
    p_int,
    p_str,
)
from gongzhi.core.pii import bidx_for
from gongzhi.core.scope import scope_of
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import rules_config
from gongzhi.party.models import (
    BuiltBy,
    DuesCategory,
    Gender,
    MemberStatus,
    PartyMember,
    PartyOrg,
    PartyOrgCoverage,
    PartyOrgKind,
    RegionalKind,
)
from gongzhi.party.services.history import bulk_history_for, history_sync
from gongzhi.party.services.members import check_id_number, milestone_errors

_SPLIT = re.compile(r"[;；,，、\s]+")


def _codes(value: Any) -> list[str]:
    return [c for c in _SPLIT.split(p_str(value).upper()) if c]


def _in_scope(actor: Any, code: str) -> bool:
    # The command line acts for the whole city; a signed-in user only inside their units.
    if not getattr(actor, "is_authenticated", False):
        return True
    return scope_of(actor).covers_area(code)


@registry.register_importer
class PartyOrgImporter(Importer):
    kind = "party-orgs"
    label = gettext_lazy("党组织")
    permission = "party.import"
    key = ("name",)
    columns: ClassVar[list[Column]] = [
        Column("name", "名称", required=True),
        Column("kind", "类型", parse=p_choice(PartyOrgKind), required=True),
        Column("built_by", "组建方式", parse=p_choice(BuiltBy), required=True),
        Column("regional_kind", "区域类型", parse=p_choice(RegionalKind)),
        Column("area_code", "所在区划代码", required=True),
        Column("served_area_code", "服务区域代码", help=gettext_lazy("区域组建时填写")),
        Column("parent_name", "上级党组织"),
        Column(
            "covered_codes",
            "覆盖社会组织信用代码",
            help=gettext_lazy("多个用分号分隔；联合党支部至多五个"),
        ),
        Column("established_on", "成立日期", parse=p_date, required=True),
        Column("dissolved_on", "撤销日期", parse=p_date),
        Column("term_started_on", "本届任期开始", parse=p_date),
        Column("term_years", "任期（年）", parse=p_int),
        Column("village_or_community", "村（社区）党组织", parse=p_bool),
        Column("party_groups", "党小组数", parse=p_int),
    ]

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        codes = {r["area_code"] for r in rows} | {
            r["served_area_code"] for r in rows if r["served_area_code"]
        }
        self.areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
        credit = {c for r in rows for c in _codes(r["covered_codes"])}
        self.orgs = {o.credit_code: o for o in SocialOrg.objects.filter(credit_code__in=credit)}
        names = {r["parent_name"] for r in rows if r["parent_name"]}
        self.file_names = {r["name"] for r in rows}
        self.parents = {p.name: p for p in PartyOrg.objects.filter(name__in=names)}

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        rules = rules_config.current()
        area = self.areas.get(data["area_code"])
        if area is None:
            raise RowInvalid("area_code", _("区划代码不存在"))
        if not _in_scope(self.actor, area.code):
            raise RowInvalid("area_code", _("不在您的管辖范围内"))
        data["area"] = area
        served = data["served_area_code"]
        data["served_area"] = self.areas.get(served) if served else None
        if served and data["served_area"] is None:
            raise RowInvalid("served_area_code", _("区划代码不存在"))
        if data["built_by"] == BuiltBy.REGIONAL and data["served_area"] is None:
            raise RowInvalid("served_area_code", _("区域组建的综合党组织须填写服务区域"))
        covered = _codes(data["covered_codes"])
        missing = [c for c in covered if c not in self.orgs]
        if missing:
            raise RowInvalid(
                "covered_codes", _("社会组织不存在：%(c)s") % {"c": "、".join(missing)}
            )
        if (
            data["kind"] == PartyOrgKind.JOINT_BRANCH
            and len(covered) > rules.joint_branch_max_units
        ):
            raise RowInvalid(
                "covered_codes",
                _("联合党支部覆盖的单位不得超过 %(n)d 个") % {"n": rules.joint_branch_max_units},
            )
        if data["built_by"] == BuiltBy.SINGLE and len(covered) > 1:
            raise RowInvalid("covered_codes", _("单独组建的党组织只覆盖一个社会组织"))
        data["covered"] = [self.orgs[c] for c in covered]
        parent = data["parent_name"]
        if parent and parent not in self.parents and parent not in self.file_names:
            raise RowInvalid("parent_name", _("上级党组织不存在"))
        if data["dissolved_on"] and data["dissolved_on"] < data["established_on"]:
            raise RowInvalid("dissolved_on", _("撤销日期不能早于成立日期"))
        return data

    def _values(self, data: dict[str, Any]) -> dict[str, Any]:
        rules = rules_config.current()
        village = bool(data["village_or_community"])
        default_term = rules.term_years_village_community if village else rules.term_years
        return {
            "kind": data["kind"],
            "built_by": data["built_by"],
            "regional_kind": data["regional_kind"] or "",
            "area_id": data["area"].pk,
            "area_code": data["area"].code,
            "served_area_id": data["served_area"].pk if data["served_area"] else None,
            "established_on": data["established_on"],
            "dissolved_on": data["dissolved_on"],
            "term_started_on": data["term_started_on"] or data["established_on"],
            "term_years": data["term_years"] or default_term,
            "village_or_community": village,
            "party_groups": data["party_groups"] or 0,
        }

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        existing = {p.name: p for p in PartyOrg.objects.filter(name__in=[r["name"] for r in rows])}
        create: list[PartyOrg] = []
        update: list[PartyOrg] = []
        changed: set[str] = set()
        touched: set[str] = set()
        for data in rows:
            values = self._values(data)
            org = existing.get(data["name"])
            if org is None:
                org = PartyOrg(name=data["name"], **values)
                org.fill_derived()
                create.append(org)
                existing[org.name] = org
                continue
            before = org.election_due_on
            diff = {f: v for f, v in values.items() if getattr(org, f) != v}
            for f, v in diff.items():
                setattr(org, f, v)
            org.fill_derived()
            if diff or org.election_due_on != before:
                changed.update(diff, {"election_due_on", "term_years"})
                update.append(org)
                touched.add(org.name)
        PartyOrg.objects.bulk_create(create, batch_size=500)
        if update:
            PartyOrg.objects.bulk_update(update, sorted(changed), batch_size=500)
        # Parents may be rows of the same file: resolved once every row has an id.
        parents = []
        for data in rows:
            org = existing[data["name"]]
            parent = existing.get(data["parent_name"]) or self.parents.get(data["parent_name"])
            parent_id = parent.pk if parent else None
            if org.parent_id != parent_id:
                org.parent_id = parent_id
                parents.append(org)
                touched.add(org.name)
        if parents:
            PartyOrg.objects.bulk_update(parents, ["parent"], batch_size=500)
        touched |= self._sync_coverage(rows, existing)
        counts.inserted = len(create)
        created = {o.name for o in create}
        counts.updated = len(touched - created)
        counts.unchanged = len(rows) - counts.inserted - counts.updated
        return counts

    def _sync_coverage(self, rows: list[dict[str, Any]], orgs: dict[str, PartyOrg]) -> set[str]:
        """Open the listed coverages, end the ones no longer listed. Returns changed names."""
        today = timezone.localdate()
        ids = [orgs[r["name"]].pk for r in rows]
        active: dict[int, dict[int, PartyOrgCoverage]] = {}
        for c in PartyOrgCoverage.objects.filter(party_org_id__in=ids, ended_on__isnull=True):
            active.setdefault(c.party_org_id, {})[c.org_id] = c
        new: list[PartyOrgCoverage] = []
        ended: list[PartyOrgCoverage] = []
        changed: set[str] = set()
        for data in rows:
            org = orgs[data["name"]]
            current = active.get(org.pk, {})
            wanted = {o.pk for o in data["covered"]}
            for org_id in wanted - set(current):
                new.append(
                    PartyOrgCoverage(
                        party_org=org, org_id=org_id, started_on=data["established_on"]
                    )
                )
                changed.add(org.name)
            for org_id in set(current) - wanted:
                cov = current[org_id]
                cov.ended_on = max(today, cov.started_on)
                ended.append(cov)
                changed.add(org.name)
        PartyOrgCoverage.objects.bulk_create(new, batch_size=1000)
        if ended:
            PartyOrgCoverage.objects.bulk_update(ended, ["ended_on"], batch_size=1000)
        return changed


@registry.register_importer
class PartyMemberImporter(Importer):
    kind = "party-members"
    label = gettext_lazy("党员")
    permission = "party.import"
    key = ("id_bidx",)
    columns: ClassVar[list[Column]] = [
        Column("name", "姓名", required=True),
        Column("id_number", "公民身份号码", required=True, pii="id_number"),
        Column("gender", "性别", parse=p_choice(Gender)),
        Column("ethnicity", "民族"),
        Column("birth_date", "出生日期", parse=p_date),
        Column("phone", "联系电话", pii="phone"),
        Column("status", "党员状态", parse=p_choice(MemberStatus), required=True),
        Column("applied_on", "申请入党日期", parse=p_date),
        Column("activist_on", "确定积极分子日期", parse=p_date),
        Column("candidate_on", "确定发展对象日期", parse=p_date),
        Column("admitted_on", "入党日期", parse=p_date, required=True),
        Column("became_formal_on", "转正日期", parse=p_date),
        Column("probation_extension_months", "延长预备期（月）", parse=p_int),
        Column("party_org_name", "所在党组织", required=True),
        Column("employer_code", "工作单位信用代码"),
        Column("joined_on", "加入日期", parse=p_date),
        Column("left_on", "离开日期", parse=p_date),
        Column("left_reason", "离开原因"),
        Column("dues_category", "党费缴纳类别", parse=p_choice(DuesCategory)),
    ]
    FIELDS = (
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "id_number",
        "phone",
        "status",
        "applied_on",
        "activist_on",
        "candidate_on",
        "admitted_on",
        "became_formal_on",
        "probation_extension_months",
        "party_org_id",
        "area_code",
        "employer_id",
        "joined_on",
        "left_on",
        "left_reason",
        "dues_category",
    )

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        names = {r["party_org_name"] for r in rows}
        self.party_orgs = {p.name: p for p in PartyOrg.objects.filter(name__in=names)}
        codes = {p_str(r["employer_code"]).upper() for r in rows if r["employer_code"]}
        self.employers = {o.credit_code: o for o in SocialOrg.objects.filter(credit_code__in=codes)}

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        from stdnum.cn import ric

        try:
            data["id_number"] = check_id_number(data["id_number"])
        except ValidationError:
            raise RowInvalid("id_number", _("公民身份号码无效")) from None
        data["id_bidx"] = bidx_for(data["id_number"], "id_number")
        born = ric.get_birth_date(data["id_number"])
        if data["birth_date"] and data["birth_date"] != born:
            raise RowInvalid("birth_date", _("出生日期与公民身份号码不一致"))
        data["birth_date"] = born
        org = self.party_orgs.get(data["party_org_name"])
        if org is None:
            raise RowInvalid("party_org_name", _("党组织不存在，请先导入党组织"))
        if not _in_scope(self.actor, org.area_code):
            raise RowInvalid("party_org_name", _("不在您的管辖范围内"))
        data["party_org"] = org
        employer = None
        if data["employer_code"]:
            employer = self.employers.get(p_str(data["employer_code"]).upper())
            if employer is None:
                raise RowInvalid("employer_code", _("社会组织不存在"))
        data["employer"] = employer
        if data["status"] == MemberStatus.FORMAL and not data["became_formal_on"]:
            raise RowInvalid("became_formal_on", _("正式党员须填写转正日期"))
        if data["status"] == MemberStatus.PROBATIONARY and data["became_formal_on"]:
            raise RowInvalid("became_formal_on", _("预备党员不应有转正日期"))
        rules = rules_config.current()
        ext = data["probation_extension_months"] or 0
        if (
            ext
            and not rules.probation_extension_min_months
            <= ext
            <= rules.probation_extension_max_months
        ):
            raise RowInvalid("probation_extension_months", _("延长预备期应为 6 至 12 个月"))
        errors = milestone_errors(
            {
                k: data[k]
                for k in (
                    "applied_on",
                    "activist_on",
                    "candidate_on",
                    "admitted_on",
                    "became_formal_on",
                )
            },
            born,
        )
        if errors:
            column, reason = next(iter(errors.items()))
            raise RowInvalid(column, reason)
        joined = data["joined_on"] or data["admitted_on"]
        if data["left_on"] and data["left_on"] < joined:
            raise RowInvalid("left_on", _("离开日期不能早于加入日期"))
        return data

    def _values(self, data: dict[str, Any]) -> dict[str, Any]:
        org = data["party_org"]
        return {
            "name": data["name"],
            "gender": data["gender"] or "",
            "ethnicity": data["ethnicity"] or "",
            "birth_date": data["birth_date"],
            "id_number": data["id_number"],
            "phone": data["phone"] or "",
            "status": data["status"],
            "applied_on": data["applied_on"],
            "activist_on": data["activist_on"],
            "candidate_on": data["candidate_on"],
            "admitted_on": data["admitted_on"],
            "became_formal_on": data["became_formal_on"],
            "probation_extension_months": data["probation_extension_months"] or 0,
            "party_org_id": org.pk,
            "area_code": org.area_code,
            "employer_id": data["employer"].pk if data["employer"] else None,
            "joined_on": data["joined_on"] or data["admitted_on"],
            "left_on": data["left_on"],
            "left_reason": data["left_reason"] or "",
            "dues_category": data["dues_category"] or DuesCategory.EMPLOYED,
        }

    def apply(self, rows: list[dict[str, Any]], actor: Any) -> Counts:
        counts = Counts()
        existing: dict[str, PartyMember] = {}
        keys = [r["id_bidx"] for r in rows]
        for start in range(0, len(keys), 1000):
            for m in PartyMember.objects.filter(id_number_bidx__in=keys[start : start + 1000]):
                existing[m.id_number_bidx] = m
        create: list[PartyMember] = []
        update: list[PartyMember] = []
        changed: set[str] = set()
        before: dict[int, tuple[int | None, dt.date, dt.date | None]] = {}
        for data in rows:
            values = self._values(data)
            member = existing.get(data["id_bidx"])
            if member is None:
                member = PartyMember(**values)
                member.joined_org_on = member.joined_on
                member.fill_derived(party_org_area_code=values["area_code"])
                create.append(member)
                continue
            diff = {f: v for f, v in values.items() if getattr(member, f) != v}
            if not diff:
                counts.unchanged += 1
                continue
            before[member.pk] = (member.party_org_id, member.joined_on, member.left_on)
            if "party_org_id" in diff:
                member.joined_org_on = timezone.localdate()
                changed.add("joined_org_on")
            for f, v in diff.items():
                setattr(member, f, v)
            member.fill_derived(party_org_area_code=values["area_code"])
            changed.update(diff, {"probation_ends_on", "phone_bidx"})
            update.append(member)
        PartyMember.objects.bulk_create(create, batch_size=500)
        if update:
            PartyMember.objects.bulk_update(update, sorted(changed), batch_size=500)
        # The dated history the "as of" figures read: new members get their first period,
        # changed ones a move (on the day of the import) or new start/end dates.
        bulk_history_for(create)
        for member in update:
            old_org, old_joined, old_left = before[member.pk]
            history_sync(
                member=member,
                old_party_org_id=old_org,
                old_joined_on=old_joined,
                old_left_on=old_left,
                on=member.joined_org_on,
            )
        counts.inserted, counts.updated = len(create), len(update)
        return counts
