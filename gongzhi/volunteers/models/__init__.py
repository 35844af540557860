"""Volunteer service records (MZ/T 061; 民政部令67号), split by concept."""

from gongzhi.volunteers.models.activities import Activity, Enrollment, EnrollmentStatus, Shift
from gongzhi.volunteers.models.certificates import Certificate, CertificateStatus
from gongzhi.volunteers.models.hours import EntryKind, EntrySource, EntryStatus, HoursEntry
from gongzhi.volunteers.models.people import (
    Award,
    Complaint,
    Counter,
    Evaluation,
    Gender,
    Qualification,
    TrainingRecord,
    Volunteer,
    VolunteerStatus,
)
from gongzhi.volunteers.models.teams import OwnerKind, Team, TeamKind, TeamMember, TeamRole

__all__ = [
    "Activity",
    "Award",
    "Certificate",
    "CertificateStatus",
    "Complaint",
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
    "Team",
    "TeamKind",
    "TeamMember",
    "TeamRole",
    "TrainingRecord",
    "Volunteer",
    "VolunteerStatus",
]
