"""The registry's tables, split by concept: organisations and their changes, annual reports
and evaluations, penalties and credit lists, name search keys."""

from gongzhi.orgs.models.credit import (
    CreditListing,
    ListingCause,
    ListingState,
    ListKind,
    Penalty,
    PenaltyKind,
)
from gongzhi.orgs.models.organisations import (
    CHANGEABLE_FIELDS,
    ORG_SCOPE,
    CommunityCategory,
    OrgChange,
    OrgKind,
    OrgStatus,
    RegistrationLevel,
    SocialOrg,
    fill_derived,
)
from gongzhi.orgs.models.reports import AnnualReport, Evaluation, ReportResult
from gongzhi.orgs.models.search import OrgNameKey

__all__ = [
    "CHANGEABLE_FIELDS",
    "ORG_SCOPE",
    "AnnualReport",
    "CommunityCategory",
    "CreditListing",
    "Evaluation",
    "ListKind",
    "ListingCause",
    "ListingState",
    "OrgChange",
    "OrgKind",
    "OrgNameKey",
    "OrgStatus",
    "Penalty",
    "PenaltyKind",
    "RegistrationLevel",
    "ReportResult",
    "SocialOrg",
    "fill_derived",
]
