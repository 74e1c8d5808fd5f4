"""干部任免审批表 from the registry: ORM → ApprovalFormData, and the download views."""

import io
from datetime import date

import pdfplumber
import pytest
from django.urls import reverse

from selection.models import Candidate, CaseStatus
from selection.pdf.adapters import approval_form_data, render_approval_form

from . import test_pdf_builders as build


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return ["".join((page.extract_text() or "").split()) for page in document.pages]


def test_a_registry_cadre_becomes_form_data_by_the_official_rules(org):
    cadre = build.full_cadre(org)
    data = approval_form_data(cadre, age_on=date(2026, 3, 5), filled_by="孙丽")
    assert (data.name, data.sex, data.birth, data.ethnicity) == ("陈晓明", "男", (1985, 3), "汉族")
    assert data.party_joining == "2007.06"
    assert data.work_start == (2008, 7)
    assert data.full_time_education.level == "大学本科"
    assert data.in_service_education.degree == "公共管理硕士"
    assert data.current_post == "安吉县医疗保障局待遇保障科副科长"
    assert data.proposed_post == data.post_to_remove == ""
    assert data.resume[0] == "2008.07--2012.09  安吉县人力资源和社会保障局科员"
    assert data.resume[-1] == "2019.03--         安吉县医疗保障局待遇保障科副科长"
    assert data.annual_assessment == "2024年、2025年年度考核均为称职。"
    assert [m.relation for m in data.family] == ["妻子", "儿子", "父亲", "母亲"]
    assert data.family[3].deceased
    assert data.photo and data.photo.startswith(b"\xff\xd8")
    assert data.reporting_unit == "中共安吉县医疗保障局党组"
    assert (data.filler, data.fill_date) == ("孙丽", date(2026, 3, 5))


def test_assessments_are_the_last_two_before_the_age_date_year(org):
    cadre = build.full_cadre(org)
    data = approval_form_data(cadre, age_on=date(2025, 6, 1))
    assert data.annual_assessment == "2023年年度考核为优秀，2024年年度考核为称职。"


def test_party_note_is_printed_beside_or_instead_of_the_joining_date(org):
    cadre = build.full_cadre(org, photo=False)
    cadre.party_note = "民建"
    assert approval_form_data(cadre).party_joining == "2007.06；民建"
    cadre.party_joined_on = None
    assert approval_form_data(cadre).party_joining == "民建"


def test_a_candidate_gets_the_vacancy_as_proposed_post_and_loses_the_current_one(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION)
    candidate = case.candidates.get()
    data = approval_form_data(candidate.cadre, candidate=candidate)
    assert data.proposed_post == "安吉县医疗保障局基金监管科科长"
    assert data.post_to_remove == "安吉县医疗保障局待遇保障科副科长"
    assert data.age_on == date(2026, 2, 10)  # the party-group meeting
    assert data.appointment_reason.startswith("工作需要。破格提拔（特别优秀）：在医保基金监管专项行动中")


def test_empty_rewards_print_as_none_on_the_rendered_form(org):
    cadre = build.full_cadre(org, rewards="", photo=False)
    pages = _text(render_approval_form(cadre, age_on=date(2026, 3, 5)))
    assert len(pages) == 2
    assert pages[1].startswith("奖惩无情况")  # "无" sits in the cell, between the vertical label's lines


def test_candidate_form_renders_two_pages_with_the_case_values(org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION)
    pdf = render_approval_form(case.candidates.get(), filled_by="孙丽")
    first, second = _text(pdf)
    assert "陈晓明" in first and "1985.03" in first and "（40岁）" in first  # at 2026-02-10
    assert "安吉县医疗保障局基金监管科科长" in first
    assert "中共安吉县医疗保障局党组" in second and "填表人：孙丽" in second


# ---- views ------------------------------------------------------------------------------------------------


def test_hr_and_auditors_download_a_cadres_form(client, org, hr, auditor, member):
    cadre = build.full_cadre(org, photo=False)
    url = reverse("cadre_approval_form", args=[cadre.pk])
    for user in (hr, auditor, member):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF")
    assert "陈晓明" in _text(body)[0]


def test_another_organizations_cadre_is_not_found(client, org, outsider):
    cadre = build.full_cadre(org, photo=False)
    client.force_login(outsider)
    assert client.get(reverse("cadre_approval_form", args=[cadre.pk])).status_code == 404


def test_staff_may_not_download_forms(client, org, staff):
    cadre = build.full_cadre(org, photo=False)
    client.force_login(staff)
    assert client.get(reverse("cadre_approval_form", args=[cadre.pk])).status_code == 403


def test_party_members_download_a_candidates_form_and_outsiders_get_404(client, org, hr, member, outsider):
    case = build.build_case(org, hr, stage=CaseStatus.DECISION, photo=False)
    candidate: Candidate = case.candidates.get()
    url = reverse("candidate_approval_form", args=[case.pk, candidate.pk])
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert "基金监管科科长" in _text(b"".join(response.streaming_content))[0]
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_a_candidate_of_another_case_is_not_found(client, org, hr):
    case = build.build_case(org, hr, stage=CaseStatus.INSPECTION, photo=False)
    other = build.build_case(org, hr, stage=CaseStatus.INSPECTION, photo=False)
    client.force_login(hr)
    url = reverse("candidate_approval_form", args=[other.pk, case.candidates.get().pk])
    assert client.get(url).status_code == 404
