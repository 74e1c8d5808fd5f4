"""Case screens (选拔任用工作): the list, the motion form, the case page with its stage panels, the next
step's checklist and the record timeline, and the candidate page.

Every POST view: authorize (selection.permissions) → validate (selection.forms_cases) → call ONE service
(selection.services.cases) → redirect with a Chinese message. A refusal changes nothing and says why; a
warning without its justification shows a page asking for it; no ServiceError ever becomes a 500.

One module per concern: common (shared helpers), lists (待办, list, motion form), page (the case page),
motion, recommendation, decision, notice (with appointment), candidate.
"""

from django.urls import path

from .candidate import candidate_detail, candidate_not_applicable, candidate_record, candidate_withdraw
from .decision import case_close_meeting, case_meeting, case_opinions
from .lists import case_list, case_new, organization_quota, pending_items
from .motion import (
    case_approve_motion,
    case_edit_motion,
    case_reject_motion,
    case_return_motion,
    case_step,
    case_terminate,
)
from .notice import (
    case_appoint,
    case_complaint,
    case_conclude_complaint,
    case_notice_end,
    case_publish_notice,
)
from .page import case_detail, notice_dates
from .recommendation import case_meeting_skip, case_nominate, case_round, case_targets

__all__ = ["notice_dates", "organization_quota", "pending_items", "urlpatterns"]

urlpatterns = [
    path("cases/", case_list, name="case_list"),
    path("cases/new/", case_new, name="case_new"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/approve-motion/", case_approve_motion, name="case_approve_motion"),
    path("cases/<int:pk>/return-motion/", case_return_motion, name="case_return_motion"),
    path("cases/<int:pk>/reject-motion/", case_reject_motion, name="case_reject_motion"),
    path("cases/<int:pk>/motion/", case_edit_motion, name="case_edit_motion"),
    path("cases/<int:pk>/steps/<slug:step>/", case_step, name="case_step"),
    path("cases/<int:pk>/nominate/", case_nominate, name="case_nominate"),
    path("cases/<int:pk>/rounds/", case_round, name="case_round"),
    path("cases/<int:pk>/targets/", case_targets, name="case_targets"),
    path("cases/<int:pk>/meeting-skip/", case_meeting_skip, name="case_meeting_skip"),
    path("cases/<int:pk>/meetings/", case_meeting, name="case_meeting"),
    path("cases/<int:pk>/meetings/<int:meeting_pk>/opinions/", case_opinions, name="case_opinions"),
    path("cases/<int:pk>/meetings/<int:meeting_pk>/close/", case_close_meeting, name="case_close_meeting"),
    path("cases/<int:pk>/notice/end/", case_notice_end, name="case_notice_end"),
    path("cases/<int:pk>/notice/", case_publish_notice, name="case_publish_notice"),
    path("cases/<int:pk>/complaints/", case_complaint, name="case_complaint"),
    path(
        "cases/<int:pk>/complaints/<int:complaint_pk>/conclude/",
        case_conclude_complaint,
        name="case_conclude_complaint",
    ),
    path("cases/<int:pk>/appoint/", case_appoint, name="case_appoint"),
    path("cases/<int:pk>/terminate/", case_terminate, name="case_terminate"),
    path("cases/<int:pk>/candidates/<int:candidate_pk>/", candidate_detail, name="candidate_detail"),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/not-applicable/",
        candidate_not_applicable,
        name="candidate_not_applicable",
    ),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/record/<slug:section>/",
        candidate_record,
        name="candidate_record",
    ),
    path(
        "cases/<int:pk>/candidates/<int:candidate_pk>/withdraw/",
        candidate_withdraw,
        name="candidate_withdraw",
    ),
]
