"""The hostile-input cases of a case's procedure: motion, recommendation, a candidate's record, decision,
notice and appointment, attachments.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from .hostile_cases import (
    BAD_DAY,
    BAD_MONTH,
    CANDIDATE,
    CASE,
    HUGE,
    MISSING,
    MOTION,
    NO_KWARGS,
    SCRIPT,
    VOTING_CANDIDATE,
    Hostile,
    inspection,
    meeting,
    new_case,
    param,
    round_,
    section,
    targets,
    text_as,
    upload,
)
from .workflow import TODAY

PROCEDURE_CASES = [
    # ---- cases: the motion ----
    param("case_new-letters-for-year", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"year": "abc"})),
    param("case_new-negative-year", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"year": "-1"})),
    param("case_new-huge-title", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"title": HUGE})),
    param(
        "case_new-script-title-echoed",
        Hostile("case_new", NO_KWARGS, new_case, lambda s: {"title": SCRIPT, "motion_date": BAD_DAY}),
    ),
    param(
        "case_new-bad-month", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"motion_date": BAD_MONTH})
    ),
    param(
        "case_new-foreign-post",
        Hostile("case_new", NO_KWARGS, new_case, lambda s: {"posts": [str(s.theirs.world.post.pk)]}),
    ),
    param("case_new-missing-post", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"posts": [MISSING]})),
    param("case_new-unknown-mode", Hostile("case_new", NO_KWARGS, new_case, lambda s: {"mode": SCRIPT})),
    param(
        "case_new-huge-analysis",
        Hostile("case_new", NO_KWARGS, new_case, lambda s: {"analysis": HUGE}),
    ),
    param(
        "case_step-huge-justification",
        Hostile(
            "case_step",
            lambda s: {**MOTION(s), "step": "start_recommendation"},
            spoil=lambda s: {"justify_x": HUGE},
        ),
    ),
    # ---- cases: recommendation ----
    param(
        "case_nominate-foreign-cadre",
        Hostile(
            "case_nominate",
            CASE,
            spoil=lambda s: {"cadre": str(s.theirs.cadre.pk), "vacancy": str(s.ours.case.vacancies.get().pk)},
        ),
    ),
    param(
        "case_nominate-foreign-vacancy",
        Hostile(
            "case_nominate",
            CASE,
            spoil=lambda s: {
                "cadre": str(s.ours.world.cadres[2].pk),
                "vacancy": str(s.theirs.case.vacancies.get().pk),
            },
        ),
    ),
    param(
        "case_nominate-letters",
        Hostile("case_nominate", CASE, spoil=lambda s: {"cadre": "abc", "vacancy": "x"}),
    ),
    param("case_round-negative-count", Hostile("case_round", CASE, round_, lambda s: {"expected": "-5"})),
    param("case_round-letters-for-count", Hostile("case_round", CASE, round_, lambda s: {"actual": "abc"})),
    param("case_round-bad-day", Hostile("case_round", CASE, round_, lambda s: {"held_on": BAD_DAY})),
    param("case_round-huge-scope", Hostile("case_round", CASE, round_, lambda s: {"scope": HUGE})),
    param(
        "case_round-negative-votes",
        Hostile(
            "case_round",
            CASE,
            round_,
            lambda s: {f"votes_{c.pk}": "-3" for c in s.ours.case.candidates.filter(status="nominated")},
        ),
    ),
    param(
        "case_targets-letters-for-count",
        Hostile("case_targets", CASE, targets, lambda s: {"expected_members": "abc"}),
    ),
    param(
        "case_targets-more-present-than-expected",
        Hostile("case_targets", CASE, targets, lambda s: {"present_members": "99"}),
    ),
    param(
        "case_targets-foreign-candidate",
        Hostile("case_targets", CASE, targets, lambda s: {"targets": [str(s.theirs.candidate.pk)]}),
    ),
    param(
        "case_targets-bad-month",
        Hostile("case_targets", CASE, targets, lambda s: {"meeting_date": BAD_MONTH}),
    ),
    param(
        "case_meeting_skip-huge-reason",
        Hostile("case_meeting_skip", CASE, spoil=lambda s: {"small_unit": "on", "reason": HUGE}),
    ),
    param(
        "case_meeting_skip-blank-reason",
        Hostile("case_meeting_skip", CASE, spoil=lambda s: {"concentrated": "on", "reason": "  "}),
    ),
    # ---- cases: a candidate's record ----
    param(
        "candidate_record-negative-unknown-answer",
        Hostile("candidate_record", section("negative"), spoil=lambda s: {"item_1": "maybe"}),
    ),
    param(
        "candidate_record-health-unknown",
        Hostile("candidate_record", section("health"), spoil=lambda s: {"health": SCRIPT}),
    ),
    param(
        "candidate_record-exceptional-bad-day",
        Hostile("candidate_record", section("exceptional"), spoil=lambda s: {"county_consent_date": BAD_DAY}),
    ),
    param(
        "candidate_record-exceptional-unknown-type",
        Hostile("candidate_record", section("exceptional"), spoil=lambda s: {"exceptional_type": "x"}),
    ),
    param(
        "candidate_record-exceptional-huge-number",
        Hostile("candidate_record", section("exceptional"), spoil=lambda s: {"county_consent_number": HUGE}),
    ),
    param(
        "candidate_record-inspection-negative-count",
        Hostile(
            "candidate_record", section("inspection"), inspection, lambda s: {"appraisal_expected": "-1"}
        ),
    ),
    param(
        "candidate_record-inspection-letters-for-count",
        Hostile("candidate_record", section("inspection"), inspection, lambda s: {"rated_excellent": "abc"}),
    ),
    param(
        "candidate_record-inspection-bad-month",
        Hostile("candidate_record", section("inspection"), inspection, lambda s: {"started_on": BAD_MONTH}),
    ),
    param(
        "candidate_record-inspection-foreign-team-member",
        Hostile(
            "candidate_record",
            section("inspection"),
            inspection,
            lambda s: {"team": [str(s.users["outsider"].pk)]},
        ),
    ),
    param(
        "candidate_record-inspection-huge-scope",
        Hostile("candidate_record", section("inspection"), inspection, lambda s: {"notice_scope": HUGE}),
    ),
    param(
        "candidate_record-inspection-script-echoed",
        Hostile(
            "candidate_record",
            section("inspection"),
            inspection,
            lambda s: {"opinions": SCRIPT, "dossier_checked_on": BAD_DAY},
        ),
    ),
    param(
        "candidate_not_applicable-unknown-row",
        Hostile("candidate_not_applicable", CANDIDATE, spoil=lambda s: {"row": SCRIPT, "reason": "不适用"}),
    ),
    param(
        "candidate_not_applicable-huge-reason",
        Hostile("candidate_not_applicable", CANDIDATE, spoil=lambda s: {"row": "x", "reason": HUGE}),
    ),
    param(
        "candidate_withdraw-blank-reason",
        Hostile("candidate_withdraw", CANDIDATE, spoil=lambda s: {"reason": "   "}),
    ),
    param(
        "candidate_withdraw-huge-reason",
        Hostile("candidate_withdraw", VOTING_CANDIDATE, spoil=lambda s: {"reason": HUGE}),
    ),
    # ---- cases: decision, notice, appointment ----
    param(
        "case_meeting-foreign-chair",
        Hostile("case_meeting", CASE, meeting, lambda s: {"chair": str(s.users["outsider"].pk)}),
    ),
    param(
        "case_meeting-foreign-members",
        Hostile(
            "case_meeting", CASE, meeting, lambda s: {"members": [str(m.pk) for m in s.theirs.world.members]}
        ),
    ),
    param(
        "case_meeting-secret-method-offline",
        Hostile("case_meeting", CASE, meeting, lambda s: {"method": "secret"}),
    ),
    param("case_meeting-bad-day", Hostile("case_meeting", CASE, meeting, lambda s: {"held_on": BAD_DAY})),
    param(
        "case_opinions-unknown-choice",
        Hostile(
            "case_opinions",
            lambda s: {"pk": s.ours.case.pk, "meeting_pk": s.ours.meeting.pk},
            spoil=lambda s: {f"vote_{s.ours.candidate.pk}_{s.users['member'].pk}": "maybe"},
        ),
    ),
    param(
        "case_publish_notice-bad-month",
        Hostile(
            "case_publish_notice",
            CASE,
            spoil=lambda s: {"published_on": BAD_MONTH, "scope": "局机关", "channels": "12380"},
        ),
    ),
    param(
        "case_publish_notice-huge-scope",
        Hostile(
            "case_publish_notice",
            CASE,
            spoil=lambda s: {"published_on": TODAY.isoformat(), "scope": HUGE, "channels": "12380"},
        ),
    ),
    param(
        "case_complaint-foreign-candidate",
        Hostile(
            "case_complaint",
            CASE,
            spoil=lambda s: {
                "candidate": str(s.theirs.candidate.pk),
                "received_on": TODAY.isoformat(),
                "summary": "反映问题",
            },
        ),
    ),
    param(
        "case_complaint-script-echoed",
        Hostile(
            "case_complaint",
            CASE,
            spoil=lambda s: {
                "candidate": str(s.ours.candidate.pk),
                "received_on": BAD_DAY,
                "summary": SCRIPT,
            },
        ),
    ),
    param(
        "case_conclude_complaint-unknown-conclusion",
        Hostile(
            "case_conclude_complaint",
            lambda s: {"pk": s.ours.case.pk, "complaint_pk": s.ours.complaint.pk},
            spoil=lambda s: {
                "investigation": "已核实",
                "conclusion": SCRIPT,
                "concluded_on": TODAY.isoformat(),
            },
        ),
    ),
    param(
        "case_conclude_complaint-bad-day",
        Hostile(
            "case_conclude_complaint",
            lambda s: {"pk": s.ours.case.pk, "complaint_pk": s.ours.complaint.pk},
            spoil=lambda s: {"investigation": "已核实", "conclusion": "no_effect", "concluded_on": BAD_DAY},
        ),
    ),
    param(
        "case_appoint-bad-month",
        Hostile(
            "case_appoint",
            CASE,
            spoil=lambda s: {"notice_number": "安医保〔2026〕9号", "notice_date": BAD_MONTH},
        ),
    ),
    param(
        "case_appoint-huge-number",
        Hostile(
            "case_appoint", CASE, spoil=lambda s: {"notice_number": HUGE, "notice_date": TODAY.isoformat()}
        ),
    ),
    param("case_terminate-blank-reason", Hostile("case_terminate", CASE, spoil=lambda s: {"reason": " \t "})),
    param(
        "case_terminate-huge-reason",
        Hostile("case_terminate", CASE, spoil=lambda s: {"reason": HUGE}),
    ),
    # ---- attachments ----
    param(
        "document_upload-text-named-pdf",
        Hostile("document_upload", CASE, upload, lambda s: {"file": text_as("材料.pdf")}),
    ),
    param(
        "document_upload-text-named-jpg",
        Hostile("document_upload", CASE, upload, lambda s: {"file": text_as("材料.jpg")}),
    ),
    param(
        "document_upload-empty-file",
        Hostile("document_upload", CASE, upload, lambda s: {"file": SimpleUploadedFile("材料.pdf", b"")}),
    ),
    param(
        "document_upload-unknown-kind",
        Hostile(
            "document_upload",
            CASE,
            upload,
            lambda s: {"kind": SCRIPT, "file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n")},
        ),
    ),
    param(
        "document_upload-foreign-candidate",
        Hostile(
            "document_upload",
            CASE,
            upload,
            lambda s: {
                "candidate": str(s.theirs.candidate.pk),
                "file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n"),
            },
        ),
    ),
    param(
        "document_upload-letters-for-candidate",
        Hostile(
            "document_upload",
            CASE,
            upload,
            lambda s: {"candidate": "abc", "file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n")},
        ),
    ),
    param(
        "document_upload-huge-title",
        Hostile(
            "document_upload",
            CASE,
            upload,
            lambda s: {"title": HUGE, "file": SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n")},
        ),
    ),
    param(
        "document_upload-script-file-name",
        Hostile("document_upload", CASE, upload, lambda s: {"file": text_as(f"{SCRIPT}.pdf")}),
    ),
]
