"""Property-based hostile input (issue 13): for every form of every URL pattern the permission matrix
knows, Hypothesis fills the form's fields with hostile values and asserts: no 500, a Chinese refusal,
nothing written.

Each page is described once below (`TARGETS`): its URL, the persona who may post to it, a valid base the
hostile values spoil (from tests/test_hostile_input.py), its field names (static and per-object ones)
and which of them must refuse any value holding a control character (all but check boxes, which read any
value as "ticked"). Every example replaces one such field with a control-character string — so the post
must be refused — and a random handful of the other fields with hostile values: huge and negative
numbers, 300,000-character text, impossible dates, scripts, paths, other organizations' ids, lists,
uploads whose bytes lie.

Pages are covered in full or listed in `NO_FORM` with the reason (`test_every_posting_page_is_covered`).
Each example runs in a savepoint rolled back after it; examples are bounded (`XUANBA_HYPOTHESIS_EXAMPLES`,
default 3 per page; deadline off) so the suite stays within a few minutes on PostgreSQL and SQLite.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

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
    database_digest,
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
from .matrix import Sites, shared_sites
from .test_permission_matrix import MATRIX, consume, form_errors
from .workflow import TODAY

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("XUANBA_HYPOTHESIS_EXAMPLES", "3"))
CONTROL_CHARACTERS = [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def sites(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_sites(django_db_blocker, tmp_path_factory.mktemp("media"), with_voting=True) as built:
        yield built


# ---- the pages -----------------------------------------------------------------------------------------


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


# ---- hostile values ------------------------------------------------------------------------------------

control_text = st.builds(
    lambda head, control, tail: head + control + tail,
    st.text(max_size=8),
    st.sampled_from(CONTROL_CHARACTERS),
    st.text(max_size=8),
)
numbers = st.sampled_from(
    [
        "-1",
        "-2147483649",
        "2147483648",
        str(10**30),
        "-" + str(10**30),
        "1e309",
        "NaN",
        "0x10",
        "²",
        "١٢",
        "3.5",
    ]
)
texts = st.one_of(
    st.sampled_from(
        [
            "",
            " \t ",
            SCRIPT,
            "../../../etc/passwd",
            "' OR 1=1 --",
            "2026-02-30",
            "2026年13月5日",
            "9999-12-31",
            "0000-00-00",
            "\ufeff",
            "🧨" * 50,
            "987654321",
        ]
    ),
    st.builds(lambda n: "长" * n, st.sampled_from([201, 2001, 100_000, 300_000])),
    st.text(max_size=40),
)


def hostile_value(files: bool):
    if files:
        return st.builds(
            lambda name, body: SimpleUploadedFile(name, b"\x00" + body),
            st.sampled_from(["a.pdf", "a.jpg", "a.png", "a.xlsx", "a.lrmx", "../../x.pdf", f"{SCRIPT}.pdf"]),
            st.binary(max_size=64),
        )
    return st.one_of(numbers, texts, control_text, st.lists(st.one_of(numbers, texts), max_size=3))


def other_ids(sites: Sites) -> st.SearchStrategy:
    """Ids of the other organization's objects, the most likely to slip through a queryset."""
    theirs = sites.theirs
    return st.sampled_from(
        [
            str(theirs.cadre.pk),
            str(theirs.candidate.pk),
            str(sites.users["outsider"].pk),
            str(theirs.world.org.pk),
        ]
    )


@st.composite
def hostile_posts(draw, target: Target, sites: Sites) -> dict:
    names = list(target.names(sites))
    refusing = target.refusing(sites)
    data = {"csrfmiddlewaretoken": "hostile", **target.base(sites)}
    spoiled = draw(st.sets(st.sampled_from(names), max_size=min(3, len(names))))
    for name in spoiled:
        files = name in target.files
        data[name] = draw(
            st.one_of(hostile_value(files), other_ids(sites)) if not files else hostile_value(True)
        )
    must_refuse = draw(st.sampled_from(refusing))
    data[must_refuse] = draw(hostile_value(True)) if must_refuse in target.files else draw(control_text)
    return data


# ---- the property --------------------------------------------------------------------------------------


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.id)
def test_hostile_values_are_refused_in_chinese_and_change_nothing(db, sites, target):
    client = Client()
    user = sites.users[target.persona]
    if user is not None:
        client.force_login(user)  # before the digest: signing in stamps last_login and the access log
    url = reverse(target.page, kwargs=target.kwargs(sites))
    # A valid base may create what it names on first use (case_new's free post, via get_or_create):
    # build it once before the snapshot, so only the view's writes count as changes.
    target.base(sites)
    before = database_digest()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its input as it is
        derandomize=True,  # the same examples on every run and machine (CI stays reproducible)
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=hostile_posts(target, sites))
    def check(data):
        with transaction.atomic():
            response = client.post(url, data)  # an exception in the view fails the test here
            consume(response)
            changed = sorted(k for k, v in database_digest().items() if before.get(k) != v)
            assert changed == [], f"{data!r} changed {changed}"
            assert response.status_code in (200, 302), response.status_code
            refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
            errors = form_errors(response) if response.status_code == 200 else []
            shown = response.content.decode(errors="replace")
            if response.status_code == 302:
                follow = client.get(response["Location"])
                consume(follow)
                assert follow.status_code == 200, response["Location"]
                shown = follow.content.decode(errors="replace")
                refusals += [
                    str(m) for m in get_messages(follow.wsgi_request) if m.level >= constants.WARNING
                ]
            marker = [target.marker] if target.marker and target.marker in shown else []
            feedback = refusals + errors + marker
            assert feedback, f"refused without a reason: {data!r}"
            assert all(_has_cjk(text) for text in feedback), feedback
            assert SCRIPT not in shown
            transaction.set_rollback(True)

    check()


def test_every_posting_page_is_covered():
    """A page that accepts a POST for someone is either fuzzed here or listed with its reason."""
    posting = {
        name for name, page in MATRIX.items() if any(status in ("200", "302") for status in page.post.split())
    }
    covered = {t.page for t in TARGETS} | NO_FORM.keys()
    assert sorted(posting - covered) == []
    assert sorted(covered - MATRIX.keys()) == []
