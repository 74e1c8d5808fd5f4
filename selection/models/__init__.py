"""The domain models, one module per aggregate (STYLE.md)."""

from .cadre import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    EducationLevel,
    EducationRecord,
    FamilyMember,
    Kinship,
    PoliticalStatus,
    ResumeEntry,
    Sanction,
    Sex,
    are_relatives,
    relatives_of,
)
from .calendar import HolidaySchedule
from .case import (
    OPEN_CANDIDATE_STATES,
    OPEN_CASE_STATES,
    Candidate,
    CandidateStatus,
    CaseStatus,
    Document,
    SelectionCase,
    Vacancy,
)
from .decision import Attendance, Meeting, OpenVote, Recusal, VoteChoice
from .inspection import Inspection, TargetDecision
from .notice import Appointment, Complaint, PublicNotice
from .org import Department, Organization
from .post import Post, PostHolding, Quota, Rank
from .recommendation import RecommendationRound, RoundResult
from .record import RecordEvent, verify_chain

__all__ = [
    "OPEN_CANDIDATE_STATES",
    "OPEN_CASE_STATES",
    "AnnualAssessment",
    "Appointment",
    "AssessmentResult",
    "Attendance",
    "Cadre",
    "Candidate",
    "CandidateStatus",
    "CaseStatus",
    "Complaint",
    "Department",
    "Document",
    "EducationLevel",
    "EducationRecord",
    "FamilyMember",
    "HolidaySchedule",
    "Inspection",
    "Kinship",
    "Meeting",
    "OpenVote",
    "Organization",
    "PoliticalStatus",
    "Post",
    "PostHolding",
    "PublicNotice",
    "Quota",
    "Rank",
    "RecommendationRound",
    "RecordEvent",
    "Recusal",
    "ResumeEntry",
    "RoundResult",
    "Sanction",
    "SelectionCase",
    "Sex",
    "TargetDecision",
    "Vacancy",
    "VoteChoice",
    "are_relatives",
    "relatives_of",
    "verify_chain",
]
