"""The evaluation index of social organisations' part in governance (DOMAIN.md § metrics).

Four dimensions — 组织力, 参与度, 专业化水平, 贡献率 — each a weighted sum of named indicators.
An indicator's value is normalised to 0..1 by its `cap` (value / cap, at most 1) unless it
is already a share; its contribution is weight × normalised value, so the score of a
dimension is the sum of its contributions and the index the sum of the dimensions
(100 points when every indicator has data). An indicator whose data no app records yet
(cases, purchased services, service packages) stays configured and is shown as
"no data" — it contributes nothing and is never shown as zero.

Change weights or indicators by adding a new version; the index page names the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    weight: float
    source: str  # which app records it: orgs, party, volunteers, cases, procurement, servicepacks
    cap: float = 1.0  # the value that earns the full weight
    note: object = ""


@dataclass(frozen=True)
class Dimension:
    key: str
    label: object
    indicators: tuple[Indicator, ...]

    @property
    def weight(self) -> float:
        return sum(i.weight for i in self.indicators)


@dataclass(frozen=True)
class IndexConfig:
    version: str
    effective_from: str
    dimensions: tuple[Dimension, ...]


V2026_1 = IndexConfig(
    version="2026.1",
    effective_from="2020-01-01",
    dimensions=(
        Dimension(
            "organisation",
            _("组织力"),
            (
                Indicator("party_org_present", _("建立党组织（单独或联合）"), 10, "party"),
                Indicator(
                    "org_life_compliance",
                    _("组织生活达标率"),
                    8,
                    "party",
                    note=_("当年应开展的各类组织生活中已开展的比例"),
                ),
                Indicator("four_builds", _("四建联动（工会、共青团、妇联）"), 7, "orgs", cap=3),
            ),
        ),
        Dimension(
            "participation",
            _("参与度"),
            (
                Indicator("activities", _("组织志愿服务活动（次/年）"), 9, "volunteers", cap=12),
                Indicator(
                    "hours_per_staff",
                    _("人均志愿服务时长（小时/从业人员）"),
                    8,
                    "volunteers",
                    cap=20,
                ),
                Indicator("cases_handled", _("参与化解矛盾纠纷（件/年）"), 8, "cases", cap=10),
            ),
        ),
        Dimension(
            "professionalism",
            _("专业化水平"),
            (
                Indicator("evaluation_grade", _("评估等级（A）"), 10, "orgs", cap=5),
                Indicator("professional_share", _("持证社工及专业人才占比"), 8, "orgs"),
                Indicator("service_packages", _("提供专业服务包（个）"), 7, "servicepacks", cap=3),
            ),
        ),
        Dimension(
            "contribution",
            _("贡献率"),
            (
                Indicator(
                    "purchased_outputs", _("政府购买服务完成产出（项/年）"), 9, "procurement", cap=5
                ),
                Indicator("beneficiaries", _("服务受益人次（年）"), 8, "procurement", cap=2000),
                Indicator("cases_resolved", _("化解矛盾纠纷结案（件/年）"), 8, "cases", cap=10),
            ),
        ),
    ),
)

CURRENT = V2026_1


def current() -> IndexConfig:
    return CURRENT
