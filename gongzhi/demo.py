"""Demo data sets (`gongzhi load-demo`). Every synthetic record is marked as such.

Each domain app may provide `gongzhi.<app>.demo` with `load_small(ctx)` (and, for the
full city, `load_city(ctx)`); they run in dependency order and share `ctx`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import Area, Kind

DEMO_PASSWORD = "Gongzhi@2026"
APP_ORDER = ["orgs", "party", "volunteers", "metrics"]

# (username, display name, role, area code or None for an org membership added by an app)
DEMO_USERS = [
    ("city", "市级管理员（演示）", Role.CITY_ADMIN, "430400000000"),
    ("zhuhui", "珠晖区管理员（演示）", Role.DISTRICT_ADMIN, "430405000000"),
    ("yanfeng", "雁峰区管理员（演示）", Role.DISTRICT_ADMIN, "430406000000"),
    ("street", "街道管理员（演示）", Role.STREET_ADMIN, "430405001000"),
    ("community", "社区工作者（演示）", Role.COMMUNITY_WORKER, "430405001001"),
    ("orgadmin", "社会组织管理员（演示）", Role.ORG_ADMIN, None),
    ("secretary", "党组织书记（演示）", Role.PARTY_SECRETARY, None),
    ("volunteer", "志愿者（演示）", Role.VOLUNTEER, None),
    ("resident", "居民（演示）", Role.RESIDENT, "430405001001001"),
    ("sysadmin", "系统管理员（演示）", Role.SYSTEM_ADMIN, "430400000000"),
    ("secadmin", "安全管理员（演示）", Role.SECURITY_ADMIN, "430400000000"),
    ("auditor", "审计管理员（演示）", Role.AUDIT_ADMIN, "430400000000"),
]

# Synthetic units below county level (names are invented and marked synthetic).
SMALL_STREETS = {
    "430405": [("001", "东风街道（虚构）"), ("002", "广东路街道（虚构）")],
    "430406": [("001", "先锋街道（虚构）"), ("002", "天马山街道（虚构）")],
    "430407": [("001", "人民路街道（虚构）")],
    "430408": [("001", "红湘街道（虚构）")],
}
COMMUNITIES = [("001", "湘江社区（虚构）"), ("002", "东湖社区（虚构）")]
COMPOUNDS = [("001", "雅苑小区（虚构）"), ("002", "湖居小区（虚构）")]


@dataclass
class DemoContext:
    dataset: str
    seed: int = 2020
    scale: float = 1.0
    users: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    progress: Any = None

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)


def _area(code: str, name: str, kind: str, parent: Area) -> Area:
    area, _ = Area.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent, "synthetic": True}
    )
    return area


def load_small_areas() -> None:
    for county, streets in SMALL_STREETS.items():
        county_area = Area.objects.get(code=f"{county}000000")
        for s_code, s_name in streets:
            street = _area(f"{county}{s_code}000", s_name, Kind.TOWNSHIP, county_area)
            for c_code, c_name in COMMUNITIES:
                community = _area(f"{county}{s_code}{c_code}", c_name, Kind.COMMUNITY, street)
                for p_code, p_name in COMPOUNDS:
                    compound = _area(f"{community.code}{p_code}", p_name, Kind.COMPOUND, community)
                    for b in range(1, 4):
                        _area(f"{compound.code}{b:03d}", f"{b}栋", Kind.BUILDING, compound)


def load_demo_users(ctx: DemoContext) -> None:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password

    from gongzhi.accounts.models import User
    from gongzhi.accounts.services import membership_add, user_create

    # One hash for the twelve accounts, which share the published demo password: hashing
    # it per account (PBKDF2, Django's 1,000,000 rounds: ~0.48 s each here) was ~5.7 s of
    # every demo and city load (docs/performance.md). A shared salt hides nothing here.
    validate_password(DEMO_PASSWORD)
    encoded = make_password(DEMO_PASSWORD)
    for username, name, role, area_code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor="demo",
                username=username,
                password=None,
                password_hash=encoded,
                display_name=name,
                synthetic=True,
            )
            if area_code:
                membership_add(
                    actor="demo", user=user, role=role, area=Area.objects.get(code=area_code)
                )
        ctx.users[role.value if hasattr(role, "value") else role] = user
    ctx.users["_by_name"] = {u: ctx.users[r.value] for u, _n, r, _a in DEMO_USERS}


def demo_is_loaded() -> bool:
    from gongzhi.accounts.models import User

    return User.objects.filter(synthetic=True).exists()


def load_demo(
    dataset: str = "small", *, progress: Any = None, scale: float = 1.0, seed: int = 2020
) -> DemoContext:
    ctx = DemoContext(dataset=dataset, progress=progress, scale=scale, seed=seed)
    with transaction.atomic():
        ctx.say("areas")
        load_small_areas()
        ctx.say("users")
        load_demo_users(ctx)
    for app in APP_ORDER:
        try:
            module = importlib.import_module(f"gongzhi.{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"gongzhi.{app}.demo":
                raise
            continue
        loader = getattr(module, "load_city" if dataset == "hengyang-2020" else "load_small", None)
        if loader is not None:
            ctx.say(app)
            loader(ctx)
    return ctx
