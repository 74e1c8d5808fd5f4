"""The domain models, one module per aggregate (STYLE.md)."""

from .ballot import (
    AgendaItem,
    AppraisalRating,
    BallotBox,
    Invitation,
    MeetingReconsideration,
    ParticipantCategory,
    PromotionOpinion,
    SecretBallot,
    SecretParticipation,
    SignOff,
    StaffBallot,
    meeting_agenda,
)
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
from .competitive import Advancement, CompetitionPlan, Examiner, InterviewScore, Registration
from .decision import Attendance, Meeting, OpenVote, Recusal, VoteChoice
from .export import ExportJob
from .inspection import Inspection, TargetDecision
from .institution import BureauDeliberation
from .notice import Appointment, Complaint, PublicNotice
from .org import Department, Organization
from .post import Post, PostHolding, Quota, Rank
from .probation import ProbationMeeting, ProbationMeetingMember, ProbationOutcome, ProbationReview
from .recommendation import RecommendationRound, RoundResult
from .record import RecordEvent, verify_chain
from .statistics import StructureSnapshot

__all__ = [
    "OPEN_CANDIDATE_STATES",
    "OPEN_CASE_STATES",
    "Advancement",
    "AgendaItem",
    "AnnualAssessment",
    "Appointment",
    "AppraisalRating",
    "AssessmentResult",
    "Attendance",
    "BallotBox",
    "BureauDeliberation",
    "Cadre",
    "Candidate",
    "CandidateStatus",
    "CaseStatus",
    "CompetitionPlan",
    "Complaint",
    "Department",
    "Document",
    "EducationLevel",
    "EducationRecord",
    "Examiner",
    "ExportJob",
    "FamilyMember",
    "HolidaySchedule",
    "Inspection",
    "InterviewScore",
    "Invitation",
    "Kinship",
    "Meeting",
    "MeetingReconsideration",
    "OpenVote",
    "Organization",
    "ParticipantCategory",
    "PoliticalStatus",
    "Post",
    "PostHolding",
    "ProbationMeeting",
    "ProbationMeetingMember",
    "ProbationOutcome",
    "ProbationReview",
    "PromotionOpinion",
    "PublicNotice",
    "Quota",
    "Rank",
    "RecommendationRound",
    "RecordEvent",
    "Recusal",
    "Registration",
    "ResumeEntry",
    "RoundResult",
    "Sanction",
    "SecretBallot",
    "SecretParticipation",
    "SelectionCase",
    "Sex",
    "SignOff",
    "StaffBallot",
    "StructureSnapshot",
    "TargetDecision",
    "Vacancy",
    "VoteChoice",
    "are_relatives",
    "meeting_agenda",
    "relatives_of",
    "verify_chain",
]
