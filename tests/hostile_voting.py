"""The hostile-input cases of online voting: the party group's meeting and the staff ballots."""

from .hostile_cases import (
    BAD_DAY,
    BAD_MONTH,
    BOX,
    CLOSED_MEETING,
    HUGE,
    MEETING,
    NO_KWARGS,
    SCRIPT,
    SUPERSCRIPT_TWO,
    VOTING_CASE,
    Hostile,
    appraisal,
    box,
    param,
)
from .workflow import TODAY

VOTING_CASES = [
    # ---- online voting: the party group's meeting ----
    param(
        "meeting_schedule-bad-day",
        Hostile(
            "meeting_schedule",
            VOTING_CASE,
            spoil=lambda s: {"held_on": BAD_DAY, "chair": str(s.ours.world.secretary.pk)},
        ),
    ),
    param(
        "meeting_schedule-foreign-chair",
        Hostile(
            "meeting_schedule",
            VOTING_CASE,
            spoil=lambda s: {
                "held_on": TODAY.isoformat(),
                "chair": str(s.users["outsider"].pk),
                "members": ["abc"],
            },
        ),
    ),
    param(
        "meeting_attendance-letters-and-foreign-ids",
        Hostile(
            "meeting_attendance",
            MEETING,
            spoil=lambda s: {
                "present": ["abc", "-1", str(s.users["outsider"].pk)],
                f"reason_{s.users['member'].pk}": HUGE,
            },
            persona="secretary",
        ),
    ),
    param(
        "meeting_attendance-superscript-digit",
        Hostile(
            "meeting_attendance", MEETING, spoil=lambda s: {"present": [SUPERSCRIPT_TWO]}, persona="secretary"
        ),
    ),
    param(
        "meeting_open-script-method",
        Hostile("meeting_open", CLOSED_MEETING, spoil=lambda s: {"method": SCRIPT}, persona="secretary"),
    ),
    param(
        "meeting_vote-unknown-choice",
        Hostile(
            "meeting_vote", MEETING, spoil=lambda s: {f"c_{s.voting.candidate.pk}": "maybe"}, persona="member"
        ),
    ),
    param(
        "meeting_vote-foreign-candidate",
        Hostile(
            "meeting_vote", MEETING, spoil=lambda s: {f"c_{s.theirs.candidate.pk}": "agree"}, persona="member"
        ),
    ),
    param(
        "meeting_vote-superscript-digit",
        Hostile("meeting_vote", MEETING, spoil=lambda s: {f"c_{SUPERSCRIPT_TWO}": "agree"}, persona="member"),
    ),
    param(
        "meeting_sign-huge-password",
        Hostile("meeting_sign", CLOSED_MEETING, spoil=lambda s: {"password": HUGE}, persona="member"),
    ),
    param(
        "meeting_reconsider-negative-count",
        Hostile(
            "meeting_reconsider",
            lambda s: {"pk": s.ours.meeting.pk, "candidate_pk": s.ours.candidate.pk},
            spoil=lambda s: {"agree_to_reopen": "-1", "held_on": BAD_MONTH, "reason": HUGE},
        ),
    ),
    # ---- online voting: staff ballots ----
    param("box_list-unknown-kind", Hostile("box_list", VOTING_CASE, box, lambda s: {"kind": SCRIPT})),
    param("box_list-bad-day", Hostile("box_list", VOTING_CASE, box, lambda s: {"held_on": BAD_DAY})),
    param("box_list-huge-title", Hostile("box_list", VOTING_CASE, box, lambda s: {"title": HUGE})),
    param(
        "box_invite-unknown-category",
        Hostile(
            "box_invite", BOX, spoil=lambda s: {"users": [str(s.users["auditor"].pk)], "category": SCRIPT}
        ),
    ),
    param(
        "box_invite-superscript-digit",
        Hostile("box_invite", BOX, spoil=lambda s: {"users": [SUPERSCRIPT_TWO], "category": "middle"}),
    ),
    param(
        "box_slips-letters-for-count",
        Hostile("box_slips", BOX, spoil=lambda s: {"count": "abc", "category": "other"}),
    ),
    param(
        "box_slips-negative-count",
        Hostile("box_slips", BOX, spoil=lambda s: {"count": "-5", "category": "other"}),
    ),
    param(
        "box_slips-huge-count",
        Hostile("box_slips", BOX, spoil=lambda s: {"count": "100000000", "category": "other"}),
    ),
    param(
        "box_slips-unknown-category",
        Hostile("box_slips", BOX, spoil=lambda s: {"count": "2", "category": SCRIPT}),
    ),
    param(
        "box_paper-letters-for-count", Hostile("box_paper", BOX, spoil=lambda s: {"middle_expected": "abc"})
    ),
    param(
        "box_paper-negative-count",
        Hostile("box_paper", BOX, spoil=lambda s: {"middle_expected": "-5", "middle_actual": "-5"}),
    ),
    param(
        "box_vote-unknown-rating",
        Hostile(
            "box_vote", BOX, appraisal, lambda s: {f"rating_{s.voting.candidate.pk}": SCRIPT}, persona="staff"
        ),
    ),
    param(
        "box_vote-no-opinion",
        Hostile("box_vote", BOX, appraisal, persona="staff", drop=("promotion",)),
    ),
    param(
        "slip_vote-huge-code",
        Hostile("slip_vote", NO_KWARGS, spoil=lambda s: {"code": HUGE}, persona="anonymous"),
    ),
    param(
        "slip_vote-script-code",
        Hostile("slip_vote", NO_KWARGS, spoil=lambda s: {"code": SCRIPT}, persona="anonymous"),
    ),
    param(
        "slip_vote-good-code-bad-ballot",
        Hostile(
            "slip_vote",
            NO_KWARGS,
            appraisal,
            lambda s: {
                "code": s.voting.codes[0],
                "submit": "1",
                f"promotion_{s.voting.candidate.pk}": "maybe",
            },
            persona="anonymous",
        ),
    ),
    param(
        "receipt_check-huge-receipt",
        Hostile(
            "receipt_check",
            NO_KWARGS,
            spoil=lambda s: {"receipt": HUGE},
            persona="anonymous",
            marker="没有找到该回执码",
        ),
    ),
    param(
        "receipt_check-script-receipt",
        Hostile(
            "receipt_check",
            NO_KWARGS,
            spoil=lambda s: {"receipt": SCRIPT},
            persona="anonymous",
            marker="没有找到该回执码",
        ),
    ),
]
