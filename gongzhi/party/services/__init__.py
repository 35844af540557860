"""Every write of the party app: keyword-only verbs, one transaction each, audited."""

from gongzhi.party.services.alliances import (
    alliance_create,
    alliance_meeting_record,
    alliance_member_add,
    alliance_rotation_set,
    community_report_create,
    item_claim,
    item_create,
    item_set_status,
    service_record_create,
)
from gongzhi.party.services.credit import ListingCheck, listings_propose_no_party_org
from gongzhi.party.services.dues import DuesQuote, dues_quote, dues_record
from gongzhi.party.services.history import bulk_history_for, period_close, period_open
from gongzhi.party.services.life import life_record_create
from gongzhi.party.services.members import (
    member_convert,
    member_create,
    member_extend_probation,
    member_leave,
    member_update,
)
from gongzhi.party.services.organisations import (
    coverage_add,
    coverage_end,
    instructor_assign,
    instructor_assign_many,
    instructor_assignment_end,
    instructor_create,
    party_org_create,
    party_org_new_term,
    party_org_update,
    post_assign,
    post_end,
)
from gongzhi.party.services.transfers import (
    transfer_apply,
    transfer_archive,
    transfer_cancel,
    transfer_issue,
    transfer_receipt,
    transfer_receive,
)

__all__ = [
    "DuesQuote",
    "ListingCheck",
    "alliance_create",
    "alliance_meeting_record",
    "alliance_member_add",
    "alliance_rotation_set",
    "bulk_history_for",
    "community_report_create",
    "coverage_add",
    "coverage_end",
    "dues_quote",
    "dues_record",
    "instructor_assign",
    "instructor_assign_many",
    "instructor_assignment_end",
    "instructor_create",
    "item_claim",
    "item_create",
    "item_set_status",
    "life_record_create",
    "listings_propose_no_party_org",
    "member_convert",
    "member_create",
    "member_extend_probation",
    "member_leave",
    "member_update",
    "party_org_create",
    "party_org_new_term",
    "party_org_update",
    "period_close",
    "period_open",
    "post_assign",
    "post_end",
    "service_record_create",
    "transfer_apply",
    "transfer_archive",
    "transfer_cancel",
    "transfer_issue",
    "transfer_receipt",
    "transfer_receive",
]
