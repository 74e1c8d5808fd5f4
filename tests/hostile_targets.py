"""The pages the hostile-input property posts to (test_hostile_hypothesis.py): each page's URL, the
persona who may post to it, a valid base the hostile values spoil, its field names (static and per-object
ones) and which of them must refuse a control character; the pages without a form, with the reason."""

from collections.abc import Callable
from dataclasses import dataclass

from selection.models import ParticipantCategory
from selection.services import voting

from .hostile_cases import (
    BOX,
    CADRE,
    CANDIDATE,
    CASE,
    CLOSED_MEETING,
    MEETING,
    NO_KWARGS,
    VOTING_CASE,
    appraisal,
    box,
    inspection,
    meeting,
    new_cadre,
    new_case,
    nothing,
    our_cadre,
    pdf_file,
    round_,
    section,
    targets,
    upload,
)
from .matrix import Sites
from .workflow import TODAY

Fields = tuple[str, ...] | Callable[[Sites], tuple[str, ...]]


@dataclass(frozen=True)
class Target:
    page: str
    kwargs: Callable[[Sites], dict]
    fields: Fields  # every input the form reads
    base: Callable[[Sites], dict] = nothing
    persona: str = "hr"
    checkboxes: tuple[str, ...] = ()  # fields any value ticks: never the one that must refuse
    files: tuple[str, ...] = ()  # upload fields: hostile values are uploads
    not_refusing: tuple[str, ...] = ()  # read, but a control character may be dropped (slip codes)
    marker: str = ""  # Chinese text of a page answering with its own notice instead of a message
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.page

    def names(self, sites: Sites) -> tuple[str, ...]:
        return self.fields(sites) if callable(self.fields) else self.fields

    def refusing(self, sites: Sites) -> list[str]:
        skip = {*self.checkboxes, *self.not_refusing}
        return [name for name in self.names(sites) if name not in skip]


CADRE_FIELDS = (
    "organization",
    "department",
    "name",
    "sex",
    "id_number",
    "birth_date",
    "ethnicity",
    "native_place",
    "birthplace",
    "party_joined_on",
    "party_note",
    "work_started_on",
    "health",
    "professional_title",
    "expertise",
    "rewards_and_punishments",
    "resume-TOTAL_FORMS",
    "is_active",
)
INSPECTION_FIELDS = (
    "team",
    "started_on",
    "notice_published_on",
    "notice_scope",
    "notice_phone",
    "appraisal_expected",
    "appraisal_actual",
    "rated_excellent",
    "rated_competent",
    "rated_basic",
    "rated_incompetent",
    "agree_promotion",
    "disagree_promotion",
    "opinions",
    "dossier_reviewer",
    "dossier_checked_on",
    "discipline_opinion_on",
    "discipline_conclusion",
    "discipline_clear",
    "personal_matters_checked_on",
    "personal_matters_result",
    "complaints_resolved",
    "pre_review_on",
    "pre_review_reply",
)
COMPETITION = lambda s: {"pk": s.ours.competition.pk}  # noqa: E731
COMPETITION_REGISTRATION = lambda s: {  # noqa: E731
    "pk": s.ours.competition.pk,
    "registration_pk": s.ours.registration.pk,
}
COMPLAINT = lambda s: {"pk": s.ours.case.pk, "complaint_pk": s.ours.complaint.pk}  # noqa: E731
CASE_MEETING = lambda s: {"pk": s.ours.case.pk, "meeting_pk": s.ours.meeting.pk}  # noqa: E731
MEETING_CANDIDATE = lambda s: {"pk": s.ours.meeting.pk, "candidate_pk": s.ours.candidate.pk}  # noqa: E731


def _attendance_fields(s: Sites) -> tuple[str, ...]:
    return ("present", *(f"reason_{m.pk}" for m in s.ours.world.members))


