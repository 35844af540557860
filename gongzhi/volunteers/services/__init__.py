"""Every write of the volunteers app, split by concept; import from here."""

from gongzhi.volunteers.services.activities import (
    activity_create,
    activity_publish,
    enrollment_cancel,
    enrollment_signup,
    shift_create,
    signup_blocker,
)
from gongzhi.volunteers.services.attendance import (
    enrollment_checkin,
    enrollment_checkin_by_token,
    enrollment_checkout,
)
from gongzhi.volunteers.services.certificates import (
    certificate_issue,
    certificate_request,
    certificate_withdraw,
)
from gongzhi.volunteers.services.hours import (
    ApprovalResult,
    hours_approve,
    hours_decline,
    hours_record,
    hours_reverse,
    hours_self_report,
)
from gongzhi.volunteers.services.privacy import (
    correction_decide,
    correction_request,
    personal_data_copy,
    volunteer_anonymise,
    volunteer_consent,
    volunteer_reveal_own,
)
from gongzhi.volunteers.services.records import (
    award_add,
    complaint_accept,
    complaint_file,
    complaint_reject,
    complaint_resolve,
    evaluation_add,
    training_add,
    training_attendance_set,
    training_record,
)
from gongzhi.volunteers.services.registry import (
    qualification_add,
    team_create,
    team_member_add,
    team_member_leave,
    volunteer_link_user,
    volunteer_register,
    volunteer_update,
)

__all__ = [
    "ApprovalResult",
    "activity_create",
    "activity_publish",
    "award_add",
    "certificate_issue",
    "certificate_request",
    "certificate_withdraw",
    "correction_decide",
    "correction_request",
    "complaint_accept",
    "complaint_file",
    "complaint_reject",
    "complaint_resolve",
    "enrollment_cancel",
    "enrollment_checkin",
    "enrollment_checkin_by_token",
    "enrollment_checkout",
    "enrollment_signup",
    "evaluation_add",
    "hours_approve",
    "hours_decline",
    "hours_record",
    "hours_reverse",
    "hours_self_report",
    "personal_data_copy",
    "qualification_add",
    "shift_create",
    "signup_blocker",
    "team_create",
    "team_member_add",
    "team_member_leave",
    "training_add",
    "training_attendance_set",
    "training_record",
    "volunteer_anonymise",
    "volunteer_consent",
    "volunteer_link_user",
    "volunteer_register",
    "volunteer_reveal_own",
    "volunteer_update",
]
