"""Writing the planned city into the apps' tables (each app's derived fields filled as it does)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.utils import timezone

from gongzhi.areas.models import Area
from gongzhi.core.pii import bidx_for
from gongzhi.core.textkeys import pinyin_keys, to_simplified
from gongzhi.metrics.demo_city import targets as T
from gongzhi.metrics.demo_city.geography import Geography
from gongzhi.metrics.demo_city.writer import Progress, TableWriter, next_id, reset_sequences


@dataclass
class CityContext:
    rng: random.Random
    fake: Any
    geo: Geography
    tg: T.Targets
    scale: float
    progress: Progress | None = None
    seed: int = 2020
    workers: int = 1  # processes drawing volunteers (volunteer_load.drawn_chunks)
    area_ids: dict[str, int] = field(default_factory=dict)
    orgs: list[Any] = field(default_factory=list)
    party_groups: list[list[Any]] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # parts of stages, for the report
    cpu_seconds: dict[str, float] = field(default_factory=dict)  # this process's, by part

    def area_id(self, code: str) -> int:
        if not self.area_ids:
            self.area_ids.update(Area.objects.values_list("code", "id"))
        return self.area_ids[code]


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "150", "151", "177", "180", "186", "199"])
        + f"{rng.randrange(10**8):08d}"
    )


ORG_FIELDS = [
    "id",
    "name",
    "name_simplified",
    "name_pinyin",
    "name_initials",
    "credit_code",
    "kind",
    "community_category",
    "registration_level",
    "authority",
    "area",
    "area_code",
    "domicile",
    "purpose",
    "business_scope",
    "industry",
    "supervising_unit",
    "activity_region",
    "founding_funds",
    "unit_members",
    "individual_members",
    "council_size",
    "legal_rep_name",
    "legal_rep_phone",
    "legal_rep_phone_bidx",
    "registered_on",
    "deregistered_on",
    "deregistration_reason",
    "status",
    "synthetic",
    "created_at",
    "updated_at",
]


def write_orgs(ctx: CityContext, orgs_stage: ModuleType) -> None:
    from gongzhi.orgs.models import SocialOrg
    from gongzhi.orgs.search_keys import index_orgs

    first = next_id(SocialOrg)
    ctx.orgs = orgs_stage.plan_orgs(
        rng=ctx.rng, geo=ctx.geo, tg=ctx.tg, first_id=first, scale=ctx.scale
    )
    now = timezone.now()
    writer = TableWriter(
        SocialOrg, ORG_FIELDS, progress=ctx.progress, stage="社会组织", total=len(ctx.orgs)
    )
    rng = ctx.rng
    for i, org in enumerate(ctx.orgs):
        full, initials = pinyin_keys(org.name)
        phone = _phone(rng)
        code = None
        if org.kind != "community":
            code = orgs_stage.credit_code(org.kind, org.authority_code[:6], org.id)
        deregistered = org.deregistered_on is not None
        writer.add(
            (
                org.id,
                org.name,
                to_simplified(org.name),
                full,
                initials,
                code,
                org.kind,
                rng.choice(orgs_stage.COMMUNITY_CATEGORIES) if org.kind == "community" else "",
                org.level,
                ctx.area_id(org.authority_code),
                ctx.area_id(org.area_code),
                org.area_code,
                ctx.fake.street_address() if i % 4 == 0 else "",
                "",
                "",
                rng.choice(orgs_stage.DOMAINS),
                "",
                "",
                None,
                None,
                None,
                None,
                ctx.fake.name(),
                phone,
                bidx_for(phone, "phone"),
                org.registered_on,
                org.deregistered_on,
                "自行解散" if deregistered else "",
                "deregistered" if deregistered else "normal",
                True,
                now,
                now,
            )
        )
    ctx.counts["orgs"] = writer.close()
    reset_sequences(SocialOrg)
    # The rows were written without save(): the registry's name search keys, as its importer does.
    index_orgs(((o.id, o.name) for o in ctx.orgs), fresh=True)


def _plan_party(ctx: CityContext) -> None:
    from gongzhi.metrics.demo_city import party_stage

    party_stage.plan_party(ctx)


def _reports(ctx: CityContext) -> None:
    from gongzhi.metrics.demo_city import party_stage

    party_stage.write_reports(ctx)


def _party(ctx: CityContext) -> None:
    from gongzhi.metrics.demo_city import party_stage

    party_stage.write_party(ctx)


def _volunteers(ctx: CityContext) -> None:
    from gongzhi.metrics.demo_city import volunteers_stage

    volunteers_stage.write_volunteers(ctx)


LATER_STAGES: list[tuple[str, Callable[[CityContext], None]]] = [
    ("plan_party", _plan_party),
    ("annual_reports", _reports),
    ("party", _party),
    ("volunteers", _volunteers),
]