def _paper_fields(s: Sites) -> tuple[str, ...]:
    keys = ("expected", "actual", "valid", *(k for k, _ in voting.vote_keys(s.voting.box)))
    return tuple(f"{c}_{k}" for c in ParticipantCategory.values for k in keys)


def _ballot_fields(s: Sites) -> tuple[str, ...]:
    pk = s.voting.candidate.pk
    return (f"rating_{pk}", f"promotion_{pk}")


def _opinion_fields(s: Sites) -> tuple[str, ...]:
    return tuple(f"vote_{s.ours.candidate.pk}_{m.pk}" for m in s.ours.world.members[:6])


HOLDING = lambda s: {"pk": s.ours.holding.pk}  # noqa: E731


def _decision_fields(s: Sites) -> tuple[str, ...]:
    static = ("held_on", "method", "chair", "members", "present", "basis", "return_post", "minutes")
    return (*static, *(f"vote_{m.pk}" for m in s.ours.world.members))


def _decision(s: Sites) -> dict:
    members = [str(m.pk) for m in s.ours.world.members]
    return {
        "held_on": TODAY.isoformat(),
        "method": "hands",
        "chair": str(s.ours.world.secretary.pk),
        "members": members,
        "present": members,
        "basis": "试用期满考核胜任。",
        **{f"vote_{pk}": "agree" for pk in members},
    }


def _slip(s: Sites) -> dict:
    return {"code": s.voting.codes[0], "submit": "1", **appraisal(s)}


