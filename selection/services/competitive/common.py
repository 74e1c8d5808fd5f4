"""What every 竞争上岗 service shares: the plan's fields, the score ceiling, the case-kind check."""

from datetime import date
from decimal import Decimal

from selection.models import (
    SelectionCase,
)

from ..base import ServiceError

PLAN_FIELDS = (
    "decided_on",
    "decision_note",
    "publish_scope",
    "conditions",
    "max_age",
    "min_education",
    "min_work_years",
    "registration_opens",
    "registration_closes",
    "written_on",
    "interview_on",
    "exam_order",
    "written_weight",
    "interview_weight",
    "advance_ratio",
    "max_posts_per_applicant",
    "tie_rule",
)
SCORE_MAX = Decimal(100)


def _competitive(case: SelectionCase) -> None:
    if not case.is_competitive:
        raise ServiceError("该批次不是竞争上岗，不能进行此项操作。")


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
