"""The dashboards: which figures each shows, and the rates derived from them.

Each dashboard registers with `gongzhi.core.registry.register_dashboard`; later apps
(governance: cases, compounds) register theirs the same way and appear in the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.metrics import figures as F


@dataclass(frozen=True)
class Rate:
    key: str
    label: Any
    numerator: str
    denominator: str

    def of(self, values: dict[str, int]) -> float | None:
        d = values.get(self.denominator) or 0
        return None if not d else round(100.0 * values.get(self.numerator, 0) / d, 1)


@dataclass(frozen=True)
class Dashboard:
    key: str
    label: Any
    url_name: str
    figure_keys: tuple[str, ...]
    rates: tuple[Rate, ...] = ()
    map_figure: str = ""
    order: int = 50
    extra: Callable[..., dict[str, Any]] | None = field(default=None)

    def keys(self) -> list[str]:
        known = {f.key for f in F.all_figures()}
        return [k for k in self.figure_keys if k in known]


OVERVIEW = Dashboard(
    key="overview",
    label=_("统计概览"),
    url_name="metrics:overview",
    figure_keys=tuple(F.HEADLINE),
    map_figure="social_orgs",
    order=10,
)
COVERAGE = Dashboard(
    key="coverage",
    label=_("党建覆盖"),
    url_name="metrics:coverage",
    figure_keys=(
        "social_orgs",
        "orgs_with_party_org",
        "orgs_with_work_coverage",
        "party_orgs",
        "party_members",
        "orgs_union",
        "orgs_youth_league",
        "orgs_women_federation",
        "orgs_four_builds",
        "should_build_not_built",
    ),
    rates=(
        Rate("org_coverage", _("组织覆盖率"), "orgs_with_party_org", "social_orgs"),
        Rate("work_coverage", _("工作覆盖率"), "orgs_with_work_coverage", "social_orgs"),
        Rate("four_builds_rate", _("四建联动率"), "orgs_four_builds", "orgs_with_party_org"),
    ),
    map_figure="orgs_with_party_org",
    order=20,
)
VOLUNTEERS = Dashboard(
    key="volunteers",
    label=_("志愿服务"),
    url_name="metrics:volunteers",
    figure_keys=(
        "volunteers",
        "volunteer_minutes",
        "activities",
        "stars_1",
        "stars_2",
        "stars_3",
        "stars_4",
        "stars_5",
    ),
    map_figure="volunteers",
    order=30,
)
ALL = {d.key: d for d in (OVERVIEW, COVERAGE, VOLUNTEERS)}
