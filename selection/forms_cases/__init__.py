"""Forms of the case screens (选拔任用工作). They validate input only; the services check the rules.

Each form turns the POST into the keyword arguments of one service function (`service_kwargs()`), so a
view stays: authorize → validate → call one service → respond. One module per stage; this package
re-exports every form.
"""

from .common import (
    ANSWERED_NEGATIVE_ITEMS,
    JUSTIFY_PREFIX,
    StyledForm,
    UserChoice,
    UsersChoice,
    _date_input,
    _style,
    justifications_from,
    party_group_of,
    people_of,
    secretaries_of,
)
from .decision import (
    MeetingForm,
    OpinionsForm,
)
from .motion import (
    CaseFilterForm,
    MotionForm,
    MotionReviewForm,
    PostChoices,
    motion_initial,
)
from .notice import (
    AppointForm,
    ComplaintForm,
    ConcludeComplaintForm,
    MeetingSkipForm,
    NotApplicableForm,
    NoticeForm,
)
from .recommendation import (
    CadreChoice,
    NominateForm,
    RoundForm,
    TargetsForm,
)
from .record import (
    INSPECTION_FORM_FIELDS,
    YES_NO,
    ExceptionalForm,
    HealthForm,
    InspectionForm,
    NegativeListForm,
    TargetReasonForm,
    TerminateForm,
    WithdrawForm,
)

__all__ = [
    "ANSWERED_NEGATIVE_ITEMS",
    "INSPECTION_FORM_FIELDS",
    "JUSTIFY_PREFIX",
    "YES_NO",
    "AppointForm",
    "CadreChoice",
    "CaseFilterForm",
    "ComplaintForm",
    "ConcludeComplaintForm",
    "ExceptionalForm",
    "HealthForm",
    "InspectionForm",
    "MeetingForm",
    "MeetingSkipForm",
    "MotionForm",
    "MotionReviewForm",
    "NegativeListForm",
    "NominateForm",
    "NotApplicableForm",
    "NoticeForm",
    "OpinionsForm",
    "PostChoices",
    "RoundForm",
    "StyledForm",
    "TargetReasonForm",
    "TargetsForm",
    "TerminateForm",
    "UserChoice",
    "UsersChoice",
    "WithdrawForm",
    "_date_input",
    "_style",
    "justifications_from",
    "motion_initial",
    "party_group_of",
    "people_of",
    "secretaries_of",
]
