"""Registry screens that change the register: create and edit (history), photo, kinship; the export and
the admin (reading: test_registry_views.py)."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from PIL import Image

from selection.models import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    EducationRecord,
    Kinship,
    ResumeEntry,
    Sex,
)

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    DepartmentFactory,
    KinshipFactory,
    PostHoldingFactory,
    id_number_for,
)

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def cadre(org):
    return CadreFactory(
        organization=org, department=DepartmentFactory(organization=org, name="待遇保障科"), name="陈晓峰"
    )


@pytest.fixture
def foreign_cadre(other_org):
    return CadreFactory(organization=other_org, name="外单位干部")


def _png(width: int, height: int, fmt: str = "PNG") -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(data, format=fmt)
    data.seek(0)
    data.name = "portrait.png" if fmt == "PNG" else "portrait.gif"
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- create and edit ---------------------------------------------------------------------------------


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


SECTIONS = ["education", "resume", "holdings", "assessments", "family", "sanctions"]


def _cadre_data(org, **overrides) -> dict[str, str]:
    birth = date(1990, 4, 15)
    data = {
        "organization": str(org.pk),
        "department": "",
        "name": "周子豪",
        "sex": "男",
        "id_number": id_number_for(birth, Sex.MALE, 7),
        "birth_date": "1990年4月15日",
        "ethnicity": "汉族",
        "native_place": "浙江安吉",
        "birthplace": "浙江安吉",
        "party_joined_on": "2012-06-01",
        "party_note": "",
        "work_started_on": "2012-08-01",
        "health": "健康",
        "professional_title": "",
        "expertise": "",
        "rewards_and_punishments": "无",
        "is_active": "on",
    }
    for prefix in SECTIONS:
        data.update(_management(prefix))
    data.update(overrides)
    return data


def test_hr_creates_a_cadre_with_sections(client, hr, org):
    client.force_login(hr)
    data = _cadre_data(org)
    data.update(_management("resume", total=2))
    data.update(
        {
            "resume-0-order": "1",
            "resume-0-started_on": "2012-08-01",
            "resume-0-ended_on": "2018-03-01",
            "resume-0-text": "安吉县医疗保险管理中心科员",
            "resume-1-order": "2",
            "resume-1-started_on": "2018-03-01",
            "resume-1-text": "安吉县医疗保障局科员",
        }
    )
    data.update(_management("assessments", total=1))
    data.update({"assessments-0-year": "2025", "assessments-0-result": "优秀"})
    response = client.post(reverse("cadre_create"), data, follow=True)
    cadre = Cadre.objects.get(name="周子豪")
    assert response.redirect_chain[-1][0] == reverse("cadre_detail", args=[cadre.pk])
    assert "已新增干部“周子豪”的信息。" in _messages(response)
    assert cadre.birth_date == date(1990, 4, 15)
    assert cadre.resume_lines() == [
        "2012.08--2018.03  安吉县医疗保险管理中心科员",
        "2018.03--         安吉县医疗保障局科员",
    ]
    assert AnnualAssessment.objects.get(cadre=cadre).result == "优秀"


def test_an_invalid_id_number_is_refused_in_chinese_and_nothing_is_saved(client, hr, org):
    client.force_login(hr)
    data = _cadre_data(org, id_number="330523199004150071")
    data.update(_management("education", total=1))
    data.update({"education-0-kind": "full_time", "education-0-level": "undergraduate"})
    response = client.post(reverse("cadre_create"), data)
    assert response.status_code == 200
    assert "公民身份号码无效" in response.text
    assert "保存失败" in response.text
    assert not Cadre.objects.exists()
    assert not EducationRecord.objects.exists()


def test_id_number_must_agree_with_birth_date_and_sex(client, hr, org):
    client.force_login(hr)
    response = client.post(reverse("cadre_create"), _cadre_data(org, birth_date="1990-04-16", sex="女"))
    assert "出生日期与公民身份号码中的出生日期不一致。" in response.text
    assert "性别与公民身份号码不一致（号码显示为男）。" in response.text
    assert not Cadre.objects.exists()


def test_a_duplicate_id_number_is_refused(client, hr, cadre):
    client.force_login(hr)
    response = client.post(
        reverse("cadre_create"),
        _cadre_data(cadre.organization, id_number=cadre.id_number, birth_date="1986-05-20"),
    )
    assert "该公民身份号码已登记，请勿重复录入。" in response.text
    assert Cadre.objects.count() == 1


def test_section_errors_block_the_whole_save(client, hr, org):
    client.force_login(hr)
    data = _cadre_data(org)
    data.update(_management("resume", total=1))
    data.update(
        {"resume-0-started_on": "2020-01-01", "resume-0-ended_on": "2019-01-01", "resume-0-text": "科员"}
    )
    data.update(_management("assessments", total=1))
    data.update({"assessments-0-year": "2027", "assessments-0-result": "称职"})
    response = client.post(reverse("cadre_create"), data)
    assert "截止时间不能早于起始时间。" in response.text
    assert "年度应在1950年至2026年之间。" in response.text
    assert not Cadre.objects.exists()
    assert not ResumeEntry.objects.exists()


def test_future_dates_and_foreign_departments_are_refused(client, hr, org, other_org):
    foreign = DepartmentFactory(organization=other_org)
    own_center_department = DepartmentFactory(organization=org)
    client.force_login(hr)
    response = client.post(
        reverse("cadre_create"), _cadre_data(org, work_started_on="2027-01-01", department=str(foreign.pk))
    )
    assert "日期不能晚于今天。" in response.text
    assert "选择一个有效的选项" in response.text  # not offered at all
    assert not Cadre.objects.exists()
    assert own_center_department.name in client.get(reverse("cadre_create")).text


def test_hr_edits_a_cadre_and_the_history_shows_who_changed_what(client, hr, cadre):
    client.force_login(hr)
    data = _cadre_data(
        cadre.organization,
        name="陈晓锋",
        id_number=cadre.id_number,
        birth_date="1986-05-20",
        department=str(cadre.department_id),
        health="一般",
    )
    response = client.post(reverse("cadre_edit", args=[cadre.pk]), data, follow=True)
    assert "已修改干部“陈晓锋”的信息。" in _messages(response)
    history = client.get(reverse("cadre_history", args=[cadre.pk]))
    html = history.text
    assert "孙丽" in html
    assert "修改" in html
    entry = history.context["page"].object_list[0]
    fields = {change.field: (change.old, change.new) for change in entry.changes}
    assert fields["姓名"] == ("陈晓峰", "陈晓锋")
    assert fields["健康状况"] == ("健康", "一般")
    assert fields["参加工作时间"][1] == "2012年8月1日"


def test_history_covers_the_sections_and_kinships(client, hr, cadre):
    client.force_login(hr)
    assessment = AnnualAssessmentFactory(cadre=cadre, year=2024, result=AssessmentResult.COMPETENT)
    assessment.result = AssessmentResult.EXCELLENT
    assessment.save()
    relative = CadreFactory(organization=cadre.organization, name="陈小妹")
    client.post(reverse("kinship_add", args=[relative.pk]), {"other": cadre.pk, "category": "collateral"})
    entries = client.get(reverse("cadre_history", args=[cadre.pk])).context["page"].object_list
    sections = {(e.section, e.kind) for e in entries}
    assert ("年度考核", "修改") in sections
    assert ("亲属关系", "新增") in sections
    change = next(e for e in entries if e.section == "年度考核" and e.kind == "修改").changes[0]
    assert (change.field, change.old, change.new) == ("考核结果", "称职", "优秀")


# ---- photo -------------------------------------------------------------------------------------------


def test_photo_upload_is_cropped_to_4_by_5(client, hr, cadre):
    client.force_login(hr)
    response = client.post(reverse("cadre_photo", args=[cadre.pk]), {"photo": _png(600, 400)}, follow=True)
    assert "照片已更新（已裁切为4:5证件照）。" in _messages(response)
    cadre.refresh_from_db()
    with Image.open(cadre.photo.path) as image:
        assert image.format == "JPEG"
        assert image.size == (320, 400)
    # the photo is served by the permission-checked view, not a /media/ URL
    assert (
        reverse("cadre_photo_file", args=[cadre.pk])
        in client.get(reverse("cadre_detail", args=[cadre.pk])).text
    )


def test_a_photo_that_is_not_jpeg_or_png_is_refused(client, hr, cadre):
    client.force_login(hr)
    response = client.post(
        reverse("cadre_photo", args=[cadre.pk]), {"photo": _png(400, 500, "GIF")}, follow=True
    )
    assert any("照片只能是 JPG 或 PNG 格式。" in m for m in _messages(response))
    broken = io.BytesIO(b"not an image")
    broken.name = "photo.jpg"
    response = client.post(reverse("cadre_photo", args=[cadre.pk]), {"photo": broken}, follow=True)
    assert any("照片文件无法识别" in m for m in _messages(response))
    response = client.post(reverse("cadre_photo", args=[cadre.pk]), {}, follow=True)
    assert any("照片未保存" in m for m in _messages(response))
    cadre.refresh_from_db()
    assert not cadre.photo


def test_a_photo_over_2_mb_is_refused(client, hr, cadre):
    client.force_login(hr)
    big = io.BytesIO(b"\x89PNG" + b"0" * (2 * 1024 * 1024))
    big.name = "big.png"
    response = client.post(reverse("cadre_photo", args=[cadre.pk]), {"photo": big}, follow=True)
    assert any("照片不能超过 2 MB。" in m for m in _messages(response))


# ---- kinship -----------------------------------------------------------------------------------------


def test_kinship_entered_from_either_side_is_stored_once_and_shown_on_both_pages(client, hr, cadre):
    wife = CadreFactory(organization=cadre.organization, name="林秀英", sex=Sex.FEMALE)
    client.force_login(hr)
    response = client.post(
        reverse("kinship_add", args=[wife.pk]),
        {"other": cadre.pk, "category": "spouse", "description": "夫妻"},
        follow=True,
    )
    assert "已登记林秀英与陈晓峰的夫妻关系。" in _messages(response)
    kinship = Kinship.objects.get()
    assert (kinship.cadre_id, kinship.other_id) == (cadre.pk, wife.pk)  # lower id first
    assert "林秀英" in client.get(reverse("cadre_detail", args=[cadre.pk])).text
    assert "陈晓峰" in client.get(reverse("cadre_detail", args=[wife.pk])).text

    again = client.post(reverse("kinship_add", args=[cadre.pk]), {"other": wife.pk, "category": "in_law"})
    assert "这两名干部之间已登记亲属关系" in again.text
    assert Kinship.objects.count() == 1


def test_kinship_offers_only_other_cadres_of_the_same_organization(client, hr, cadre, foreign_cadre):
    client.force_login(hr)
    form = client.get(reverse("kinship_add", args=[cadre.pk])).context["form"]
    assert list(form.fields["other"].queryset) == []
    response = client.post(
        reverse("kinship_add", args=[cadre.pk]), {"other": foreign_cadre.pk, "category": "spouse"}
    )
    assert "选择一个有效的选项" in response.text
    response = client.post(reverse("kinship_add", args=[cadre.pk]), {"other": cadre.pk, "category": "spouse"})
    assert not Kinship.objects.exists()


def test_kinship_can_be_deleted_from_either_page(client, hr, cadre):
    relative = CadreFactory(organization=cadre.organization, name="陈小妹")
    kinship = KinshipFactory(cadre=cadre, other=relative)
    client.force_login(hr)
    response = client.post(reverse("kinship_delete", args=[relative.pk, kinship.pk]), follow=True)
    assert "已删除陈小妹与陈晓峰的亲属关系。" in _messages(response)
    assert not Kinship.objects.exists()


# ---- export ------------------------------------------------------------------------------------------


def test_export_applies_the_list_filters(client, hr, org):
    from openpyxl import load_workbook

    CadreFactory(organization=org, name="王海涛")
    CadreFactory(organization=org, name="李雪梅")
    client.force_login(hr)
    response = client.get(reverse("cadre_export"), {"q": "海涛"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    values = {cell for row in workbook.active.iter_rows(values_only=True) for cell in row}
    assert "王海涛" in values
    assert "李雪梅" not in values


# ---- admin -------------------------------------------------------------------------------------------


def test_the_admin_lists_and_shows_registry_models_with_history(client, admin_user, cadre):
    KinshipFactory(cadre=cadre, other=CadreFactory(organization=cadre.organization))
    PostHoldingFactory(cadre=cadre)
    client.force_login(admin_user)
    for name in ["cadre", "post", "quota", "postholding", "kinship", "sanction", "annualassessment"]:
        assert client.get(reverse(f"admin:selection_{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:selection_cadre_change", args=[cadre.pk])).status_code == 200
    assert client.get(reverse("admin:selection_cadre_history", args=[cadre.pk])).status_code == 200


def test_the_edit_page_speaks_chinese_even_where_django_does_not(client, hr, cadre):
    client.force_login(hr)
    html = client.get(reverse("cadre_edit", args=[cadre.pk])).text
    assert "Select an option" not in html
    assert "请选择" in html
