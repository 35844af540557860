"""Volunteer service records (MZ/T 061; 民政部令67号), split by concept."""

from gongzhi.volunteers.models.activities import Activity, Enrollment, EnrollmentStatus, Shift
from gongzhi.volunteers.models.certificates import Certificate, CertificateStatus
from gongzhi.volunteers.models.hours import EntryKind, EntrySource, EntryStatus, HoursEntry
from gongzhi.volunteers.models.people import (
    Counter,
    Gender,
    Qualification,
    Volunteer,
    VolunteerStatus,
)
from gongzhi.volunteers.models.privacy import CorrectionField, CorrectionRequest, CorrectionStatus
from gongzhi.volunteers.models.records import (
    Award,
    Complaint,
    ComplaintStatus,
    Evaluation,
    Training,
    TrainingRecord,
)
from gongzhi.volunteers.models.stars import StarState, StarStep, StarTally
from gongzhi.volunteers.models.teams import OwnerKind, Team, TeamKind, TeamMember, TeamRole

__all__ = [
    "Activity",
    "Award",
    "Certificate",
    "CertificateStatus",
    "Complaint",
    "ComplaintStatus",
    "CorrectionField",
    "CorrectionRequest",
    "CorrectionStatus",
    "Counter",
    "Enrollment",
    "EnrollmentStatus",
    "EntryKind",
    "EntrySource",
    "EntryStatus",
    "Evaluation",
    "Gender",
    "HoursEntry",
    "OwnerKind",
    "Qualification",
    "Shift",
    "StarState",
    "StarStep",
    "StarTally",
    "Team",
    "TeamKind",
    "TeamMember",
    "TeamRole",
    "Training",
    "TrainingRecord",
    "Volunteer",
    "VolunteerStatus",
]
