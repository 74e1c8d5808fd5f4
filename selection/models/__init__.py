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
from .org import Department, Organization
from .post import Post, PostHolding, Quota, Rank

__all__ = [
    "AnnualAssessment",
    "AssessmentResult",
    "Cadre",
    "Department",
    "EducationLevel",
    "EducationRecord",
    "FamilyMember",
    "Kinship",
    "Organization",
    "PoliticalStatus",
    "Post",
    "PostHolding",
    "Quota",
    "Rank",
    "ResumeEntry",
    "Sanction",
    "Sex",
    "are_relatives",
    "relatives_of",
]
