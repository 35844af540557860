"""Thresholds and lists that law or locality set for volunteer service (DOMAIN.md § Volunteers).

One versioned object: change a value by publishing a new version, never by editing
literals elsewhere. `current()` is what the app uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class VolunteerRules:
    version: str
    # Stars by cumulative approved hours: 100/300/600/1000/1500 -> 1..5 stars (DOMAIN.md, config).
    star_thresholds_hours: tuple[int, ...] = (100, 300, 600, 1000, 1500)
    # 民政部令67号 (2021): certificates are publicised internally for at least 7 days before issue.
    certificate_publicity_days: int = 7
    # Public-welfare fields and campaigns named in the seed; localities may add more.
    categories: tuple[tuple[str, object], ...] = field(
        default_factory=lambda: (
            ("zhuxue", _("助学")),
            ("zhucan", _("助残")),
            ("zhulao", _("助老")),
            ("zhuyi", _("助医")),
            ("zhugu", _("助孤")),
            ("epidemic", _("常态化疫情防控")),
            ("civilised_city", _("文明城市创建")),
            ("rural_revival", _("乡村振兴")),
            ("community", _("社区服务")),
            ("environment", _("环境保护")),
            ("mediation", _("矛盾纠纷调解")),
        )
    )
    # Qualifications an activity may require; each may carry an expiry date.
    qualifications: tuple[tuple[str, object], ...] = field(
        default_factory=lambda: (
            ("first_aid", _("急救员证")),
            ("medical", _("医护执业资格")),
            ("teacher", _("教师资格")),
            ("counsellor", _("心理咨询资格")),
            ("lawyer", _("法律职业资格")),
            ("sign_language", _("手语翻译")),
            ("driver", _("机动车驾驶证")),
            ("mediator", _("人民调解员")),
        )
    )
    # Privacy notice version volunteers consent to (PIPL art. 14: informed, specific consent).
    consent_version: str = "2021-1"
    # Attendance may start this many minutes before a shift; time before the shift is travel.
    checkin_early_minutes: int = 60


RULES = {
    "2021-1": VolunteerRules(version="2021-1"),
}
CURRENT_VERSION = "2021-1"


def current() -> VolunteerRules:
    return RULES[CURRENT_VERSION]


def category_choices() -> list[tuple[str, object]]:
    return list(current().categories)


def qualification_choices() -> list[tuple[str, object]]:
    return list(current().qualifications)


def category_label(code: str) -> str:
    return str(dict(current().categories).get(code, code))


def qualification_label(code: str) -> str:
    return str(dict(current().qualifications).get(code, code))


def stars_for_minutes(minutes: int) -> int:
    """Stars for cumulative approved service time; a threshold reached counts (>=)."""
    hours = minutes / 60
    return sum(1 for t in current().star_thresholds_hours if hours >= t)
