"""Thresholds for Party organisations that Party rules or the locality set (DOMAIN.md § party).

One versioned object; code reads `current()` and never repeats these numbers. A locality
that changes a threshold adds a new version with its `effective_from` date and the
source of the change, so figures and checks of an earlier date can be explained.

Sources: 《中国共产党支部工作条例（试行）》(2018) — 支部工作条例; 《中国共产党基层组织选举
工作条例》(2020); 《中国共产党发展党员工作细则》(2014) — 发展细则; 中组部《关于中国共产党
党费收缴、使用和管理的规定》(2008) — 党费规定; 《中国共产党党员教育管理工作条例》(2019).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


@dataclass(frozen=True)
class DuesBracket:
    """Monthly base up to `upper` (inclusive; None = no upper bound) pays `rate` of it."""

    upper: Decimal | None
    rate: Decimal
    label: str


@dataclass(frozen=True)
class PartyRules:
    version: str
    effective_from: dt.date
    source: str

    # --- setting up organisations (支部工作条例 art. 5-9) ---
    # ≥ 3 formal members in a unit → it must set up its own branch (应建未建 otherwise).
    min_formal_members_for_own_branch: int = 3
    # < 3 formal members → a joint branch, covering at most this many units.
    joint_branch_max_units: int = 5
    # A branch has at most this many members; above it a 党总支 is suggested.
    branch_max_members: int = 50
    # ≥ this many members → a 基层党委 is suggested.
    committee_org_min_members: int = 100
    # ≥ 7 members → a branch committee (支委会) of 3-5, at most 7; below 7 a secretary only.
    branch_committee_min_members: int = 7
    branch_committee_min_size: int = 3
    branch_committee_max_size: int = 7
    # The anomaly-list proposal for 应建未建 (民政部令60号 art. 4): once the registration
    # authority has declined a proposal, the platform-wide check does not propose the same
    # organisation again for this many days (a locality's choice; the worklist still shows it).
    listing_repropose_after_days: int = 365

    # --- terms (基层组织选举工作条例 art. 4) ---
    term_years: int = 3
    term_years_village_community: int = 5
    term_max_extension_months: int = 12
    election_warning_days: int = 90

    # --- organisational life (支部工作条例 art. 14-18): kind -> (period, minimum count) ---
    # period: "month" | "quarter" | "year". 党课 ≥ 1 a year nationally; a locality may ask quarterly.
    meeting_frequency: dict[str, tuple[str, int]] = field(
        default_factory=lambda: {
            "general_meeting": ("quarter", 1),  # 支部党员大会
            "committee_meeting": ("month", 1),  # 支委会
            "group_meeting": ("month", 1),  # 党小组会
            "party_lecture": ("year", 1),  # 党课
            "theme_day": ("month", 1),  # 主题党日
            "life_meeting": ("year", 1),  # 组织生活会
            "appraisal": ("year", 1),  # 民主评议党员
        }
    )
    # A members' meeting is quorate only with more than this share of voting (formal) members.
    quorum_share: Fraction = Fraction(1, 2)
    # 民主评议: at most this share of members graded 优秀.
    excellent_max_share: Fraction = Fraction(1, 3)

    # --- members (党章 art. 7; 发展细则) ---
    probation_months: int = 12
    probation_extension_min_months: int = 6
    probation_extension_max_months: int = 12
    probation_warning_days: int = 30
    min_application_age: int = 18
    # Minimum days between dated development milestones (发展细则 art. 9, 14: activist ≥ 1 year).
    milestone_min_days: dict[tuple[str, str], int] = field(
        default_factory=lambda: {
            ("applied_on", "activist_on"): 0,
            ("activist_on", "candidate_on"): 365,
            ("candidate_on", "admitted_on"): 0,
        }
    )

    # --- transfers (党员组织关系转接) ---
    letter_validity_default_days: int = 30
    letter_validity_max_months: int = 3
    receipt_due_months: int = 1
    # Away from the unit longer than this → the relationship must be transferred.
    absence_requires_transfer_months: int = 6

    # --- dues (党费规定): upper bounds inclusive ---
    dues_employed: tuple[DuesBracket, ...] = (
        DuesBracket(Decimal("3000"), Decimal("0.005"), "3000元及以下 0.5%"),
        DuesBracket(Decimal("5000"), Decimal("0.01"), "3000-5000元 1%"),
        DuesBracket(Decimal("10000"), Decimal("0.015"), "5000-10000元 1.5%"),
        DuesBracket(None, Decimal("0.02"), "10000元以上 2%"),
    )
    dues_retired: tuple[DuesBracket, ...] = (
        DuesBracket(Decimal("5000"), Decimal("0.005"), "离退休 5000元及以下 0.5%"),
        DuesBracket(None, Decimal("0.01"), "离退休 5000元以上 1%"),
    )
    # Students, the unemployed and 低保 recipients pay a flat amount a month.
    dues_flat_amount: Decimal = Decimal("0.20")

    # --- regional alliances (区域性党建联盟) ---
    alliance_rotation_months: int = 6
    # "joined": chair rotates in the order members joined (then by id); "listed": by the
    # rotation position each member was given.
    alliance_rotation_order: str = "listed"
    alliance_schedule_years: int = 2


VERSIONS: tuple[PartyRules, ...] = (
    PartyRules(
        version="2024.1",
        effective_from=dt.date(2018, 10, 28),
        source="支部工作条例(2018)；基层组织选举工作条例(2020)；发展细则(2014)；党费规定(2008)",
    ),
)


def current(on: dt.date | None = None) -> PartyRules:
    """The rules in force on `on` (default: the latest)."""
    if on is None:
        return VERSIONS[-1]
    valid = [v for v in VERSIONS if v.effective_from <= on]
    return valid[-1] if valid else VERSIONS[0]
