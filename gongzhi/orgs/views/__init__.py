"""Registry pages, thin: forms parse, services write, selectors read. Split by concept: the
registry itself (registry.py) and an organisation's records (records.py)."""

from gongzhi.orgs.views.records import (
    evaluation_record,
    listing_add,
    listing_decide,
    listing_remove,
    penalty_record,
    report_file,
    run_flags,
)
from gongzhi.orgs.views.registry import (
    org_change,
    org_deregister,
    org_detail,
    org_export,
    org_index,
    org_register,
)

__all__ = [
    "evaluation_record",
    "listing_add",
    "listing_decide",
    "listing_remove",
    "org_change",
    "org_deregister",
    "org_detail",
    "org_export",
    "org_index",
    "org_register",
    "penalty_record",
    "report_file",
    "run_flags",
]
