"""纪实表, stage notices, the case file, official copies, the command and the case document downloads."""

import hashlib
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from selection import rules
from selection.models import CaseStatus, Document, Organization, RecordEvent, SelectionCase, verify_chain
from selection.pdf.adapters import render_approval_form
from selection.pdf.case_file import case_file_parts, render_case_file
from selection.pdf.common import DocumentUnavailable
from selection.pdf.notices import render_appointment_notice, render_inspection_notice, render_public_notice
from selection.pdf.official import document_integrity, store_official_copy
from selection.pdf.record_form import completeness_rows, record_form_data, render_record_form
from selection.services.base import Actor, record_event

from . import test_pdf_builders as build
from .tamper import force_update


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pages(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return ["".join((page.extract_text() or "").split()) for page in document.pages]


def _all(pdf: bytes) -> str:
    return "".join(_pages(pdf))


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _fonts_embedded(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    seen = 0
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target: DictionaryObject = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            assert "Noto" in str(font["/BaseFont"]) or "xuanba" in str(font["/BaseFont"]).lower()
            seen += 1
    return seen


@pytest.fixture
def appointed(org, hr):
    return build.build_case(org, hr, candidates=2)


# ---- 纪实表 ----------------------------------------------------------------------------------------------


def test_record_form_prints_every_section_with_the_recorded_facts(appointed):
    candidate = appointed.candidates.order_by("pk").first()
    text = _all(render_record_form(candidate))
    for heading in ["干部选拔任用全程纪实表", "一、拟任人选基本情况", "二、动议", "三、民主推荐", "四、考察"]:
        assert heading in text, heading
    for heading in [
        "五、讨论决定",
        "六、任职前公示",
        "七、任职",
        "八、签署",
        "纪实人员",
        "监督机构",
        "文书档案编码",
    ]:
        assert heading in text, heading
    for value in [
        "陈晓明",
        "1985.03",
        "（40岁）",
        "安吉县医疗保障局待遇保障科副科长",  # current post, though appointed since
        "安吉县医疗保障局基金监管科科长",
        "2008.07--2012.09",
        "林静",
        "分管干部人事工作的领导提出建议（书面）",
        "2026年1月6日",
        "安组干〔2026〕3号",
        "谈话调研推荐",
        "优秀40票、称职14票",
        "优秀和称职率98.2%",
        "未发现违反党风廉政建设规定的问题",
        "审核人：赵敏",
        "2024年、2025年年度考核均为称职。",
        "同意提交党组会议讨论",
        "周明（与人选系近姻亲关系）",
        "吴晓东（外出学习）",
        "2026年2月11日至2026年2月26日",
        "结论：不影响任职",
        "安医保党〔2026〕5号，2026年3月2日",
        "试用期一年，至2027年2月10日期满",
        "纪实记录链核验",
    ]:
        assert value in text, value


def test_record_form_decision_row_has_the_tally(appointed):
    candidate = appointed.candidates.order_by("pk").first()
    data = record_form_data(candidate)
    votes = next(row for row in data.rows if row.key == "decision.votes")
    assert votes.value.rows == (("2026年2月10日", "举手表决", "7", "6", "1", "4", "1", "0", "通过"),)


def test_a_row_that_does_not_apply_says_so_with_its_reason(appointed):
    second = appointed.candidates.order_by("pk").last()  # not 破格
    data = record_form_data(second)
    exceptional = next(row for row in data.rows if row.key == "notice.exceptional")
    assert (exceptional.filled, exceptional.not_applicable) == (False, "非破格提拔")
    assert "不适用（非破格提拔）" in _all(render_record_form(second))


def test_an_empty_row_takes_the_recorded_not_applicable_reason(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.INSPECTION, exceptional=False)
    candidate = case.candidates.get()
    record_event(
        case,
        by=Actor(hr),
        action="mark_not_applicable",
        candidate=candidate,
        summary="注明不适用：预审",
        payload={"row": "inspection.pre_review", "reason": "县委组织部未要求预审"},
    )
    from selection.models import Inspection

    Inspection.objects.filter(candidate=candidate).update(pre_review_on=None, pre_review_reply="")
    data = record_form_data(candidate)
    row = next(r for r in data.rows if r.key == "inspection.pre_review")
    assert row.not_applicable == "县委组织部未要求预审"
    assert "不适用（县委组织部未要求预审）" in _all(render_record_form(candidate))


def test_rows_of_stages_not_reached_stay_empty_and_block_closing(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.INSPECTION, photo=False)
    candidate = case.candidates.get()
    data = record_form_data(candidate)
    tenure = next(r for r in data.rows if r.key == "appointment.tenure")
    assert (tenure.filled, tenure.not_applicable) == (False, "")
    findings = rules.record_completeness(completeness_rows(candidate))
    assert findings[0].level == rules.Level.BLOCK
    assert "陈晓明·任职时间" in findings[0].message
    assert "陈晓明·民主测评" not in findings[0].message
    section_seven = _all(render_record_form(candidate)).split("七、任职")[1].split("八、签署")[0]
    assert (
        section_seven == "任职通知任职时间试用期任职谈话试用期满考核及转正"
    )  # labels only: the values are visibly empty


def test_a_complete_record_lets_the_batch_close(appointed, hr):
    for candidate in appointed.candidates.all():
        material = Document(
            case=appointed,
            candidate=candidate,
            kind=Document.Kind.INSPECTION_MATERIAL,
            title=f"{candidate.cadre.name}考察材料",
            uploaded_by=hr,
            sha256="0" * 64,
        )
        material.file.save("material.pdf", ContentFile(b"%PDF-1.4"))
        findings = rules.record_completeness(completeness_rows(candidate))
        assert findings[0].level == rules.Level.OK, findings[0].message


# ---- notices -------------------------------------------------------------------------------------------------


def test_inspection_notice_names_target_team_phone_scope_and_date(appointed):
    candidate = appointed.candidates.order_by("pk").first()
    text = _all(render_inspection_notice(candidate))
    for value in [
        "考察预告",
        "决定对陈晓明同志进行考察",
        "陈晓明，男，1985年3月生，汉族，浙江安吉人，2007年6月加入中国共产党，2008年7月参加工作",
        "拟任基金监管科科长",
        "考察组成员：",
        "李红梅",
        "孙丽",
        "考察时间：2026年1月26日起",
        "预告范围：局机关及下属事业单位",
        "0572-5123380、12380",
        "2026年1月22日",
        "中共安吉县医疗保障局党组",
    ]:
        assert value in text, value


def test_public_notice_states_the_exceptional_circumstances(appointed):
    text = _all(render_public_notice(appointed))
    assert "任职前公示" in text
    assert (
        "该同志属于破格提拔（特别优秀），破格情形：副职任职年限不足，"
        "破格理由：在医保基金监管专项行动中表现突出，获省级表彰" in text
    )
    assert "已经县委组织部同意（安组干〔2026〕3号）" in text
    assert "公示时间：2026年2月11日至2026年2月26日" in text
    assert "12380举报网站" in text
    assert text.count("破格") == 3  # only the 破格 candidate's paragraph


def test_appointment_notice_carries_its_number_and_decisions(appointed):
    text = _all(render_appointment_notice(appointed))
    assert "中共安吉县医疗保障局党组文件" in text
    assert "安医保党〔2026〕5号" in text
    assert "关于陈晓明等同志任职的通知" in text
    assert "任命陈晓明同志为基金监管科科长（试用期一年），免去其待遇保障科副科长职务；" in text
    assert "2026年3月2日" in text


def test_notices_not_yet_issued_are_unavailable(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION, photo=False)
    with pytest.raises(DocumentUnavailable, match="尚未发布任职前公示"):
        render_public_notice(case)
    with pytest.raises(DocumentUnavailable, match="尚未办理任职"):
        render_appointment_notice(case)


def test_every_document_embeds_its_fonts(appointed):
    candidate = appointed.candidates.order_by("pk").first()
    for pdf in (
        render_record_form(candidate),
        render_public_notice(appointed),
        render_appointment_notice(appointed),
    ):
        assert _fonts_embedded(pdf)


# ---- official copies -------------------------------------------------------------------------------------------


def test_an_official_copy_is_stored_with_its_digest_in_the_record(appointed, hr):
    candidate = appointed.candidates.order_by("pk").first()
    pdf = render_approval_form(candidate)
    document = store_official_copy(
        appointed,
        kind=Document.Kind.APPROVAL_FORM,
        title="任免审批表",
        pdf_bytes=pdf,
        by=hr,
        candidate=candidate,
    )
    assert document.official_copy and document.sha256 == hashlib.sha256(pdf).hexdigest()
    assert document.intact
    event = RecordEvent.objects.filter(case=appointed).order_by("-seq").first()
    assert event.action == "store_official_copy"
    assert event.attachments[0]["sha256"] == document.sha256
    assert verify_chain(appointed.events.all()).ok
    assert document_integrity(appointed) == [(document, True)]


def test_a_tampered_official_copy_is_reported(appointed, hr):
    candidate = appointed.candidates.order_by("pk").first()
    document = store_official_copy(
        appointed,
        kind=Document.Kind.APPROVAL_FORM,
        title="任免审批表",
        pdf_bytes=render_approval_form(candidate),
        by=hr,
        candidate=candidate,
    )
    path = Path(document.file.path)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n%tampered"))
    assert document_integrity(appointed) == [(document, False)]


def test_changing_file_and_row_digest_together_is_still_caught_by_the_record(appointed, hr):
    document = store_official_copy(
        appointed,
        kind=Document.Kind.PUBLIC_NOTICE,
        title="公示",
        pdf_bytes=render_public_notice(appointed),
        by=hr,
    )
    forged = b"%PDF-1.7 forged"
    Path(document.file.path).write_bytes(forged)
    Document.objects.filter(pk=document.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    assert document_integrity(appointed)[0][1] is False


def test_downloads_of_an_official_copy_are_byte_identical(client, appointed, hr, member):
    candidate = appointed.candidates.order_by("pk").first()
    pdf = render_approval_form(candidate)
    document = store_official_copy(
        appointed,
        kind=Document.Kind.APPROVAL_FORM,
        title="任免审批表",
        pdf_bytes=pdf,
        by=hr,
        candidate=candidate,
    )
    client.force_login(member)  # the party group reads the frozen form before it votes
    form = client.get(reverse("candidate_approval_form", args=[appointed.pk, candidate.pk]))
    stored = client.get(reverse("stored_document", args=[appointed.pk, document.pk]))
    assert _body(form) == _body(stored) == pdf
    assert form["X-Content-SHA256"] == document.sha256


def test_only_hr_and_auditors_download_attachments(client, appointed, hr, member, auditor):
    document = Document(
        case=appointed, kind=Document.Kind.MINUTES, title="会议记录", uploaded_by=hr, sha256="x"
    )
    document.file.save("minutes.pdf", ContentFile(b"%PDF-1.4 minutes"))
    url = reverse("stored_document", args=[appointed.pk, document.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(auditor)
    assert _body(client.get(url)) == b"%PDF-1.4 minutes"


# ---- the case file --------------------------------------------------------------------------------------------


def test_case_file_holds_every_part_and_the_verification_page(org, hr):
    case = build.build_case(org, hr, candidates=1)
    candidate = case.candidates.get()
    official = store_official_copy(
        case,
        kind=Document.Kind.APPROVAL_FORM,
        title="陈晓明干部任免审批表（提交党组会议）",
        pdf_bytes=render_approval_form(candidate),
        by=hr,
        candidate=candidate,
    )
    material_pdf = render_public_notice(case)
    material = Document(
        case=case,
        candidate=candidate,
        kind=Document.Kind.INSPECTION_MATERIAL,
        title="陈晓明考察材料",
        uploaded_by=hr,
        sha256=hashlib.sha256(material_pdf).hexdigest(),
    )
    material.file.save("material.pdf", ContentFile(material_pdf))
    image = build.portrait((200, 50, 50))
    scan = Document(
        case=case,
        kind=Document.Kind.MOTION,
        title="书面启动意见（扫描件）",
        uploaded_by=hr,
        sha256=hashlib.sha256(image).hexdigest(),
    )
    scan.file.save("motion.jpg", ContentFile(image))
    Path(scan.file.path).write_bytes(image + b"tampered")

    pdf = render_case_file(case)
    pages = _pages(pdf)
    # cover 1 + index 1 + 纪实表 4 + 审批表 2 + 考察预告 1 + 公示 1 + 通知 1 + 表决 1 + 材料 1 + 扫描件 1 + 纪实记录 1 + 核验 1
    assert len(pages) == 16
    assert "干部选拔任用工作档案" in pages[0] and "（一批一档）" in pages[0]
    assert "目录" in pages[1] and "纪实记录链及文书完整性核验" in pages[1]
    assert "干部选拔任用全程纪实表" in pages[2]
    assert pages[6].startswith("干部任免审批表")  # the stored official copy, as stored
    assert "考察预告" in pages[8] and "任职前公示" in pages[9] and "任职的通知" in pages[10]
    assert "党组会议出席、回避和表决情况" in pages[11] and "主持人（签字）" in pages[11]
    assert "任职前公示" in pages[12]  # the PDF attachment's own page, merged
    assert "书面启动意见（扫描件）" in pages[13]
    assert "纪实记录" in pages[14]
    last = pages[-1]
    assert "核验通过" in last and "链条完整" in last
    assert official.sha256 in last and material.sha256 in last
    assert "不一致" in last  # the tampered scan
    assert _fonts_embedded(pdf)
    outline = [item.title for item in PdfReader(io.BytesIO(pdf)).outline if not isinstance(item, list)]
    assert outline[:3] == ["封面及目录", "陈晓明纪实表", "陈晓明干部任免审批表（提交党组会议）"]


def test_case_file_embeds_each_font_once_and_outlines_every_part(appointed):
    pdf = render_case_file(appointed)
    reader = PdfReader(io.BytesIO(pdf))
    font_files = set()
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            font_files.add(descriptor["/FontFile3"].indirect_reference.idnum)
    assert (
        1 <= len(font_files) <= 2
    )  # Noto Serif CJK SC regular (and bold): one subset each for the whole file
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "封面及目录" and outline[-1] == "纪实记录链及文书完整性核验"
    assert outline.count("陈晓明纪实表") == 1 and "纪实记录" in outline
    assert [part.title for part in case_file_parts(appointed)] == outline[1:-1]


@pytest.mark.parametrize("rows", [28, 29, 59, 60])
def test_the_cover_length_guessed_from_its_index_rows_is_the_length_it_lays_out_to(rows):
    """At the page boundaries of pdf/case_cover.html (one-line titles) the guess of the cover's length is
    the real one, so the case file lays its cover out once (a wrong guess costs a second layout)."""
    from selection.pdf.case_file import _cover_pages_guess
    from selection.pdf.render import layout, render_html

    index = [
        {"number": n, "title": f"陈晓明{n}纪实表", "group": "纪实表", "page": n + 3, "count": 2}
        for n in range(1, rows + 1)
    ]
    case = SelectionCase(title="2026年第一批中层干部选拔任用", organization=Organization(name="县医保局"))
    cover = {"case": case, "index": index, "generated": "2026年12月4日", "period": "", "candidates": []}
    assert _cover_pages_guess(rows) == len(layout(render_html("pdf/case_cover.html", cover)).pages)


def test_the_index_gives_each_part_the_page_it_starts_on(appointed):
    pdf = render_case_file(appointed)
    reader = PdfReader(io.BytesIO(pdf))
    starts = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    index_text = "\n".join(page.extract_text() for page in reader.pages[1 : starts["陈晓明纪实表"] - 1])
    for title, page in starts.items():
        if title != "封面及目录":
            assert re.search(rf"{re.escape(title)}\s*{page}\s", index_text), title


def test_generated_parts_are_digested_from_their_html_and_stay_the_same_across_exports(appointed):
    first = [(p.title, p.digest) for p in case_file_parts(appointed)]
    again = [(p.title, p.digest) for p in case_file_parts(appointed)]
    assert first == again and all(len(digest) == 64 for _title, digest in first)
    last = _pages(render_case_file(appointed))[-1]
    assert all(digest in last for _title, digest in first)


def test_case_file_reports_a_broken_record_chain(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.INSPECTION, photo=False)
    force_update(RecordEvent.objects.filter(case=case, seq=2), summary="被改动")
    last = _pages(render_case_file(case))[-1]
    assert "核验未通过" in last and "第2条记录的内容已被改动" in last


# ---- downloads and the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["public-notice", "appointment-notice"])
def test_auditors_download_case_notices_and_others_may_not(
    client, appointed, auditor, member, outsider, kind
):
    url = reverse("case_document", args=[appointed.pk, kind])
    client.force_login(auditor)
    response = client.get(url)
    assert response.status_code == 200 and _body(response).startswith(b"%PDF")
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_hr_downloads_a_candidates_record_form_and_inspection_notice(client, appointed, hr):
    candidate = appointed.candidates.order_by("pk").first()
    client.force_login(hr)
    for kind, title in (("record-form", "全程纪实表"), ("inspection-notice", "考察预告")):
        response = client.get(reverse("candidate_document", args=[appointed.pk, candidate.pk, kind]))
        assert title in _all(_body(response))


def test_a_notice_not_yet_issued_is_not_found(client, org, hr, auditor):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION, photo=False)
    client.force_login(auditor)
    assert client.get(reverse("case_document", args=[case.pk, "appointment-notice"])).status_code == 404
    assert client.get(reverse("case_document", args=[case.pk, "no-such-kind"])).status_code == 404


def test_render_document_writes_each_kind(appointed, tmp_path):
    candidate = appointed.candidates.order_by("pk").first()
    for kind, pk in [
        ("approval-form", candidate.pk),
        ("record-form", candidate.pk),
        ("inspection-notice", candidate.pk),
        ("public-notice", appointed.pk),
        ("appointment-notice", appointed.pk),
    ]:
        out = tmp_path / f"{kind}.pdf"
        call_command("render_document", kind, str(pk), "-o", str(out), stdout=io.StringIO())
        assert out.read_bytes().startswith(b"%PDF"), kind
    out = tmp_path / "cadre.pdf"
    call_command(
        "render_document",
        "approval-form",
        str(candidate.cadre.pk),
        "--cadre",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    assert "陈晓明" in _pages(out.read_bytes())[0]


def test_render_document_explains_what_is_missing(org, hr, tmp_path):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION, photo=False)
    with pytest.raises(CommandError, match="尚未办理任职"):
        call_command("render_document", "appointment-notice", str(case.pk), "-o", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="没有编号为 9999 的批次"):
        call_command("render_document", "case-file", "9999", "-o", str(tmp_path / "x.pdf"))
