"""Services for a selection case: one function per user action (STYLE.md).

Each function is the only code path for its action: views, admin and commands call it. Steps between
stages go through `run_case_step`; the other actions lock the case, check state, write, and record.
One module per stage (motion, recommendation, inspection, decision, notice, exits); this package
re-exports every action, so callers write `services.cases.appoint`.
"""

from .common import (
    _check_dates,
    _require_state,
    _valid,
)
from .decision import (
    _secret_counter,
    cast_open_vote,
    close_meeting,
    convene_meeting,
    record_open_votes,
)
from .exits import (
    _withdraw,
    terminate_case,
    withdraw_candidate,
)
from .inspection import (
    CANDIDATE_FIELDS,
    INSPECTION_FIELDS,
    submit_for_decision,
    update_candidate_record,
)
from .motion import (
    MOTION_FIELD_LABELS,
    _require_pending_motion,
    approve_motion,
    correct_motion,
    nominate,
    open_case,
    reject_motion,
    return_motion,
    start_recommendation,
)
from .notice import (
    _append_resume,
    appoint,
    conclude_complaint,
    extend_notice,
    mark_not_applicable,
    publish_notice,
    record_complaint,
)
from .recommendation import (
    fix_targets,
    record_meeting_skip,
    record_round,
    start_inspection,
)

__all__ = [
    "CANDIDATE_FIELDS",
    "INSPECTION_FIELDS",
    "MOTION_FIELD_LABELS",
    "_append_resume",
    "_check_dates",
    "_require_pending_motion",
    "_require_state",
    "_secret_counter",
    "_valid",
    "_withdraw",
    "appoint",
    "approve_motion",
    "cast_open_vote",
    "close_meeting",
    "conclude_complaint",
    "convene_meeting",
    "correct_motion",
    "extend_notice",
    "fix_targets",
    "mark_not_applicable",
    "nominate",
    "open_case",
    "publish_notice",
    "record_complaint",
    "record_meeting_skip",
    "record_open_votes",
    "record_round",
    "reject_motion",
    "return_motion",
    "start_inspection",
    "start_recommendation",
    "submit_for_decision",
    "terminate_case",
    "update_candidate_record",
    "withdraw_candidate",
]
