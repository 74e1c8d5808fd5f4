"""What every step of a case checks first: its state, its dates, the model's own rules."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from selection.models import (
    CaseStatus,
    SelectionCase,
)

from ..base import ServiceError


def _require_state(case: SelectionCase, *states: str, action: str) -> None:
    if case.status not in states:
        labels = "、".join(str(CaseStatus(s).label) for s in states)
        raise ServiceError(
            f"“{action}”只能在{labels}阶段进行，该批次当前处于“{case.get_status_display()}”阶段。"
        )


def _check_dates(dates: dict[str, date | None]) -> None:
    """R-REG-4 in the services: no date of something done lies after today."""
    today = timezone.localdate()
    late = [label for label, value in dates.items() if value is not None and value > today]
    if late:
        raise ServiceError(f"R-REG-4：{'、'.join(late)}不能晚于今天（{today:%Y年%-m月%-d日}）。")


def _valid(obj, *, exclude: list[str] | None = None) -> None:
    """The model's own checks (dates in order, counts that add up), as a Chinese ServiceError."""

    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ServiceError("；".join(dict.fromkeys(error.messages))) from error
