"""Services of 竞争上岗 (R-CMP-1..8, R-MET-2): one function per user action, the only writers of the
competition rows. Steps of the case graph go through `run_case_step` like the daily procedure's.

One module per stage: plan (方案, 报名), screening (资格审查, 有效竞争), exam (笔试面试), results (考察人选);
common holds what they share. Callers use the package: `from selection.services import competitive`.
"""

from .common import PLAN_FIELDS, SCORE_MAX
from .exam import gates_panel, record_interview_scores, record_written_scores, rules_exam_order, set_examiners
from .plan import close_registration, publish_plan, register, save_plan
from .results import advance_to_inspection, by_key_name, fix_advancing, publish_results
from .screening import (
    answer_review,
    publish_screening,
    reopen_registration,
    request_review,
    run_screening,
    start_exam,
    withdraw_post,
)

__all__ = [
    "PLAN_FIELDS",
    "SCORE_MAX",
    "advance_to_inspection",
    "answer_review",
    "by_key_name",
    "close_registration",
    "fix_advancing",
    "gates_panel",
    "publish_plan",
    "publish_results",
    "publish_screening",
    "record_interview_scores",
    "record_written_scores",
    "register",
    "reopen_registration",
    "request_review",
    "rules_exam_order",
    "run_screening",
    "save_plan",
    "set_examiners",
    "start_exam",
    "withdraw_post",
]
