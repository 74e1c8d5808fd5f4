"""The hostile-input cases (test_hostile_input.py posts them; test_hostile_hypothesis.py reuses the bases):
files that lie, valid bases spoiled one field at a time, the `Hostile` shape and the database digest that proves
nothing was written; the cases themselves are in hostile_registry, hostile_procedure and hostile_voting.
"""

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
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from selection.forms import SECTION_FORMSETS
from selection.interchange import lrmx, xlsx
from selection.models import Post, Rank

from .factories import id_number_for
from .matrix import Sites
from .workflow import TODAY

SCRIPT = "<script>alert(1)</script>"
HUGE = "长" * 100_000
BAD_DAY = "2026-02-30"
BAD_MONTH = "2026年13月5日"
IMPORT_REFUSED = "本次没有导入任何数据"
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
MISSING = "987654321"


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


def pdf_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n")


# ---- the digest ---------------------------------------------------------------------------------------

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
