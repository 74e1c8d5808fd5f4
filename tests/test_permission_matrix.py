"""Who may do what, page by page: every named URL × persona × method, with the status it must answer.

The table (`MATRIX`) is data: one entry per URL pattern name, each row listing the expected status for
the personas of `PERSONAS` in order. `L` means a redirect to the login page, `302` a redirect anywhere
else. Rows state what SHOULD happen; `DEFECTS` lists the cells where the app answers otherwise today,
each a strict xfail naming the cause, so fixing the app turns the xfail into a failure to clean up.

Objects come from tests/matrix.py: each page is requested for an object of our organization (`ours`) and,
when it names one, for the same kind of object of the outsider's organization (`theirs`): there our
personas get 404 and the outsider, HR of that organization, gets what our HR gets. POST bodies are
empty forms: the app answers 200 with a form error, a redirect with a message, 403, 404 or 405, never 500.

A named pattern missing from the table fails `test_every_url_pattern_has_a_matrix_entry`.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from django.contrib.messages import get_messages
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse

from selection.exports import EXPORT_KINDS, ExportFile
from selection.views import documents

from .matrix import PERSONAS, Site, shared_sites, url_pattern_names

pytestmark = pytest.mark.django_db  # also makes pytest-django set up the test database for `sites`

LOGIN_URL = "/accounts/login/"

# Common rows, personas in order: anonymous, staff, hr, member, secretary, auditor, outsider.
ALL_405 = "L 405 405 405 405 405 405"  # the method the view refuses (the login redirect comes first)
PUBLIC_405 = "405 405 405 405 405 405 405"  # …on a page that needs no login
SIGNED_IN = "L 200 200 200 200 200 200"
PUBLIC = "200 200 200 200 200 200 200"
REGISTRY_READ = "L 403 200 200 200 200 200"  # lists: the outsider sees their own organization's
HR_ONLY = "L 403 200 403 403 403 200"  # pages of HR's own organization (the outsider is HR elsewhere)
HR_ONLY_REDIRECT = "L 403 302 403 403 403 302"

# Pages naming one of our objects…
OURS_READ = "L 403 200 200 200 200 404"
OURS_HR = "L 403 200 403 403 403 404"
OURS_HR_REDIRECT = "L 403 302 403 403 403 404"
OURS_ARCHIVE = "L 403 200 403 403 200 404"  # HR and the auditor: the case file and its attachments
# …and the same pages naming the outsider's object: 404 for us, our HR's answer for the outsider.
THEIRS_READ = "L 403 404 404 404 404 200"
THEIRS_HR_REDIRECT = "L 403 404 404 404 404 302"
THEIRS_CHAIR = "L 403 404 404 404 404 403"  # the outsider is HR, not the chair of their meeting


@dataclass(frozen=True)
class Page:
    """Expected rows for one URL pattern; `obj` names the builder of its URL kwargs (None: no kwargs)."""

    get: str
    post: str
    obj: str | None = None
    theirs_get: str | None = None
    theirs_post: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # fixed kwargs (a document kind, a step, a section)


# Builders of URL kwargs from a site's objects.
OBJECTS: dict[str, Callable[[Site], dict]] = {
    "cadre": lambda s: {"pk": s.cadre.pk},
    "kinship": lambda s: {"pk": s.cadre.pk, "kinship_pk": s.kinship.pk},
    "case": lambda s: {"pk": s.case.pk},
    "motion_case": lambda s: {"pk": s.motion_case.pk},
    "case_meeting": lambda s: {"pk": s.case.pk, "meeting_pk": s.meeting.pk},
    "complaint": lambda s: {"pk": s.case.pk, "complaint_pk": s.complaint.pk},
    "candidate": lambda s: {"pk": s.case.pk, "candidate_pk": s.candidate.pk},
    "candidate_pdf": lambda s: {"case_pk": s.case.pk, "pk": s.candidate.pk},
    "case_document": lambda s: {"pk": s.case.pk, "document_pk": s.document.pk},
    "document": lambda s: {"pk": s.document.pk},
    "meeting": lambda s: {"pk": s.meeting.pk},
    "meeting_candidate": lambda s: {"pk": s.meeting.pk, "candidate_pk": s.candidate.pk},
    "box": lambda s: {"pk": s.box.pk},
    "competition": lambda s: {"pk": s.competition.pk},
    "registration": lambda s: {"registration_pk": s.registration.pk},
    "competition_registration": lambda s: {"pk": s.competition.pk, "registration_pk": s.registration.pk},
    "export": lambda s: {"pk": s.export.pk},
    "holding": lambda s: {"pk": s.holding.pk},
    "report": lambda s: {"pk": s.report.pk},
    "evaluation": lambda s: {"pk": s.report.evaluations.get(kind="work").pk},
    "evaluated": lambda s: {"pk": s.evaluated.pk},
}

MATRIX: dict[str, Page] = {
    # ---- accounts and the landing page ----
    "home": Page(get=SIGNED_IN, post=ALL_405),
    "healthz": Page(get=PUBLIC, post=PUBLIC_405),
    "login": Page(get="200 302 302 302 302 302 302", post="200 302 302 302 302 302 302"),
    "logout": Page(get=ALL_405, post="L 302 302 302 302 302 302"),
    "password_change": Page(get=SIGNED_IN, post=SIGNED_IN),
    "password_change_done": Page(get=SIGNED_IN, post=ALL_405),
    # Nobody has enrolled: GET shows the QR code; a POST before any QR code was shown is sent back to it.
    "two_factor_setup": Page(get=SIGNED_IN, post="L 302 302 302 302 302 302"),
    "two_factor_verify": Page(get="L 302 302 302 302 302 302", post="L 302 302 302 302 302 302"),
    # ---- 节假日安排 (the administrator only) and 规则说明 (everyone signed in) ----
    "holiday_list": Page(get="L 403 403 403 403 403 403", post=ALL_405),
    "holiday_edit": Page(get="L 403 403 403 403 403 403", post="L 403 403 403 403 403 403"),
    "rule_list": Page(get=SIGNED_IN, post=ALL_405),
    # ---- the registry ----
    "cadre_list": Page(get=REGISTRY_READ, post=ALL_405),
    "cadre_export": Page(get=REGISTRY_READ, post=ALL_405),
    # 花名册 (issue 15): an empty POST is refused with a message; the list readers may ask for one.
    "cadre_roster": Page(get=REGISTRY_READ, post=REGISTRY_READ),
    "cadre_structure": Page(get=REGISTRY_READ, post=ALL_405),
    "cadre_structure_export": Page(get=REGISTRY_READ, post=ALL_405),
    "cadre_structure_snapshot": Page(get=ALL_405, post=HR_ONLY_REDIRECT),
    "supervision_detail": Page(extra=(("kind", "vacant_posts"),), get=REGISTRY_READ, post=ALL_405),
    "cadre_create": Page(get=HR_ONLY, post=HR_ONLY),
    "cadre_detail": Page(obj="cadre", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "cadre_edit": Page(
        obj="cadre", get=OURS_HR, post=OURS_HR, theirs_get=THEIRS_READ, theirs_post=THEIRS_READ
    ),
    "cadre_photo": Page(obj="cadre", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    "cadre_photo_file": Page(obj="cadre", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "cadre_history": Page(obj="cadre", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "kinship_add": Page(
        obj="cadre", get=OURS_HR, post=OURS_HR, theirs_get=THEIRS_READ, theirs_post=THEIRS_READ
    ),
    "kinship_delete": Page(obj="kinship", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    # ---- Excel and LRMX ----
    "cadre_import": Page(get=HR_ONLY, post=HR_ONLY),
    "cadre_import_confirm": Page(get=ALL_405, post=HR_ONLY_REDIRECT),
    "cadre_import_template": Page(get=HR_ONLY, post=ALL_405),
    "lrmx_import": Page(get=HR_ONLY, post=HR_ONLY),
    "lrmx_import_confirm": Page(get=ALL_405, post=HR_ONLY_REDIRECT),
    "cadre_lrmx": Page(obj="cadre", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    # ---- PDFs ----
    "cadre_approval_form": Page(obj="cadre", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "candidate_approval_form": Page(obj="candidate_pdf", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "candidate_document": Page(
        obj="candidate_pdf",
        extra=(("kind", "record-form"),),
        get=OURS_ARCHIVE,
        post=ALL_405,
        theirs_get=THEIRS_READ,
    ),
    "case_document": Page(
        obj="case", extra=(("kind", "public-notice"),), get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ
    ),
    # An attachment, not the official 任免审批表: the party group may not read it (R-DEC-4).
    "stored_document": Page(obj="case_document", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    # ---- background exports: HR and the auditor request the case file and share the built file ----
    "case_export": Page(
        obj="case",
        extra=(("kind", "case-file"),),
        get=ALL_405,
        post="L 403 302 403 403 302 404",
        theirs_post="L 403 404 404 404 404 302",
    ),
    "export_job": Page(obj="export", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    "export_job_status": Page(obj="export", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    "export_job_file": Page(obj="export", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    # ---- the pickers' search (cadres: registry readers; users: HR only) ----
    "picker": Page(get=REGISTRY_READ, post=ALL_405, extra=(("source", "cadres"),)),
    # ---- cases ----
    "case_list": Page(get=REGISTRY_READ, post=ALL_405),
    "case_new": Page(get=HR_ONLY, post=HR_ONLY),
    "case_detail": Page(obj="case", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "case_approve_motion": Page(
        obj="motion_case",
        get=ALL_405,
        post="L 403 403 403 302 403 404",  # the main leader only
        theirs_post="L 403 404 404 404 404 403",
    ),
    # 退回修改 / 不同意 with an empty comment: the main leader gets the form error (200).
    "case_return_motion": Page(
        obj="motion_case", get=ALL_405, post="L 403 403 403 200 403 404", theirs_post=THEIRS_CHAIR
    ),
    "case_reject_motion": Page(
        obj="motion_case", get=ALL_405, post="L 403 403 403 200 403 404", theirs_post=THEIRS_CHAIR
    ),
    "case_edit_motion": Page(
        obj="motion_case", get=OURS_HR, post=OURS_HR, theirs_get=THEIRS_READ, theirs_post=THEIRS_READ
    ),
    "case_step": Page(
        obj="motion_case",
        extra=(("step", "start_recommendation"),),
        get=ALL_405,
        post=OURS_HR_REDIRECT,  # refused (R-MOT-2, not yet approved): a message, nothing changes
        theirs_post=THEIRS_HR_REDIRECT,
    ),
    "case_nominate": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_round": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_targets": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_meeting": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_meeting_skip": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_opinions": Page(
        obj="case_meeting", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "case_close_meeting": Page(
        obj="case_meeting",
        get=ALL_405,
        post="L 403 200 403 200 403 404",  # HR or the chairing main leader: asked to confirm first
        theirs_post=THEIRS_READ,
    ),
    "case_notice_end": Page(obj="case", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "case_publish_notice": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_complaint": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_conclude_complaint": Page(obj="complaint", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_appoint": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "case_terminate": Page(obj="case", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    # The candidate page looks the case up before the role: staff get 404 for another organization's.
    "candidate_detail": Page(
        obj="candidate", get=OURS_READ, post=ALL_405, theirs_get="L 404 404 404 404 404 200"
    ),
    "candidate_record": Page(
        obj="candidate",
        extra=(("section", "negative"),),
        get=ALL_405,
        post=OURS_HR,
        theirs_post="L 404 404 404 404 404 200",
    ),
    "candidate_withdraw": Page(
        obj="candidate", get=ALL_405, post=OURS_HR, theirs_post="L 404 404 404 404 404 200"
    ),
    "candidate_not_applicable": Page(
        obj="candidate", get=ALL_405, post=OURS_HR, theirs_post="L 404 404 404 404 404 200"
    ),
    # ---- 试用期 (R-PRB) ----
    "probation_list": Page(get=REGISTRY_READ, post=ALL_405),
    "probation_detail": Page(obj="holding", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "probation_appraisal": Page(obj="holding", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "probation_assessment": Page(obj="holding", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "probation_decide": Page(obj="holding", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    # R-REQ-4: recorded by the parent bureau's HR only; our bureau and the outsider's have no parent.
    "case_deliberation": Page(
        obj="case",
        get=OURS_READ,
        post="L 403 403 403 403 403 404",
        theirs_get=THEIRS_READ,
        theirs_post=THEIRS_CHAIR,
    ),
    # ---- 一报告两评议 (R-ANR) ----
    "annual_list": Page(get=REGISTRY_READ, post=HR_ONLY),
    "annual_detail": Page(obj="report", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "annual_sections": Page(obj="report", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    "annual_pdf": Page(obj="report", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    # Nobody is invited to the site's evaluation (and it is not open): the ballot page is 404 for all.
    "annual_vote": Page(
        obj="evaluation",
        get="L 404 404 404 404 404 404",
        post="L 404 404 404 404 404 404",
        theirs_get="L 404 404 404 404 404 404",
    ),
    "annual_evaluation": Page(
        obj="evaluation",
        extra=(("step", "open"),),  # refused: nobody invited yet (a message, nothing changes)
        get=ALL_405,
        post=OURS_HR_REDIRECT,
        theirs_post=THEIRS_HR_REDIRECT,
    ),
    "annual_follow_up": Page(
        obj="evaluated", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "annual_code": Page(get=PUBLIC, post=PUBLIC),
    # ---- attachments and the record ----
    "document_upload": Page(obj="case", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    "document_download": Page(obj="document", get=OURS_ARCHIVE, post=ALL_405, theirs_get=THEIRS_READ),
    "record_audit": Page(get="L 403 403 403 403 200 403", post=ALL_405),
    "record_case": Page(
        obj="case", get="L 403 403 403 403 200 404", post=ALL_405, theirs_get="L 403 404 404 404 404 403"
    ),
    "record_verify": Page(
        obj="case", get=ALL_405, post="L 403 403 403 403 302 404", theirs_post="L 403 404 404 404 404 403"
    ),
    "record_check_receipt": Page(
        obj="case", get=ALL_405, post="L 403 403 403 403 302 404", theirs_post="L 403 404 404 404 404 403"
    ),
    "record_receipt": Page(obj="case", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    # ---- online voting: the party group's meeting ----
    "meeting_schedule": Page(
        obj="case",
        get="L 403 200 403 200 403 404",  # HR or the main leader
        post="L 403 200 403 200 403 404",
        theirs_get=THEIRS_READ,
        theirs_post=THEIRS_READ,
    ),
    "meeting_detail": Page(obj="meeting", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "meeting_attendance": Page(
        obj="meeting", get=ALL_405, post="L 403 403 403 302 403 404", theirs_post=THEIRS_CHAIR
    ),
    "meeting_open": Page(
        obj="meeting", get=ALL_405, post="L 403 403 403 302 403 404", theirs_post=THEIRS_CHAIR
    ),
    "meeting_vote": Page(
        obj="meeting", get=ALL_405, post="L 403 403 302 302 403 404", theirs_post=THEIRS_CHAIR
    ),
    "meeting_close": Page(
        obj="meeting", get=ALL_405, post="L 403 403 403 302 403 404", theirs_post=THEIRS_CHAIR
    ),
    "meeting_sign": Page(
        obj="meeting", get=ALL_405, post="L 403 403 302 302 403 404", theirs_post=THEIRS_CHAIR
    ),
    "meeting_reconsider": Page(
        obj="meeting_candidate",
        get=ALL_405,
        post="L 403 302 403 302 403 404",
        theirs_post=THEIRS_HR_REDIRECT,
    ),
    # ---- online voting: staff ballots ----
    "box_list": Page(obj="case", get=OURS_HR, post=OURS_HR, theirs_get=THEIRS_READ, theirs_post=THEIRS_READ),
    "box_detail": Page(obj="box", get=OURS_HR, post=ALL_405, theirs_get=THEIRS_READ),
    "box_invite": Page(obj="box", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    "box_slips": Page(obj="box", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    "box_open": Page(obj="box", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    # Without `confirmed` the page asks first (200); the dialog on the ballot box page sets it.
    "box_close": Page(obj="box", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "box_paper": Page(obj="box", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT),
    # Only invited accounts (our staff persona is), wherever the box belongs; anyone else 404, as if the
    # ballot did not exist (the outsider is not invited to their own organization's ballot either).
    "box_vote": Page(
        obj="box",
        get="L 200 404 404 404 404 404",
        post="L 302 404 404 404 404 404",  # the ballot is not open yet: a message
        theirs_get="L 404 404 404 404 404 404",
        theirs_post="L 404 404 404 404 404 404",
    ),
    "slip_vote": Page(get=PUBLIC, post=PUBLIC),
    # ---- 竞争上岗: HR's pages, the applicant's and the examiner's ----
    "competitive_home": Page(get=SIGNED_IN, post=ALL_405),
    "competitive_apply": Page(  # any of the unit's staff may try; no post chosen: a message
        obj="competition",
        get=ALL_405,
        post="L 302 302 302 302 302 404",
        theirs_post="L 404 404 404 404 404 302",
    ),
    "competitive_examine": Page(  # examiners only (none of the personas)
        obj="competition",
        get="L 403 403 403 403 403 404",
        post="L 403 403 403 403 403 404",
        theirs_get="L 404 404 404 404 404 403",
        theirs_post="L 404 404 404 404 404 403",
    ),
    "competitive_review": Page(  # the applicant only (none of the personas)
        obj="registration",
        get=ALL_405,
        post="L 404 404 404 404 404 404",
        theirs_post="L 404 404 404 404 404 404",
    ),
    "competitive_registration_form": Page(  # the applicant, HR and the auditor
        obj="registration",
        get="L 404 200 404 404 200 404",
        post=ALL_405,
        theirs_get="L 404 404 404 404 404 200",
    ),
    "competitive_case": Page(obj="competition", get=OURS_READ, post=ALL_405, theirs_get=THEIRS_READ),
    "competitive_plan": Page(obj="competition", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "competitive_step": Page(
        obj="competition",
        extra=(("step", "close_registration"),),
        get=ALL_405,
        post=OURS_HR_REDIRECT,  # refused (R-CMP-2: the window is open): a message, nothing changes
        theirs_post=THEIRS_HR_REDIRECT,
    ),
    "competitive_paper": Page(obj="competition", get=ALL_405, post=OURS_HR, theirs_post=THEIRS_READ),
    "competitive_effective": Page(  # an empty form: shown again with its errors, nothing changes
        obj="competition",
        extra=(("action", "withdraw"),),
        get=ALL_405,
        post=OURS_HR,
        theirs_post=THEIRS_READ,
    ),
    "competitive_screening": Page(
        obj="competition",
        extra=(("action", "run"),),
        get=ALL_405,
        post=OURS_HR_REDIRECT,
        theirs_post=THEIRS_HR_REDIRECT,
    ),
    "competitive_answer": Page(
        obj="competition_registration", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "competitive_examiners": Page(
        obj="competition", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "competitive_written": Page(
        obj="competition", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "competitive_advancing": Page(
        obj="competition", get=ALL_405, post=OURS_HR_REDIRECT, theirs_post=THEIRS_HR_REDIRECT
    ),
    "competitive_document": Page(
        obj="competition",
        extra=(("kind", "plan-notice"),),
        get=OURS_READ,
        post=ALL_405,
        theirs_get=THEIRS_READ,
    ),
    "receipt_check": Page(get=PUBLIC, post=PUBLIC),
}

# (pattern, variant, method, persona) → why the app answers otherwise today (reported on issue 7).
DEFECTS: dict[tuple[str, str, str, str], str] = {}


def defect(name: str, variant: str, method: str, personas: str, reason: str) -> None:
    for persona in personas.split():
        DEFECTS[(name, variant, method, persona)] = reason


# None open today: the defects the matrix found on issue 7 were fixed (405 on read-only pages, 404 for
# another organization's ballot box, attachments for HR and auditors only, an empty LRMX upload refused).

# What a browser sends for a form left empty: only the CSRF token (the test client does not check it).
# A body without even the token binds no form on the pages using `Form(request.POST or None)`.
EMPTY_FORM = {"csrfmiddlewaretoken": "matrix"}

# Answers that carry no message by design: the auth views, and the public slip/receipt pages.
NO_FEEDBACK = {"login", "logout", "slip_vote", "receipt_check"}
# Irreversible steps answer an unconfirmed POST with a confirm page: nothing refused, nothing done yet.
CONFIRM_FIRST = {"case_close_meeting", "box_close"}


def _rows(page: Page) -> list[tuple[str, str, str]]:
    rows = [("ours", "GET", page.get), ("ours", "POST", page.post)]
    if page.theirs_get:
        rows.append(("theirs", "GET", page.theirs_get))
    if page.theirs_post:
        rows.append(("theirs", "POST", page.theirs_post))
    return rows


def _cases():
    for name, page in sorted(MATRIX.items()):
        for variant, method, row in _rows(page):
            expected = row.split()
            assert len(expected) == len(PERSONAS), f"{name} {variant} {method}: {row!r}"
            for persona, status in zip(PERSONAS, expected, strict=True):
                key = (name, variant, method, persona)
                marks = [pytest.mark.xfail(strict=True, reason=DEFECTS[key])] if key in DEFECTS else []
                yield pytest.param(*key, status, id="-".join(key), marks=marks)


@pytest.fixture(scope="module")
def sites(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_sites(django_db_blocker, tmp_path_factory.mktemp("media")) as built:
        yield built


def _fake_pdf(*args, **kwargs) -> bytes:
    return b"%PDF-1.4 matrix"


def fake_export(job, progress) -> ExportFile:
    return ExportFile(_fake_pdf(), "matrix.pdf")


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """Who may download is the question here; what the PDFs say is tests/test_documents.py's (and a render
    costs about a second)."""
    monkeypatch.setattr(documents, "render_approval_form", _fake_pdf)
    kind = EXPORT_KINDS["case-file"]
    monkeypatch.setitem(EXPORT_KINDS, kind.key, replace(kind, builder=f"{__name__}.fake_export"))
    for table in (documents.CASE_DOCUMENTS, documents.CANDIDATE_DOCUMENTS):
        for kind, (_renderer, label) in list(table.items()):
            monkeypatch.setitem(table, kind, (_fake_pdf, label))


def _url(name: str, page: Page, site: Site) -> str:
    kwargs = OBJECTS[page.obj](site) if page.obj else {}
    return reverse(name, kwargs={**kwargs, **dict(page.extra)})


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def consume(response) -> None:
    """Read a file response to its end, which closes its file the way the test client expects.

    Not response.close(): called again, it fires request_finished, whose close_old_connections() drops a
    connection inside a transaction — on PostgreSQL the module's transaction with it."""
    if response.streaming:
        b"".join(response.streaming_content)


