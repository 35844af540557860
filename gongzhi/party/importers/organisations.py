"""Spreadsheet imports: `gongzhi import party-orgs FILE`.

Party organisations are matched by name; members by the blind index of their ID number,
so re-importing the same file changes nothing and no ID number is compared in clear.
"""

from __future__ import annotations

from typing import Any, ClassVar

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
)
from gongzhi.orgs.models import SocialOrg
from gongzhi.party import rules_config
from gongzhi.party.importers.common import codes, in_scope
from gongzhi.party.models import (
    BuiltBy,
    PartyOrg,
    PartyOrgCoverage,
    PartyOrgKind,
    RegionalKind,
)


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
        area_codes = {r["area_code"] for r in rows} | {
            r["served_area_code"] for r in rows if r["served_area_code"]
        }
        self.areas = {a.code: a for a in Area.objects.filter(code__in=area_codes)}
        credit = {c for r in rows for c in codes(r["covered_codes"])}
        self.orgs = {o.credit_code: o for o in SocialOrg.objects.filter(credit_code__in=credit)}
        names = {r["parent_name"] for r in rows if r["parent_name"]}
        self.file_names = {r["name"] for r in rows}
        self.parents = {p.name: p for p in PartyOrg.objects.filter(name__in=names)}

    def clean_row(self, data: dict[str, Any]) -> dict[str, Any]:
        rules = rules_config.current()
        area = self.areas.get(data["area_code"])
        if area is None:
            raise RowInvalid("area_code", _("区划代码不存在"))
        if not in_scope(self.actor, area.code):
            raise RowInvalid("area_code", _("不在您的管辖范围内"))
        data["area"] = area
        served = data["served_area_code"]
        data["served_area"] = self.areas.get(served) if served else None
        if served and data["served_area"] is None:
            raise RowInvalid("served_area_code", _("区划代码不存在"))
        if data["built_by"] == BuiltBy.REGIONAL and data["served_area"] is None:
            raise RowInvalid("served_area_code", _("区域组建的综合党组织须填写服务区域"))
        covered = codes(data["covered_codes"])
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
