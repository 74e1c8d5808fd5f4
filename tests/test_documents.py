"""Attachments: type checked by content not name, stored with SHA-256, recorded; upload and download views."""

import hashlib
import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from PIL import Image

from selection.models import Document, RecordEvent, verify_chain
from selection.services import cases as svc
from selection.services import documents as docs
from selection.services.base import ServiceError

from .workflow import build_world, open_motion


def _stub_case_page(request, pk: int) -> HttpResponse:
    return HttpResponse(f"case {pk}")


# The case page belongs to the case screens; until it exists these tests give it a stand-in so that
# `redirect(case)` resolves. With the real page present the project's URLconf is used unchanged.
urlpatterns = [
    path("", include("config.urls")),
    path("cases/<int:pk>/", _stub_case_page, name="case_detail"),
]

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def _case_page(settings):
    try:
        reverse("case_detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def world(org, hr):
    world = build_world(org, hr)
    open_motion(world)
    return world


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "考察材料"
    book.save(buffer)
    return buffer.getvalue()


def upload(world, name: str, data: bytes, **options) -> Document:
    return docs.upload_document(
        world.case,
        by=world.hr,
        kind=options.pop("kind", Document.Kind.ANALYSIS),
        title=options.pop("title", "分析研判材料"),
        uploaded_file=SimpleUploadedFile(name, data),
        **options,
    )


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("研判.pdf", pdf_bytes),
        ("照片.jpg", lambda: image_bytes("JPEG")),
        ("照片.JPEG", lambda: image_bytes("JPEG")),
        ("照片.png", lambda: image_bytes("PNG")),
        ("材料.docx", docx_bytes),
        ("名册.xlsx", xlsx_bytes),
    ],
)
def test_each_allowed_type_is_stored_with_its_sha256(world, name, make):
    data = make()
    document = upload(world, name, data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    with document.file.open("rb") as handle:
        assert handle.read() == data
    assert document.intact
    assert document.uploaded_by == world.hr
    assert not document.official_copy


def test_upload_records_an_event_with_the_digest_of_the_attachment(world):
    data = pdf_bytes()
    document = upload(world, "研判.pdf", data, title="党组分析研判材料")
    event = RecordEvent.objects.filter(case=world.case).order_by("-seq").first()
    assert event.action == "upload_document"
    assert event.attachments == [
        {"title": "党组分析研判材料", "kind": "analysis", "sha256": document.sha256, "size": len(data)}
    ]
    assert "党组分析研判材料" in event.summary
    assert verify_chain(world.case.events.order_by("seq")).ok


def test_a_document_can_belong_to_a_candidate_of_the_case(world):
    vacancy = world.case.vacancies.get()
    candidate = svc.nominate(world.case, by=world.hr, cadre=world.cadres[0], vacancy=vacancy)
    document = upload(
        world, "材料.pdf", pdf_bytes(), kind=Document.Kind.INSPECTION_MATERIAL, candidate=candidate
    )
    assert document.candidate == candidate
    assert RecordEvent.objects.filter(case=world.case, action="upload_document").get().candidate == candidate


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("伪装.pdf", lambda: image_bytes("PNG"), "实际是PNG 图片"),
        ("伪装.png", pdf_bytes, "实际是PDF 文件"),
        ("伪装.jpg", lambda: image_bytes("PNG"), "实际是PNG 图片"),
        ("伪装.docx", xlsx_bytes, "实际是Excel（XLSX）表格"),
        ("伪装.xlsx", docx_bytes, "实际是Word（DOCX）文档"),
        ("伪装.pdf", lambda: b"MZ\x90\x00 not a pdf at all", "无法识别"),
        ("伪装.docx", lambda: b"PK\x03\x04broken zip", "无法识别"),
        ("伪装.png", lambda: b"\x89PNG\r\n\x1a\n truncated", "无法识别"),
    ],
)
def test_a_file_whose_content_lies_about_its_type_is_refused(world, name, make, says):
    with pytest.raises(ServiceError) as excinfo:
        upload(world, name, make())
    assert says in excinfo.value.message
    assert name in excinfo.value.message
    assert not Document.objects.exists()
    assert not RecordEvent.objects.filter(action="upload_document").exists()


