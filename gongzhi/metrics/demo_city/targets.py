"""The seed's end-2020 figures the `hengyang-2020` city is built to give (DOMAIN.md § figures).

At scale `s` every count target is `round(T * s)`, so a reduced city (the test suite uses
0.01) has figures that are proportionally exact and can be asserted. The employee and
volunteer totals are fixed numbers inside the seed's ranges ("6万余人", "110万余人").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2020, 12, 31)
HISTORY_START = dt.date(1995, 1, 1)
# The city keeps living after 2020: records run to this date.
LIVING_UNTIL = dt.date(2026, 6, 30)

SOCIAL_ORGS = 3_023
EMPLOYEES = 62_418  # 60,000-64,999
VOLUNTEERS = 1_104_520  # 1,100,000-1,109,999
ORGS_WITH_PARTY_ORG = 1_100
PARTY_ORGS = 700
PARTY_MEMBERS = 6_252

# History around the date (not counted on 2020-12-31, but there to make as-of honest).
ORGS_DEREGISTERED_BEFORE = 310
ORGS_REGISTERED_PER_YEAR_AFTER = 160
ORG_DEREGISTRATION_RATE_AFTER = 0.025  # a year, of the active organisations
VOLUNTEERS_REGISTERED_PER_YEAR_AFTER = 65_000
VOLUNTEERS_LEFT_BEFORE = 21_000


@dataclass(frozen=True)
class Targets:
    social_orgs: int
    employees: int
    volunteers: int
    orgs_with_party_org: int
    party_orgs: int
    party_members: int

    @classmethod
    def at(cls, scale: float) -> Targets:
        def r(n: int, minimum: int = 1) -> int:
            return max(minimum, round(n * scale))

        party_orgs = r(PARTY_ORGS)
        return cls(
            social_orgs=r(SOCIAL_ORGS, 3),
            employees=r(EMPLOYEES),
            volunteers=r(VOLUNTEERS),
            orgs_with_party_org=max(r(ORGS_WITH_PARTY_ORG), party_orgs),
            party_orgs=party_orgs,
            party_members=max(r(PARTY_MEMBERS), 3 * party_orgs),
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "social_orgs": self.social_orgs,
            "employees": self.employees,
            "volunteers": self.volunteers,
            "orgs_with_party_org": self.orgs_with_party_org,
            "party_orgs": self.party_orgs,
            "party_members": self.party_members,
        }
