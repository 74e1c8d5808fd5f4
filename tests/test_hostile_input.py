"""No 500s: malformed, oversized and hostile input to every form is refused in Chinese and changes nothing.

Each case posts to one form-accepting endpoint as the persona who may use it (HR; the party-group member
or the main leader for the meeting; invited staff or anyone for the ballots), with input that must be
refused: wrong types, negative counts, 100 000-character strings, script tags, impossible dates, ids of
missing or another organization's objects, files that lie about their type, a decompression bomb, an XML
bomb. Expected: no server error, a Chinese error (a message, a form error or the import's problem list),
every row of the database as before, and `<script>` never echoed raw on the answer or the page it leads to.

Cases where the app does otherwise today are strict xfails naming the cause (reported on issue 7).
"""

import base64
import hashlib
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from selection.forms import SECTION_FORMSETS
from selection.interchange import lrmx, xlsx
from selection.models import Post, Rank

from .factories import id_number_for
from .matrix import Sites, shared_sites
from .test_permission_matrix import consume, form_errors
from .workflow import TODAY

pytestmark = pytest.mark.django_db  # also makes pytest-django set up the test database for `sites`

SCRIPT = "<script>alert(1)</script>"
HUGE = "长" * 100_000
BAD_DAY = "2026-02-30"
BAD_MONTH = "2026年13月5日"
IMPORT_REFUSED = "本次没有导入任何数据"
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
MISSING = "987654321"


@pytest.fixture(scope="module")
def sites(django_db_setup, django_db_blocker, tmp_path_factory):
    with shared_sites(django_db_blocker, tmp_path_factory.mktemp("media"), with_voting=True) as built:
        yield built


# ---- files that lie ------------------------------------------------------------------------------------


def text_as(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"just some text, not what the name says\n", content_type="text/plain")


@cache
def png_bomb_bytes() -> bytes:
    """27 KB of PNG declaring 15 000 × 15 000 pixels (225 million: past Pillow's bomb limit)."""
    out = io.BytesIO()
    Image.new("1", (15_000, 15_000)).save(out, format="PNG")
    return out.getvalue()


