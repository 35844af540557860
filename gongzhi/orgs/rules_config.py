"""Thresholds the law or a locality sets for the registry, in one versioned place.

Change a value by adding a new version and pointing `CURRENT` at it; never edit a
published version, so past decisions stay explainable.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OrgRules:
    version: str
    # Evaluation (社会组织评估管理办法, 民政部令39号): score out of 1,000; the cut-off of each
    # grade is the lowest score that earns it. Localities publish their own cut-offs.
    score_max: int = 1000
    grade_cutoffs: dict[int, int] = field(
        default_factory=lambda: {5: 900, 4: 800, 3: 700, 2: 600, 1: 500}
    )
    # 民政部令39号 art. 26: a grade is valid for five years.
    grade_valid_years: int = 5
    # 民政部令39号 art. 8: an organisation registered less than two full years is not evaluated.
    evaluation_min_years_registered: int = 2
    # 3A and above gets priority for government purchase of services (财综〔2014〕87号).
    purchase_priority_min_grade: int = 3
    # 年度工作报告: the report on year Y is due by 31 May of year Y+1.
    report_due_month: int = 5
    report_due_day: int = 31
    # 民政部令60号 art. 7: removal from the anomaly list within 5 working days of verified
    # rectification.
    delist_within_working_days: int = 5
    # 民政部令60号 art. 11: on the anomaly list for two years -> serious list.
    anomaly_years_to_serious: int = 2
    # 民政部令60号 art. 11: a fine of 50,000 yuan or more is a cause for the serious list.
    serious_fine_yuan: int = 50_000
    # 民政部令60号: an entry on 严重违法失信名单 is removed when its term ends, five years from
    # the day it was listed, unless a law or regulation sets another term for its cause —
    # such a term goes in `serious_list_years_by_cause` ({cause: years}), in a new version.
    serious_list_years: int = 5
    serious_list_years_by_cause: dict[str, int] = field(default_factory=dict)
    # GB 32100-2015: position 1 = registering department (5 = civil affairs).
    credit_code_department: str = "5"
    # GB 32100-2015 position 2 by kind: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他.
    # Community social organisations are filed (备案) and usually have no code; those that
    # meet the conditions register as 社会团体 or 民办非企业单位, so 1/2/9 are accepted.
    credit_code_kind_digits: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "social_group": ("1",),
            "service_org": ("2",),
            "foundation": ("3",),
            "community": ("1", "2", "9"),
        }
    )


V2024 = OrgRules(version="2024-01")
CURRENT = V2024


def rules() -> OrgRules:
    return CURRENT


def serious_list_years(cause: str, config: OrgRules | None = None) -> int:
    config = config or rules()
    return config.serious_list_years_by_cause.get(cause, config.serious_list_years)
