"""Every write to the registry, split by concept: registration, change and deregistration
(registration.py), annual reports (reports.py), evaluations, penalties and credit lists
(credit.py), and the scheduled credit-list runs (credit_runs.py).

Keyword-only `entity_verb(*, actor, ...)`, one transaction each, an audit event inside.
Bad input raises `ValidationError({field: message})`; a user acting outside their
rights gets `PermissionDenied`. `actor` may be a user (permissions checked) or a
string naming a system actor ("cli", "demo", "import") acting for everyone.
Other apps call `gongzhi.orgs.services.<verb>` only.
"""

from gongzhi.orgs.services.common import (
    actor_label,
    check_past,
    is_user,
    jsonable,
    require,
    today,
)
from gongzhi.orgs.services.credit import (
    evaluation_record,
    listing_add,
    listing_confirm,
    listing_propose,
    listing_reject,
    listing_remove,
    penalty_record,
)
from gongzhi.orgs.services.credit_runs import (
    EXPIRY_ACTOR,
    listings_end_expired,
    listings_flag_missing_reports,
    listings_promote_overdue,
)
from gongzhi.orgs.services.registration import (
    LEVEL_OF_AUTHORITY,
    PLAIN_FIELDS,
    check_authority,
    org_change,
    org_deregister,
    org_register,
)
from gongzhi.orgs.services.reports import (
    BUILDS,
    COUNT_FIELDS,
    REPORT_FIELDS,
    check_report,
    report_file,
)

__all__ = [
    "BUILDS",
    "COUNT_FIELDS",
    "EXPIRY_ACTOR",
    "LEVEL_OF_AUTHORITY",
    "PLAIN_FIELDS",
    "REPORT_FIELDS",
    "actor_label",
    "check_authority",
    "check_past",
    "check_report",
    "evaluation_record",
    "is_user",
    "jsonable",
    "listing_add",
    "listing_confirm",
    "listing_propose",
    "listing_reject",
    "listing_remove",
    "listings_end_expired",
    "listings_flag_missing_reports",
    "listings_promote_overdue",
    "org_change",
    "org_deregister",
    "org_register",
    "penalty_record",
    "report_file",
    "require",
    "today",
]