TARGETS: list[Target] = [
    # ---- registry ----
    Target("cadre_create", NO_KWARGS, CADRE_FIELDS, new_cadre, checkboxes=("is_active",)),
    Target("cadre_edit", CADRE, CADRE_FIELDS, our_cadre, checkboxes=("is_active",)),
    Target(
        "kinship_add",
        CADRE,
        ("other", "category"),
        lambda s: {"other": str(s.ours.world.cadres[2].pk), "category": "in_law"},
    ),
    Target("cadre_photo", CADRE, ("photo",), files=("photo",)),
    Target("cadre_import", NO_KWARGS, ("file",), files=("file",), marker="本次没有导入任何数据"),
    Target("cadre_import_confirm", NO_KWARGS, ("token",)),
    Target("lrmx_import", NO_KWARGS, ("files",), files=("files",), marker="本次没有导入任何数据"),
    # ---- cases ----
    Target(
        "case_new",
        NO_KWARGS,
        (
            "title",
            "year",
            "mode",
            "posts",
            "motion_origin",
            "motion_form",
            "motion_date",
            "analysis",
            "method_reason",
        ),
        new_case,
    ),
    Target("case_nominate", CASE, ("cadre", "vacancy")),
    Target("case_round", CASE, ("kind", "held_on", "scope", "expected", "actual", "valid_ballots"), round_),
    Target(
        "case_targets",
        CASE,
        ("meeting_date", "expected_members", "present_members", "targets", "considerations"),
        targets,
    ),
    Target("case_meeting", CASE, ("held_on", "method", "chair", "members", "present", "minutes"), meeting),
    Target(
        "case_meeting_skip",
        CASE,
        ("small_unit", "same_scope", "concentrated", "reason"),
        checkboxes=("small_unit", "same_scope", "concentrated"),
    ),
    Target("case_opinions", CASE_MEETING, _opinion_fields),
    Target(
        "case_publish_notice",
        CASE,
        ("published_on", "scope", "channels"),
        lambda s: {"published_on": "2026-11-26", "scope": "局机关", "channels": "12380"},
    ),
    Target("case_complaint", CASE, ("candidate", "received_on", "summary")),
    Target("case_conclude_complaint", COMPLAINT, ("investigation", "conclusion", "concluded_on")),
    Target("case_appoint", CASE, ("notice_number", "notice_date", "talk_on", "talk_by")),
    Target("case_terminate", CASE, ("reason",)),
    Target(
        "candidate_record",
        section("inspection"),
        INSPECTION_FIELDS,
        inspection,
        checkboxes=("discipline_clear", "complaints_resolved"),
        name="candidate_record-inspection",
    ),
    Target("candidate_record", section("health"), ("health",), name="candidate_record-health"),
    Target(
        "candidate_record",
        section("exceptional"),
        (
            "exceptional",
            "exceptional_type",
            "exceptional_reason",
            "county_consent_number",
            "county_consent_date",
        ),
        checkboxes=("exceptional",),
        name="candidate_record-exceptional",
    ),
    Target(
        "candidate_record",
        section("target_reason"),
        ("target_reason",),
        name="candidate_record-target_reason",
    ),
    Target(
        "candidate_record",
        section("negative"),
        ("item_1", "item_2", "item_4", "item_5", "item_7", "special_post"),
        checkboxes=("special_post",),
        name="candidate_record-negative",
    ),
    Target("candidate_withdraw", CANDIDATE, ("reason",)),
    Target("candidate_not_applicable", CANDIDATE, ("row", "reason")),
    Target(
        "document_upload",
        CASE,
        ("kind", "title", "candidate", "next"),
        lambda s: {**upload(s), "file": pdf_file()},
        not_refusing=("next",),
    ),
    # ---- the party group's meeting ----
    Target("meeting_schedule", VOTING_CASE, ("held_on", "chair", "members")),
    Target("meeting_attendance", CLOSED_MEETING, _attendance_fields, persona="secretary"),
    Target("meeting_open", CLOSED_MEETING, ("method",), persona="secretary"),
    Target("meeting_vote", MEETING, lambda s: (f"c_{s.voting.candidate.pk}",), persona="member"),
    Target("meeting_sign", CLOSED_MEETING, ("password", "otp_token"), persona="member"),
    Target("meeting_reconsider", MEETING_CANDIDATE, ("agree_to_reopen", "held_on", "reason")),
    # ---- staff ballots ----
    Target("box_list", VOTING_CASE, ("kind", "title", "held_on"), box),
    Target("box_invite", BOX, ("users", "category")),
    Target("box_slips", BOX, ("count", "category")),
    Target("box_paper", BOX, _paper_fields),
    Target("box_vote", BOX, _ballot_fields, appraisal, persona="staff"),
    Target(
        "slip_vote",
        NO_KWARGS,
        lambda s: ("code", *_ballot_fields(s)),
        _slip,
        persona="anonymous",
    ),
    Target("receipt_check", NO_KWARGS, ("receipt",), persona="anonymous", marker="没有找到该回执码"),
    # ---- motion review, 竞争上岗, LRMX confirmation ----
    Target(
        "case_edit_motion",
        lambda s: {"pk": s.ours.motion_case.pk},
        (
            "title",
            "year",
            "mode",
            "posts",
            "motion_origin",
            "motion_form",
            "motion_date",
            "analysis",
            "method_reason",
        ),
    ),
    Target("competitive_advancing", COMPETITION, ("decided_on", "advance")),
    Target("competitive_answer", COMPETITION_REGISTRATION, ("answer", "overturned")),
    Target("competitive_apply", COMPETITION, ("statement",), persona="staff"),
    Target("competitive_paper", COMPETITION, ("statement", "signed_form"), files=("signed_form",)),
    Target(
        "competitive_plan",
        COMPETITION,
        (
            "decided_on",
            "decision_note",
            "publish_scope",
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
            "max_age",
            "min_education",
            "min_work_years",
            "conditions",
        ),
    ),
    Target("lrmx_import_confirm", NO_KWARGS, ("token",)),
    Target("competitive_examiners", COMPETITION, ("users",)),
    Target(
        "competitive_effective",
        lambda s: {**COMPETITION(s), "action": "withdraw"},
        ("vacancy", "reason"),
        name="competitive_effective-withdraw",
    ),
    Target(
        "competitive_effective",
        lambda s: {**COMPETITION(s), "action": "reopen"},
        ("closes_on", "reason"),
        name="competitive_effective-reopen",
    ),
    Target(
        "competitive_written",
        COMPETITION,
        lambda s: (f"written_{s.ours.registration.pk}",),
        lambda s: {f"written_{s.ours.registration.pk}": "86.5"},
    ),
    Target(
        "case_return_motion",
        lambda s: {"pk": s.ours.motion_case.pk},
        ("comment",),
        lambda s: {"comment": "请补充岗位空缺情况分析。"},
        persona="secretary",
    ),
    Target(
        "case_reject_motion",
        lambda s: {"pk": s.ours.motion_case.pk},
        ("comment", "confirmed"),
        lambda s: {"comment": "暂不启动。", "confirmed": "1"},
        persona="secretary",
        checkboxes=("confirmed",),
    ),
    # ---- 试用期 ----
    Target(
        "probation_appraisal",
        HOLDING,
        ("on", "expected", "actual", "competent", "basically", "incompetent"),
        lambda s: {
            "on": TODAY.isoformat(),
            "expected": "20",
            "actual": "18",
            "competent": "16",
            "basically": "2",
            "incompetent": "0",
        },
    ),
    Target(
        "probation_assessment",
        HOLDING,
        ("on", "result", "text"),
        lambda s: {"on": TODAY.isoformat(), "result": "competent", "text": "考核胜任。"},
    ),
    Target("probation_decide", HOLDING, _decision_fields, _decision),
    # ---- 一报告两评议 ----
    Target("annual_list", NO_KWARGS, ("year",), lambda s: {"year": "2027"}),
    Target(
        "annual_sections",
        lambda s: {"pk": s.ours.report.pk},
        ("overall", "rules_applied", "problems"),
        lambda s: {"overall": "总体情况良好。", "rules_applied": "", "problems": ""},
    ),
    Target(
        "annual_evaluation",
        lambda s: {"pk": s.ours.evaluated.evaluation_id, "step": "slips"},
        ("count",),
        lambda s: {"count": "5"},
        name="annual_evaluation-slips",
    ),
    Target(
        "annual_follow_up",
        lambda s: {"pk": s.ours.evaluated.pk},
        ("investigated_on", "findings", "conclusion"),
        lambda s: {"investigated_on": TODAY.isoformat(), "findings": "经核实。", "conclusion": "无问题。"},
    ),
    Target(
        "annual_code",
        NO_KWARGS,
        ("code", "submit_ballot"),
        persona="anonymous",
        checkboxes=("submit_ballot",),
    ),
    # ---- the record, the roster ----
    Target(
        "record_check_receipt",
        CASE,
        ("receipt", "digest"),
        persona="auditor",
        files=("receipt",),
    ),
    Target("cadre_roster", NO_KWARGS, ("columns", "format"), lambda s: {"format": "pdf"}),
    # ---- accounts ----
    Target("password_change", NO_KWARGS, ("old_password", "new_password1", "new_password2")),
    Target("two_factor_setup", NO_KWARGS, ("token", "next"), not_refusing=("next",)),
    Target("two_factor_verify", NO_KWARGS, ("token", "next"), not_refusing=("next",)),
]

# Posting pages without a form to fill, or whose writes on any input are their purpose.
NO_FORM = {
    "login": "a failed sign-in is recorded by django-axes by design (tests/test_accounts_security.py)",
    "logout": "no input",
    "kinship_delete": "no input: the page deletes what its URL names",
    "case_approve_motion": "no input",
    "case_step": "no input but the justifications, which are cleaned (tests/test_hostile_fixes.py)",
    "case_close_meeting": "no input",
    "meeting_close": "no input",
    "box_open": "no input",
    "box_close": "no input",
    "case_export": "no input: it queues a background export of the case",
    "record_verify": "no input: storing the verification it runs is its purpose",
    "competitive_step": "no input",
    "competitive_screening": "no input",
    "cadre_structure_snapshot": "no input: storing the year's snapshot is its purpose",
}