def form_errors(response) -> list[str]:
    """The errors of every form and formset the page was rendered with."""
    errors: list[str] = []
    seen: set[int] = set()
    for context in response.context or []:
        for value in context.flatten().values():
            if id(value) in seen or not isinstance(value, BaseForm | BaseFormSet):
                continue
            seen.add(id(value))
            if isinstance(value, BaseFormSet):
                errors += [str(e) for e in value.non_form_errors()]
                forms = value.forms
            else:
                forms = [value]
            for form in forms:
                if form.is_bound:
                    errors += [str(e) for field_errors in form.errors.values() for e in field_errors]
    return errors


@pytest.mark.parametrize(("name", "variant", "method", "persona", "expected"), list(_cases()))
def test_each_page_answers_each_persona_as_the_matrix_says(
    client, db, sites, name, variant, method, persona, expected
):
    page = MATRIX[name]
    url = _url(name, page, sites.ours if variant == "ours" else sites.theirs)
    user = sites.users[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(url) if method == "GET" else client.post(url, EMPTY_FORM)
    consume(response)
    location = response.get("Location", "")
    if expected == "L":
        assert (response.status_code, location.startswith(LOGIN_URL)) == (302, True), location
        return
    assert response.status_code == int(expected), location
    if expected == "302":
        assert "?next=" not in location, location  # a real redirect, not the login page
    if method == "POST" and expected in ("200", "302") and name not in NO_FEEDBACK:
        texts = [str(m) for m in get_messages(response.wsgi_request)]
        if expected == "302":
            assert texts, "a redirect after a POST must say what happened"
        else:
            errors = form_errors(response)
            if name in CONFIRM_FIRST:
                assert 'name="confirmed"' in response.content.decode(), "the confirm page re-posts"
                return
            assert texts or errors, "a refused POST must say why"
            assert all(_has_cjk(error) for error in errors), errors
        assert all(_has_cjk(text) for text in texts), texts


def test_every_url_pattern_has_a_matrix_entry():
    """New pages cannot skip the matrix; an entry without a pattern is stale."""
    names = url_pattern_names()
    assert sorted(names - MATRIX.keys()) == [], "URL patterns without a permission-matrix entry"
    assert sorted(MATRIX.keys() - names) == [], "matrix entries for URL patterns that no longer exist"
    for name, page in MATRIX.items():
        assert page.obj is None or page.obj in OBJECTS, name
        if page.obj is not None:
            assert page.theirs_get or page.theirs_post, (
                f"{name}: no request for another organization's object"
            )


@pytest.mark.parametrize(
    ("name", "persona", "status"),
    [
        pytest.param("record_audit", "hr", 403),
        pytest.param("case_detail", "outsider", 404),
    ],
)
def test_refusal_pages_speak_chinese(client, db, sites, name, persona, status):
    page = MATRIX[name]
    client.force_login(sites.users[persona])
    response = client.get(_url(name, page, sites.ours))
    assert response.status_code == status
    assert _has_cjk(response.content.decode())