def zip_bomb_xlsx() -> SimpleUploadedFile:
    """A tiny .xlsx whose worksheet's headers claim 4 GB once unpacked."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    data = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # central, local headers
        start = data.rfind(signature)
        struct.pack_into("<I", data, start + offset, 0xFFFFFFF0)
    return SimpleUploadedFile("炸弹.xlsx", bytes(data))


def hostile_sheet() -> SimpleUploadedFile:
    """The real template with one row of hostile values."""
    book = load_workbook(io.BytesIO(xlsx.cadre_template()))
    sheet = book["干部信息"]
    headers = [cell.value for cell in sheet[1]]
    row = [""] * len(headers)
    for header, value in {
        "姓名": SCRIPT,
        "性别": "未知",
        "出生日期": BAD_DAY,
        "公民身份号码": "ABCDEFGHIJKLMNOPQR",
        "参加工作时间": BAD_MONTH,
        "入党时间": "-5",
    }.items():
        row[headers.index(header)] = value
    sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("干部信息.xlsx", out.getvalue())


XML_BOMB = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Person><XingMing>&lol4;</XingMing></Person>"""
XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Person><XingMing>&xxe;</XingMing></Person>"""


def lrmx_of(sites: Sites, **changes: str) -> bytes:
    """Our cadre's own .lrmx with some elements' text replaced."""
    text = lrmx.export_lrmx(sites.ours.cadre).decode("utf-8")
    for tag, value in changes.items():
        text, count = re.subn(rf"<{tag}>[^<]*</{tag}>|<{tag}\s*/>", f"<{tag}>{value}</{tag}>", text)
        assert count, tag
    return text.encode("utf-8")


def lrmx_file(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


# ---- valid bases, spoiled one field at a time ----------------------------------------------------------


def management_forms(total: int = 0) -> dict[str, str]:
    data = {}
    for prefix in SECTION_FORMSETS:
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def new_cadre(s: Sites) -> dict[str, str]:
    return {
        "organization": str(s.ours.world.org.pk),
        "department": "",
        "name": "何晓丽",
        "sex": "女",
        "id_number": id_number_for(TODAY.replace(year=1990, month=1, day=2), "女", 321),
        "birth_date": "1990-01-02",
        "ethnicity": "汉族",
        "native_place": "浙江安吉",
        "birthplace": "浙江安吉",
        "work_started_on": "2012-07-01",
        "health": "健康",
        "rewards_and_punishments": "无",
        "is_active": "on",
        **management_forms(),
    }


def our_cadre(s: Sites) -> dict[str, str]:
    cadre = s.ours.cadre
    return new_cadre(s) | {
        "name": cadre.name,
        "sex": cadre.sex,
        "id_number": cadre.id_number,
        "birth_date": cadre.birth_date.isoformat(),
        "work_started_on": cadre.work_started_on.isoformat(),
    }


def new_case(s: Sites) -> dict[str, object]:
    # A post no open case is filling (R-REG-1 refuses a second motion for the same post).
    free, _ = Post.objects.get_or_create(
        organization=s.ours.world.org,
        department=s.ours.world.department,
        title="综合副科长",
        defaults={"rank": Rank.DEPUTY},
    )
    return {
        "title": "2026年第9批中层干部选拔任用",
        "year": "2026",
        "mode": "daily",
        "posts": [str(free.pk)],
        "motion_origin": "personnel_lead",
        "motion_form": "oral",
        "motion_date": TODAY.isoformat(),
        "analysis": "副科长空缺。",
    }


def inspection(s: Sites) -> dict[str, object]:
    return {
        "team": [str(u.pk) for u in s.ours.world.team],  # the team assigned: left out, HR would remove it
        "appraisal_expected": "40",
        "appraisal_actual": "38",
        "started_on": TODAY.isoformat(),
    }


def round_(s: Sites) -> dict[str, str]:
    return {"kind": "conversation", "held_on": TODAY.isoformat(), "expected": "20", "actual": "18"}


def targets(s: Sites) -> dict[str, object]:
    nominated = s.ours.case.candidates.filter(status="nominated").values_list("pk", flat=True)
    return {
        "meeting_date": TODAY.isoformat(),
        "expected_members": "7",
        "present_members": "6",
        "targets": [str(pk) for pk in nominated],
    }


def meeting(s: Sites) -> dict[str, object]:
    members = [str(m.pk) for m in s.ours.world.members]
    return {
        "held_on": TODAY.isoformat(),
        "method": "hands",
        "chair": str(s.ours.world.secretary.pk),
        "members": members,
        "present": members,
    }


def upload(s: Sites) -> dict[str, object]:
    return {"kind": "analysis", "title": "分析研判材料"}


def box(s: Sites) -> dict[str, str]:
    return {"kind": "appraisal", "title": "民主测评三", "held_on": TODAY.isoformat()}


def appraisal(s: Sites) -> dict[str, str]:
    pk = s.voting.candidate.pk
    return {f"rating_{pk}": "excellent", f"promotion_{pk}": "agree"}


def nothing(s: Sites) -> dict:
    return {}


# ---- the cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    page: str  # URL pattern name
    kwargs: Callable[[Sites], dict]
    base: Callable[[Sites], dict] = nothing
    spoil: Callable[[Sites], dict] = nothing  # replaces keys of the base
    persona: str = "hr"
    marker: str = (
        ""  # Chinese text of a page answering with its own problem list, not a message or form error
    )
    drop: tuple[str, ...] = field(default=())  # base keys to leave out


CADRE = lambda s: {"pk": s.ours.cadre.pk}  # noqa: E731
CASE = lambda s: {"pk": s.ours.case.pk}  # noqa: E731
MOTION = lambda s: {"pk": s.ours.motion_case.pk}  # noqa: E731
CANDIDATE = lambda s: {"pk": s.ours.case.pk, "candidate_pk": s.ours.candidate.pk}  # noqa: E731
VOTING_CASE = lambda s: {"pk": s.voting.case.pk}  # noqa: E731
VOTING_CANDIDATE = lambda s: {"pk": s.voting.case.pk, "candidate_pk": s.voting.candidate.pk}  # noqa: E731
MEETING = lambda s: {"pk": s.voting.meeting.pk}  # noqa: E731
CLOSED_MEETING = lambda s: {"pk": s.ours.meeting.pk}  # noqa: E731
BOX = lambda s: {"pk": s.voting.box.pk}  # noqa: E731
NO_KWARGS = lambda s: {}  # noqa: E731


def section(name: str) -> Callable[[Sites], dict]:
    return lambda s: {**VOTING_CANDIDATE(s), "section": name}


def param(case_id: str, hostile: Hostile, defect: str = ""):
    marks = [pytest.mark.xfail(strict=True, reason=defect)] if defect else []
    return pytest.param(hostile, id=case_id, marks=marks)


CASES = [
    # ---- registry: the cadre record ----
    param("cadre_create-huge-name", Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"name": HUGE})),
    param(
        "cadre_create-script-name-echoed",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"name": SCRIPT, "birth_date": BAD_DAY}),
    ),
    param(
        "cadre_create-bad-day",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"birth_date": BAD_DAY}),
    ),
    param(
        "cadre_create-bad-month",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"work_started_on": BAD_MONTH}),
    ),
    param(
        "cadre_create-letters-in-id-number",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"id_number": "ABCDEFGHIJKLMNOPQR"}),
    ),
    param(
        "cadre_create-foreign-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": str(s.theirs.world.org.pk)}),
    ),
    param(
        "cadre_create-missing-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": MISSING}),
    ),
    param(
        "cadre_create-letters-for-organization",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"organization": "abc"}),
    ),
    param(
        "cadre_create-foreign-department",
        Hostile(
            "cadre_create", NO_KWARGS, new_cadre, lambda s: {"department": str(s.theirs.world.department.pk)}
        ),
    ),
    param(
        "cadre_create-letters-in-formset-count",
        Hostile("cadre_create", NO_KWARGS, new_cadre, lambda s: {"resume-TOTAL_FORMS": "abc"}),
    ),
    param(
        "cadre_create-negative-assessment-year",
        Hostile(
            "cadre_create",
            NO_KWARGS,
            new_cadre,
            lambda s: {
                "assessments-TOTAL_FORMS": "1",
                "assessments-0-year": "-2025",
                "assessments-0-result": "x",
            },
        ),
    ),
    param("cadre_edit-bad-day", Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"birth_date": BAD_DAY})),
    param("cadre_edit-huge-name", Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"name": HUGE})),
    param(
        "cadre_edit-foreign-organization",
        Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"organization": str(s.theirs.world.org.pk)}),
    ),
    param(
        "cadre_edit-script-echoed",
        Hostile(
            "cadre_edit", CADRE, our_cadre, lambda s: {"expertise": SCRIPT, "work_started_on": BAD_MONTH}
        ),
    ),
    # ---- registry: photo and kinship ----
    param(
        "cadre_photo-text-named-jpg",
        Hostile("cadre_photo", CADRE, spoil=lambda s: {"photo": text_as("照片.jpg")}),
    ),
    param(
        "cadre_photo-pdf-named-png",
        Hostile(
            "cadre_photo",
            CADRE,
            spoil=lambda s: {"photo": SimpleUploadedFile("照片.png", b"%PDF-1.4\n%%EOF")},
        ),
    ),
    param(
        "cadre_photo-empty-file",
        Hostile("cadre_photo", CADRE, spoil=lambda s: {"photo": SimpleUploadedFile("照片.jpg", b"")}),
    ),
    param(
        "cadre_photo-truncated-jpeg",
        Hostile(
            "cadre_photo",
            CADRE,
            spoil=lambda s: {"photo": SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0junk")},
        ),
    ),
    param(
        "cadre_photo-decompression-bomb",
        Hostile(
            "cadre_photo", CADRE, spoil=lambda s: {"photo": SimpleUploadedFile("照片.png", png_bomb_bytes())}
        ),
    ),
    param(
        "kinship_add-foreign-cadre",
        Hostile(
            "kinship_add",
            CADRE,
            spoil=lambda s: {"other": str(s.theirs.cadre.pk), "category": "spouse"},
        ),
    ),
    param(
        "kinship_add-missing-cadre",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": MISSING, "category": "spouse"}),
    ),
    param(
        "kinship_add-letters-for-cadre",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": "abc", "category": "spouse"}),
    ),
    param(
        "kinship_add-self",
        Hostile("kinship_add", CADRE, spoil=lambda s: {"other": str(s.ours.cadre.pk), "category": "spouse"}),
    ),
    param(
        "kinship_add-script-category",
        Hostile(
            "kinship_add",
            CADRE,
            spoil=lambda s: {"other": str(s.ours.world.cadres[2].pk), "category": SCRIPT},
        ),
    ),
    # ---- Excel and LRMX imports ----
    param(
        "cadre_import-text-named-xlsx",
        Hostile("cadre_import", NO_KWARGS, spoil=lambda s: {"file": text_as("干部.xlsx")}),
    ),
    param(
        "cadre_import-zip-bomb", Hostile("cadre_import", NO_KWARGS, spoil=lambda s: {"file": zip_bomb_xlsx()})
    ),
    param(
        "cadre_import-hostile-cells",
        Hostile(
            "cadre_import",
            NO_KWARGS,
            spoil=lambda s: {"file": hostile_sheet()},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "cadre_import_confirm-forged-token",
        Hostile("cadre_import_confirm", NO_KWARGS, spoil=lambda s: {"token": "../../etc/passwd"}),
    ),
    param(
        "lrmx_import-text-named-lrmx",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": text_as("陈晓明.lrmx")},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-xml-bomb",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": lrmx_file("炸弹.lrmx", XML_BOMB)},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-external-entity",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {"files": lrmx_file("外部实体.lrmx", XXE)},
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-not-utf8",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file("乱码.lrmx", "<Person>陈</Person>".encode("gbk") + b"\xff\xfe")
            },
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-bad-dates-and-script",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file(
                    "陈晓明.lrmx",
                    lrmx_of(s, XingMing="&lt;script&gt;alert(1)&lt;/script&gt;", ChuShengNianYue="2026.13"),
                )
            },
            marker=IMPORT_REFUSED,
        ),
    ),
    param(
        "lrmx_import-photo-bomb",
        Hostile(
            "lrmx_import",
            NO_KWARGS,
            spoil=lambda s: {
                "files": lrmx_file(
                    "陈晓明.lrmx", lrmx_of(s, ZhaoPian=base64.b64encode(png_bomb_bytes()).decode())
                )
            },
            marker=IMPORT_REFUSED,
        ),
    ),
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


# ---- the checks ---------------------------------------------------------------------------------------

SKIPPED_MODELS = {"sessions.session"}


def database_digest() -> dict[str, str]:
    """Every row of every table, hashed per model: equal digests mean nothing was written."""
    digest = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in SKIPPED_MODELS or model._meta.proxy:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        digest[label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _post_data(hostile: Hostile, sites: Sites) -> dict:
    data = {"csrfmiddlewaretoken": "hostile", **hostile.base(sites), **hostile.spoil(sites)}
    for prefix in hostile.drop:
        data = {key: value for key, value in data.items() if not key.startswith(prefix)}
    return data


@pytest.mark.parametrize("hostile", CASES)
def test_hostile_input_is_refused_in_chinese_and_changes_nothing(client, db, sites, hostile):
    user = sites.users[hostile.persona]
    if user is not None:
        client.force_login(user)
    url = reverse(hostile.page, kwargs=hostile.kwargs(sites))
    data = _post_data(hostile, sites)
    before = database_digest()

    response = client.post(url, data)  # an exception in the view fails the test here: no 500
    consume(response)

    assert response.status_code in (200, 302), response.status_code
    refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
    errors = form_errors(response) if response.status_code == 200 else []
    shown = response.content.decode()
    if response.status_code == 302:
        follow = client.get(response["Location"])
        shown = follow.content.decode()
        assert follow.status_code == 200
    feedback = refusals + errors + ([hostile.marker] if hostile.marker and hostile.marker in shown else [])
    assert feedback, "hostile input must be refused with a reason"
    assert all(_has_cjk(text) for text in feedback), feedback
    assert SCRIPT not in shown, "a script tag came back unescaped"
    assert "root:x:0:0" not in shown, "an external entity was resolved"
    changed = sorted(label for label, value in database_digest().items() if before.get(label) != value)
    assert changed == [], f"hostile input changed {changed}"


def pdf_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")


# The valid inputs the hostile cases spoil: each must be accepted, so a refusal above is the spoiled
# field's doing and not a broken base.
CONTROLS = [
    pytest.param(Hostile("cadre_create", NO_KWARGS, new_cadre), id="cadre_create"),
    pytest.param(
        Hostile("cadre_edit", CADRE, our_cadre, lambda s: {"expertise": "医保基金监管"}), id="cadre_edit"
    ),
    pytest.param(
        Hostile(
            "kinship_add",
            CADRE,
            spoil=lambda s: {"other": str(s.ours.world.cadres[2].pk), "category": "in_law"},
        ),
        id="kinship_add",
    ),
    pytest.param(Hostile("case_new", NO_KWARGS, new_case), id="case_new"),
    pytest.param(
        Hostile("candidate_record", section("inspection"), inspection), id="candidate_record-inspection"
    ),
    pytest.param(
        Hostile("document_upload", CASE, upload, lambda s: {"file": pdf_file()}), id="document_upload"
    ),
    pytest.param(
        Hostile(
            "meeting_vote", MEETING, spoil=lambda s: {f"c_{s.voting.candidate.pk}": "agree"}, persona="member"
        ),
        id="meeting_vote",
    ),
    pytest.param(
        Hostile(
            "box_invite", BOX, spoil=lambda s: {"users": [str(s.users["auditor"].pk)], "category": "middle"}
        ),
        id="box_invite",
    ),
    pytest.param(Hostile("box_vote", BOX, appraisal, persona="staff"), id="box_vote"),
    pytest.param(
        Hostile(
            "slip_vote",
            NO_KWARGS,
            appraisal,
            lambda s: {"code": s.voting.codes[0], "submit": "1"},
            persona="anonymous",
        ),
        id="slip_vote",
    ),
]


@pytest.mark.parametrize("valid", CONTROLS)
def test_the_valid_input_each_case_spoils_is_accepted(client, db, sites, valid):
    user = sites.users[valid.persona]
    if user is not None:
        client.force_login(user)
    before = database_digest()
    response = client.post(reverse(valid.page, kwargs=valid.kwargs(sites)), _post_data(valid, sites))
    consume(response)
    refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level >= constants.WARNING]
    assert (response.status_code, refusals) in ((302, []), (200, [])), refusals
    assert form_errors(response) == [] if response.status_code == 200 else True
    assert database_digest() != before


def test_every_voting_form_is_covered():
    """The ballots and the meeting are the pages the public and the party group post to: keep them all here."""
    voting_posts = {
        "meeting_schedule",
        "meeting_attendance",
        "meeting_open",
        "meeting_vote",
        "meeting_sign",
        "meeting_reconsider",
        "box_list",
        "box_invite",
        "box_slips",
        "box_paper",
        "box_vote",
        "slip_vote",
        "receipt_check",
    }
    covered = {param.values[0].page for param in CASES}
    assert voting_posts - covered == set()
