"""Every read of the party app, scoped through `gongzhi.core.scope` (split by concept).

Coverage figures for the metrics app (all scoped to `user`; `as_of` is a `datetime.date`;
`area_prefix` is a division-code prefix such as "430405" for one district, None for all
the user sees):

    active_social_orgs(*, user, as_of, area_prefix=None) -> QuerySet[SocialOrg]
        social organisations registered on `as_of` and not yet deregistered.
    orgs_with_party_org(*, user, as_of, area_prefix=None) -> QuerySet[SocialOrg]
        of those, the ones covered by an active Party organisation, own or joint.
    party_orgs_as_of(*, user, as_of, area_prefix=None) -> QuerySet[PartyOrg]
        Party organisations established and not dissolved on `as_of`.
    memberships_as_of(*, user, as_of, area_prefix=None) -> QuerySet[MembershipPeriod]
        the membership-history periods in force on `as_of` (one per member counted), scoped
        and placed by the organisation and district (`area_code`) the member was in then.
    members_as_of(*, user, as_of, area_prefix=None) -> QuerySet[PartyMember]
        members (formal and probationary) in an active Party organisation on `as_of`, read
        from the history: a member who moved between districts counts, for a date before
        the move (the transfer's receipt), in the old organisation's district.
    member_counts(*, user, as_of, area_prefix=None) -> {"formal", "probationary", "total"}
    coverage_figures(*, user, as_of, area_prefix=None, unit_name="") -> CoverageFigures
        one unit: social_orgs, orgs_with_party_org, orgs_with_instructor_only, party_orgs,
        formal_members, probationary_members, party_members (property),
        organisational_coverage (组织覆盖率 %, Decimal) = orgs_with_party_org / social_orgs,
        work_coverage (工作覆盖率 %) = (orgs_with_party_org + orgs_with_instructor_only)
        / social_orgs; four builds (四建联动, from the orgs app's annual reports):
        orgs_with_union, orgs_with_youth_league, orgs_with_women_federation,
        orgs_with_all_four, four_builds_coverage (%) = orgs_with_all_four / social_orgs;
        `.as_dict()` for JSON.
    coverage_by_district(*, user, as_of) -> list[CoverageFigures]
        one row per county/district (unit_code = 6-digit prefix), in five queries.

Membership history (`models.MembershipPeriod`: member, party_org, area_code, started_on,
ended_on — half-open, consecutive periods meet on the move date). The member services keep
it (`member_create`, `transfer_receipt` via `move_membership`, `member_leave`, a transfer out
of the platform, the member import). Writers that bulk-create `PartyMember` rows without the
services (the city generator, gongzhi/metrics/demo_city) must then call

    gongzhi.party.services.bulk_history_for(members) -> int

with the created members (instances, or a queryset — streamed by id), which writes one
period per member (current organisation and `area_code`, `joined_on` → `left_on`) for every
member that has no history yet; without it those members are not counted "as of" any date.

Checks (the worklist, issue 4): `orgs_requiring_party_org(*, user, as_of)` (应建未建 — the
credit-list cause the orgs app takes), `orgs_without_party_work`, `joint_branches_over_limit`,
`branches_without_committee`, `branches_too_large`, `orgs_that_should_be_committees`,
`elections_due`, `meeting_gaps`, `probations_due`, `transfers_expired`, `receipts_overdue`;
the worklist: `worklist(*, user, today=None, party_org=None) -> list[WorkItem]` and
`worklist_count(*, user, today=None) -> int` (the same number in five aggregate queries).
"""

from gongzhi.party.selectors.checks import (
    MeetingGap,
    branches_too_large,
    branches_without_committee,
    elections_due,
    joint_branches_over_limit,
    meeting_gaps,
    orgs_requiring_party_org,
    orgs_that_should_be_committees,
    orgs_without_party_work,
    party_orgs_with_counts,
    probations_due,
    receipts_overdue,
    transfers_expired,
)
from gongzhi.party.selectors.coverage import (
    CoverageFigures,
    active_social_orgs,
    coverage_by_district,
    coverage_figures,
    member_counts,
    members_as_of,
    memberships_as_of,
    orgs_with_party_org,
    party_orgs_as_of,
    rate,
)
from gongzhi.party.selectors.records import (
    alliance_get,
    alliance_list,
    assignment_get,
    assignment_list,
    community_choices,
    community_needs,
    coverage_get,
    coverages_of,
    dues_list,
    instructor_get,
    instructor_list,
    item_list,
    life_record_get,
    life_record_list,
    member_get,
    member_list,
    need_list,
    party_org_choices,
    party_org_get,
    party_org_list,
    posts_of,
    report_get,
    report_list,
    scope_areas,
    service_list,
    service_rollup,
    services_of,
    social_org_choices,
    social_orgs_without_party_org,
    transfer_get,
    transfer_list,
)
from gongzhi.party.selectors.worklist import WorkItem, worklist, worklist_count

__all__ = [
    "social_orgs_without_party_org",
    "coverage_get",
    "assignment_get",
    "community_choices",
    "report_get",
    "community_needs",
    "need_list",
    "service_list",
    "services_of",
    "CoverageFigures",
    "MeetingGap",
    "WorkItem",
    "active_social_orgs",
    "alliance_get",
    "alliance_list",
    "assignment_list",
    "branches_too_large",
    "branches_without_committee",
    "coverage_by_district",
    "coverage_figures",
    "coverages_of",
    "dues_list",
    "elections_due",
    "instructor_get",
    "instructor_list",
    "item_list",
    "joint_branches_over_limit",
    "life_record_get",
    "life_record_list",
    "meeting_gaps",
    "member_counts",
    "member_get",
    "member_list",
    "members_as_of",
    "memberships_as_of",
    "orgs_requiring_party_org",
    "orgs_that_should_be_committees",
    "orgs_with_party_org",
    "orgs_without_party_work",
    "party_org_choices",
    "party_org_get",
    "party_org_list",
    "party_orgs_as_of",
    "party_orgs_with_counts",
    "posts_of",
    "probations_due",
    "rate",
    "receipts_overdue",
    "report_list",
    "scope_areas",
    "service_rollup",
    "social_org_choices",
    "transfer_get",
    "transfer_list",
    "transfers_expired",
    "worklist",
    "worklist_count",
]
