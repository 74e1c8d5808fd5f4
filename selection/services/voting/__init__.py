"""Online voting: the party group's meeting, secret ballots, sign-offs, reconsideration, and staff ballots
for 会议推荐 and 民主测评 (DESIGN.md "Votes and ballots"; R-DEC-2..7, R-REC-6, R-REC-8, R-INS-5).

Secrecy: nothing here logs, records or returns anything that joins a voter to a choice. A secret ballot is
sealed (selection/sealing.py) before anything is written; its participation row and its sealed row go in
one short transaction; at close the blobs are opened in memory, only counts are stored and the box's private
key is destroyed (docs/SECURITY.md). The record gets counts only, when voting closes.

Casting does its checks, validation and sealing before taking the meeting's or box's row lock, so only the
writes are serialised.
"""

from ..ballots import normalise_code  # the slip page reads it from here
from ..base import ServiceError
from .boxes import (
    CategoryCount,
    PostSection,
    ReceiptCheck,
    _apply_tally,
    _lock_box,
    _online_counts,
    _require_preparing_or_open,
    _validate_choices,
    ballot_sections,
    ballot_size,
    box_for_code,
    cast_staff_ballot,
    check_receipt,
    close_box,
    create_ballot_box,
    enter_paper_tally,
    invite_accounts,
    issue_slips,
    open_box,
    vote_keys,
)
from .common import (
    ALREADY_VOTED,
    BAD_CODE,
    BOX_NOT_OPEN,
    MAX_COUNT,
    VOTING_NOT_OPEN,
    WRONG_OTP,
    WRONG_PASSWORD,
)
from .meetings import (
    _lock_meeting,
    _open_meeting_exists,
    _require_chair,
    ballot_items,
    cast_votes,
    close_voting,
    current_digest,
    open_voting,
    reconsider,
    record_attendance,
    schedule_meeting,
    sign_off,
    signature_status,
)

__all__ = [
    "ALREADY_VOTED",
    "BAD_CODE",
    "BOX_NOT_OPEN",
    "MAX_COUNT",
    "VOTING_NOT_OPEN",
    "WRONG_OTP",
    "WRONG_PASSWORD",
    "CategoryCount",
    "PostSection",
    "ReceiptCheck",
    "ServiceError",
    "_apply_tally",
    "_lock_box",
    "_lock_meeting",
    "_online_counts",
    "_open_meeting_exists",
    "_require_chair",
    "_require_preparing_or_open",
    "_validate_choices",
    "ballot_items",
    "ballot_sections",
    "ballot_size",
    "box_for_code",
    "cast_staff_ballot",
    "cast_votes",
    "check_receipt",
    "close_box",
    "close_voting",
    "create_ballot_box",
    "current_digest",
    "enter_paper_tally",
    "invite_accounts",
    "issue_slips",
    "normalise_code",
    "open_box",
    "open_voting",
    "reconsider",
    "record_attendance",
    "schedule_meeting",
    "sign_off",
    "signature_status",
    "vote_keys",
]
