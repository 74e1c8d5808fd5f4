"""Helpers for the evaluation secrecy tests (R-ANR-2): a year's report with an open evaluation and voters."""

from datetime import date

from accounts.roles import Role
from selection.models import EvaluatedCadre
from selection.models.annual import WORK_QUESTIONS
from selection.services import annual

from .factories import CadreFactory, UserFactory

DAY = date(2026, 11, 26)
# What a plaintext evaluation ballot would contain: its JSON keys and the option values.
MARKERS = (b'"answers"', b'"problems"', b'"suggestion"', b'"cadres"', b"fair_good", b"disagree")


def staff_voters(org, n: int) -> list:
    return [
        UserFactory(username=f"v{i}", full_name=f"评议人{i}", organization=org, roles=[Role.STAFF])
        for i in range(n)
    ]


def work_choices(rating: str, problems=(), suggestion: str = "") -> dict:
    return {
        "answers": {str(i): rating for i in range(len(WORK_QUESTIONS))},
        "problems": list(problems),
        "suggestion": suggestion,
    }


def open_work(org, hr, voters):
    report = annual.open_report(org, 2026, by=hr, today=DAY)
    work = report.evaluations.get(kind="work")
    annual.invite_accounts(work, by=hr, users=voters)
    return annual.open_evaluation(work, by=hr)


def open_cadre(org, hr, voters, cadres: int = 2):
    """A cadre evaluation of `cadres` cadres promoted in the year (rows made directly: the registry's
    promotions are tested in test_annual)."""
    report = annual.open_report(org, 2026, by=hr, today=DAY)
    evaluation = report.evaluations.get(kind="cadre")
    EvaluatedCadre.objects.bulk_create(
        [
            EvaluatedCadre(
                evaluation=evaluation, cadre=CadreFactory(organization=org), post="科长", appointed_on=DAY
            )
            for _ in range(cadres)
        ]
    )
    annual.invite_accounts(evaluation, by=hr, users=voters)
    return annual.open_evaluation(evaluation, by=hr)


# (rating, problems, suggestion) of each voter of the work evaluation, all different in length
WORK_VOTES = [
    ("good", [], ""),
    ("poor", [0, 1, 2, 3, 4, 5, 6, 7, 8], "干部选拔任用工作应当更加公开透明，多听取基层干部职工的意见。"),
    ("fair_good", [2], "无"),
    ("average", [], ""),
]