def test_a_zip_without_office_parts_is_refused_as_docx(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    with pytest.raises(ServiceError, match="无法识别"):
        upload(world, "压缩包.docx", buffer.getvalue())


def test_a_type_not_allowed_is_refused_by_name(world):
    with pytest.raises(ServiceError) as excinfo:
        upload(world, "程序.exe", pdf_bytes())
    assert excinfo.value.message == docs.NOT_ALLOWED.format(name="程序.exe")


def test_a_file_of_exactly_20_mb_is_allowed_and_one_byte_more_is_refused(world):
    head = pdf_bytes()
    exact = head + b" " * (docs.MAX_UPLOAD_BYTES - len(head))
    assert upload(world, "大文件.pdf", exact).file.size == docs.MAX_UPLOAD_BYTES
    with pytest.raises(ServiceError) as excinfo:
        upload(world, "太大.pdf", exact + b" ")
    assert excinfo.value.message == docs.TOO_LARGE.format(name="太大.pdf")


def test_an_empty_file_is_refused(world):
    with pytest.raises(ServiceError, match="空文件"):
        upload(world, "空.pdf", b"")


def test_upload_is_refused_on_a_closed_case(world):
    svc.terminate_case(world.case, by=world.hr, reason="岗位调整")
    with pytest.raises(ServiceError) as excinfo:
        upload(world, "研判.pdf", pdf_bytes())
    assert excinfo.value.message == docs.CLOSED.format(state="终止")
    assert not Document.objects.exists()


def test_a_candidate_of_another_case_is_refused(world, org, hr):
    other = svc.open_case(
        org,
        by=hr,
        title="另一批次",
        year=2026,
        posts=[world.deputy_post],
        motion_origin="main_leader",
        motion_date=world.case.motion_date,
    )
    foreign = svc.nominate(other, by=hr, cadre=world.cadres[1], vacancy=other.vacancies.get())
    with pytest.raises(ServiceError, match=docs.WRONG_CANDIDATE):
        upload(world, "材料.pdf", pdf_bytes(), candidate=foreign)


def test_a_missing_title_or_unknown_kind_is_refused(world):
    with pytest.raises(ServiceError, match=docs.NO_TITLE):
        upload(world, "研判.pdf", pdf_bytes(), title="  ")
    with pytest.raises(ServiceError, match=docs.UNKNOWN_KIND):
        upload(world, "研判.pdf", pdf_bytes(), kind="nonsense")


# ---- views -------------------------------------------------------------------------------------------


def _post(client, case, data: bytes, name: str = "研判.pdf", **fields):
    return client.post(
        reverse("document_upload", args=[case.pk]),
        {"kind": "analysis", "title": "分析研判材料", "file": SimpleUploadedFile(name, data), **fields},
    )


@pytest.mark.usefixtures("_case_page")
def test_hr_uploads_from_the_case_page_and_returns_to_it(client, world):
    client.force_login(world.hr)
    response = _post(client, world.case, pdf_bytes())
    assert response.status_code == 302
    assert response["Location"] == world.case.get_absolute_url()
    document = Document.objects.get()
    assert document.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    event = RecordEvent.objects.get(case=world.case, action="upload_document")
    assert event.actor == world.hr


@pytest.mark.usefixtures("_case_page")
def test_upload_view_records_the_client_ip(client, world):
    client.force_login(world.hr)
    client.post(
        reverse("document_upload", args=[world.case.pk]),
        {"kind": "analysis", "title": "分析研判材料", "file": SimpleUploadedFile("a.pdf", pdf_bytes())},
        REMOTE_ADDR="10.1.2.3",
    )
    assert RecordEvent.objects.get(action="upload_document").ip == "10.1.2.3"


@pytest.mark.usefixtures("_case_page")
def test_upload_view_shows_the_refusal_and_stores_nothing(client, world):
    client.force_login(world.hr)
    response = _post(client, world.case, image_bytes("PNG"), name="伪装.pdf")
    assert response.status_code == 302
    assert not Document.objects.exists()
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("实际是PNG 图片" in m for m in shown)


@pytest.mark.usefixtures("_case_page")
def test_upload_view_refuses_a_candidate_of_another_case(client, world):
    client.force_login(world.hr)
    _post(client, world.case, pdf_bytes(), candidate="999999")
    assert not Document.objects.exists()


@pytest.mark.parametrize("persona", ["secretary", "member", "auditor", "staff"])
def test_only_hr_may_upload(client, world, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert _post(client, world.case, pdf_bytes()).status_code == 403
    assert not Document.objects.exists()


def test_upload_is_post_only_and_other_organizations_get_404(client, world, outsider):
    client.force_login(world.hr)
    assert client.get(reverse("document_upload", args=[world.case.pk])).status_code == 405
    client.force_login(outsider)
    assert _post(client, world.case, pdf_bytes()).status_code == 404


@pytest.mark.parametrize("persona", ["hr", "auditor"])
def test_hr_and_auditors_download_the_stored_bytes(client, world, request, persona):
    data = docx_bytes()
    document = upload(world, "材料.docx", data, title="考察材料")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["X-Content-SHA256"] == document.sha256
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("persona", ["secretary", "member"])
def test_the_party_group_may_not_download_attachments_only_the_official_approval_form(
    client, world, request, persona
):
    document = upload(world, "材料.docx", docx_bytes(), title="考察材料")
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 403


def test_download_is_404_for_another_organization_and_403_without_case_access(client, world, outsider, staff):
    document = upload(world, "研判.pdf", pdf_bytes())
    client.force_login(outsider)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 403


def test_an_upload_from_a_candidate_page_returns_there_and_a_foreign_next_is_ignored(client, org, hr):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from selection.models import SelectionCase

    case = SelectionCase.objects.create(organization=org, title="批次", year=2026, created_by=hr)
    client.force_login(hr)
    url = f"/cases/{case.pk}/documents/upload/"

    def post(next_url):
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        return client.post(url, {"kind": "other", "title": "附件", "file": pdf, "next": next_url})

    assert post(f"/cases/{case.pk}/candidates/9/")["Location"] == f"/cases/{case.pk}/candidates/9/"
    assert post("https://evil.example/")["Location"] == case.get_absolute_url()
