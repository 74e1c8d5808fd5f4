"""Voting pages: the party group's meeting (attendance, vote, close, sign-off, 复议) and staff ballots
(会议推荐, 民主测评: invitations, slips, ballot, count, paper tally, receipt check).

Thin views: authorize → validate → call one service (selection/services/voting/) → respond. Every rule,
including who may vote and when, is enforced by the services; the pages only choose what to show.
Phone first: one screen, `.btn-vote` targets, a confirmation dialog (Bootstrap data attributes, no script).
"""

from django.urls import path

from .ballots import (
    box_close,
    box_detail,
    box_invite,
    box_list,
    box_open,
    box_paper,
    box_slips,
    box_vote,
    receipt_check,
    slip_vote,
)
from .common import party_group
from .meetings import (
    meeting_attendance,
    meeting_close,
    meeting_detail,
    meeting_open,
    meeting_reconsider,
    meeting_schedule,
    meeting_sign,
    meeting_vote,
)
from .todo import PendingItem, pending_items

__all__ = ["PendingItem", "party_group", "pending_items", "urlpatterns"]

urlpatterns = [
    path("cases/<int:pk>/meetings/new/", meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/open/", meeting_open, name="meeting_open"),
    path("meetings/<int:pk>/vote/", meeting_vote, name="meeting_vote"),
    path("meetings/<int:pk>/close/", meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/sign/", meeting_sign, name="meeting_sign"),
    path("meetings/<int:pk>/reconsider/<int:candidate_pk>/", meeting_reconsider, name="meeting_reconsider"),
    path("cases/<int:pk>/ballots/", box_list, name="box_list"),
    path("ballots/<int:pk>/", box_detail, name="box_detail"),
    path("ballots/<int:pk>/invite/", box_invite, name="box_invite"),
    path("ballots/<int:pk>/slips/", box_slips, name="box_slips"),
    path("ballots/<int:pk>/open/", box_open, name="box_open"),
    path("ballots/<int:pk>/close/", box_close, name="box_close"),
    path("ballots/<int:pk>/paper/", box_paper, name="box_paper"),
    path("ballots/<int:pk>/vote/", box_vote, name="box_vote"),
    path("vote/", slip_vote, name="slip_vote"),
    path("vote/receipt/", receipt_check, name="receipt_check"),
]
