"""Spreadsheet imports: `gongzhi import party-members FILE`.

Party organisations are matched by name; members by the blind index of their ID number,
so re-importing the same file changes nothing and no ID number is compared in clear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import registry
from gongzhi.core.imports import (
    Column,
    Counts,
    Importer,
    RowInvalid,
    p_choice,
    p_date,
    p_int,
    p_str,
)
from gongzhi.core.pii import bidx_for
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import rules_config
from gongzhi.party.importers.common import in_scope
from gongzhi.party.models import (
    DuesCategory,
    Gender,
    MemberStatus,
    PartyMember,
    PartyOrg,
)
from gongzhi.party.services.history import bulk_history_for, history_sync
from gongzhi.party.services.members import check_id_number, milestone_errors


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
        if not in_scope(self.actor, org.area_code):
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
