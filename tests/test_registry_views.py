"""Registry screens: permissions, list filters, the cadre page, editing, photo, kinship, history, export."""

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
    Rank,
    ResumeEntry,
    Sex,
)

from .factories import (
    AnnualAssessmentFactory,
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    FamilyMemberFactory,
    KinshipFactory,
    PostFactory,
    PostHoldingFactory,
    ResumeEntryFactory,
    SanctionFactory,
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
    department = DepartmentFactory(organization=org, name="待遇保障科")
    cadre = CadreFactory(organization=org, department=department, name="陈晓峰")
    return cadre


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


# ---- who may see and change what ---------------------------------------------------------------------

READ_PERSONAS = ["hr", "secretary", "member", "auditor"]


def _cadre_urls(pk: int) -> list[str]:
    return [
        reverse("cadre_detail", args=[pk]),
        reverse("cadre_history", args=[pk]),
    ]


@pytest.mark.parametrize("persona", READ_PERSONAS)
def test_registry_readers_see_the_list_and_the_cadre_page(client, request, persona, cadre):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cadre_list")).status_code == 200
    for url in _cadre_urls(cadre.pk):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["secretary", "member", "auditor"])
def test_readers_may_not_edit(client, request, persona, cadre):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cadre_create")).status_code == 403
    assert client.get(reverse("cadre_edit", args=[cadre.pk])).status_code == 403
    assert client.get(reverse("kinship_add", args=[cadre.pk])).status_code == 403
    assert client.post(reverse("cadre_photo", args=[cadre.pk])).status_code == 403
    assert "编辑" not in client.get(reverse("cadre_detail", args=[cadre.pk])).text.split("</nav>", 1)[1]


def test_staff_get_403_on_every_registry_page(client, staff, cadre):
    client.force_login(staff)
    urls = [reverse("cadre_list"), reverse("cadre_create"), reverse("cadre_export")]
    urls += [*_cadre_urls(cadre.pk), reverse("cadre_edit", args=[cadre.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert "干部信息" not in client.get(reverse("home")).text


def test_cadres_of_another_organization_are_404_even_for_their_hr(client, outsider, hr, cadre, foreign_cadre):
    client.force_login(outsider)
    for url in [*_cadre_urls(cadre.pk), reverse("cadre_edit", args=[cadre.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("cadre_photo", args=[cadre.pk])).status_code == 404
    assert "陈晓峰" not in client.get(reverse("cadre_list")).text
    client.force_login(hr)
    assert client.get(reverse("cadre_detail", args=[foreign_cadre.pk])).status_code == 404
    assert client.get(reverse("cadre_detail", args=[999999])).status_code == 404


def test_subordinate_institution_cadres_are_visible_to_the_bureau(client, hr, org):
    from .factories import OrganizationFactory

    center = OrganizationFactory(name="安吉县医疗保障服务中心", short_name="医保中心", parent=org)
    cadre = CadreFactory(organization=center, name="中心干部")
    client.force_login(hr)
    assert client.get(reverse("cadre_detail", args=[cadre.pk])).status_code == 200
    assert "中心干部" in client.get(reverse("cadre_list")).text


def test_navigation_shows_the_registry_to_hr(client, hr):
    client.force_login(hr)
    assert reverse("cadre_list") in client.get(reverse("home")).text


def test_state_changes_are_post_only(client, hr, cadre):
    client.force_login(hr)
    assert client.get(reverse("cadre_photo", args=[cadre.pk])).status_code == 405
    kinship = KinshipFactory(cadre=cadre, other=CadreFactory(organization=cadre.organization))
    assert client.get(reverse("kinship_delete", args=[cadre.pk, kinship.pk])).status_code == 405


# ---- list --------------------------------------------------------------------------------------------


def _names(response) -> set[str]:
    return {row.cadre.name for row in response.context["rows"]}


def test_list_shows_the_row_facts(client, hr, cadre):
    post = PostFactory(organization=cadre.organization, department=cadre.department, title="待遇保障科副科长")
    post.rank = Rank.DEPUTY
    post.save()
    PostHoldingFactory(cadre=cadre, post=post, started_on=date(2020, 9, 1))
    AnnualAssessmentFactory(cadre=cadre, year=2025, result=AssessmentResult.BASIC)
    AnnualAssessmentFactory(cadre=cadre, year=2026, result=AssessmentResult.EXCELLENT)  # not yet complete
    client.force_login(hr)
    html = client.get(reverse("cadre_list")).text
    assert "陈晓峰" in html
    assert "待遇保障科副科长" in html
    assert "2020.09" in html
    assert "2025年 基本称职" in html
    assert "应交流" in html  # 6 years in the same post (R-REQ-2)
    assert ">40<" in html  # born 1986-05-20


def test_list_searches_by_name(client, hr, org):
    CadreFactory(organization=org, name="王海涛")
    CadreFactory(organization=org, name="李雪梅")
    client.force_login(hr)
    assert _names(client.get(reverse("cadre_list"), {"q": "海涛"})) == {"王海涛"}


def test_list_filters_by_department(client, hr, org):
    first, second = DepartmentFactory(organization=org), DepartmentFactory(organization=org)
    CadreFactory(organization=org, department=first, name="甲")
    CadreFactory(organization=org, department=second, name="乙")
    client.force_login(hr)
    assert _names(client.get(reverse("cadre_list"), {"department": first.pk})) == {"甲"}


def test_list_filters_by_rank_of_the_current_post(client, hr, org):
    chief = CadreFactory(organization=org, name="正职")
    deputy = CadreFactory(organization=org, name="副职")
    CadreFactory(organization=org, name="一般")
    former = CadreFactory(organization=org, name="曾任副职")
    PostHoldingFactory(cadre=chief, post__rank=Rank.CHIEF)
    PostHoldingFactory(cadre=deputy, post__rank=Rank.DEPUTY)
    PostHoldingFactory(cadre=former, post__rank=Rank.DEPUTY, ended_on=date(2024, 1, 1))
    client.force_login(hr)
    url = reverse("cadre_list")
    assert _names(client.get(url, {"rank": "chief"})) == {"正职"}
    assert _names(client.get(url, {"rank": "deputy"})) == {"副职"}
    assert _names(client.get(url, {"rank": "none"})) == {"一般", "曾任副职"}


def test_age_band_puts_39_and_40_on_either_side_of_the_boundary(client, hr, org):
    CadreFactory(organization=org, name="明天满40", birth_date=date(1986, 11, 27))
    CadreFactory(organization=org, name="今天满40", birth_date=date(1986, 11, 26))
    CadreFactory(organization=org, name="三十四", birth_date=date(1992, 1, 1))
    CadreFactory(organization=org, name="五十", birth_date=date(1976, 11, 26))
    client.force_login(hr)
    url = reverse("cadre_list")
    assert _names(client.get(url, {"age": "35-39"})) == {"明天满40"}
    assert _names(client.get(url, {"age": "40-44"})) == {"今天满40"}
    assert _names(client.get(url, {"age": "lt35"})) == {"三十四"}
    assert _names(client.get(url, {"age": "ge50"})) == {"五十"}


def test_rotation_filter_follows_r_req_2(client, hr, org):
    for name, started in [
        ("四年十一个月", date(2021, 11, 27)),
        ("刚满五年", date(2021, 11, 26)),
        ("九年", date(2017, 6, 1)),
        ("刚满十年", date(2016, 11, 26)),
    ]:
        PostHoldingFactory(cadre=CadreFactory(organization=org, name=name), started_on=started)
    client.force_login(hr)
    url = reverse("cadre_list")
    assert _names(client.get(url, {"rotation": "due"})) == {"刚满五年", "九年"}
    assert _names(client.get(url, {"rotation": "overdue"})) == {"刚满十年"}
    assert _names(client.get(url, {"rotation": "due_or_overdue"})) == {"刚满五年", "九年", "刚满十年"}


def test_tampered_filters_are_ignored_not_a_500(client, hr, cadre):
    client.force_login(hr)
    response = client.get(
        reverse("cadre_list"), {"department": "x", "rank": "boss", "age": "9", "page": "abc"}
    )
    assert response.status_code == 200
    assert _names(response) == {"陈晓峰"}


def test_list_is_paginated_by_25(client, hr, org):
    CadreFactory.create_batch(30, organization=org)
    client.force_login(hr)
    first = client.get(reverse("cadre_list"))
    assert len(first.context["rows"]) == 25
    assert "第 1 / 2 页" in first.text
    assert len(client.get(reverse("cadre_list"), {"page": 2}).context["rows"]) == 5


def _populate(org, count: int) -> None:
    """`count` cadres, each with a current post and two assessments."""
    department = DepartmentFactory(organization=org)
    post = PostFactory(organization=org, department=department)
    cadres = Cadre.objects.bulk_create(
        [
            Cadre(
                organization=org,
                department=department,
                name=f"干部{i}",
                sex=Sex.MALE,
                birth_date=date(1980, 1, 1),
                id_number=id_number_for(date(1980, 1, 1), Sex.MALE, i),
                work_started_on=date(2002, 7, 1),
            )
            for i in range(count)
        ]
    )
    from selection.models import PostHolding

    PostHolding.objects.bulk_create(
        [PostHolding(cadre=c, post=post, started_on=date(2019, 3, 1)) for c in cadres]
    )
    AnnualAssessment.objects.bulk_create(
        [AnnualAssessment(cadre=c, year=y, result="称职") for c in cadres for y in (2024, 2025)]
    )


# Queries of the list page, the same for 1 and for 500 cadres:
#  1 session, 2 user, 3 the user's groups (roles),
#  4 count for the paginator, 5 the page of cadres with organization and department,
#  6 their post holdings with posts and departments, 7 their assessments,
#  8 the user's organization (navigation bar), 9 the departments of the filter's select.
# 9 for the page itself + 5 per request from the session and two-factor (OTP) middleware
# measured equal for 1 and 500 rows.
LIST_QUERIES = 14


@pytest.mark.parametrize("count", [1, 500])
def test_list_issues_a_constant_number_of_queries(client, hr, org, count, django_assert_max_num_queries):
    _populate(org, count)
    client.force_login(hr)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("cadre_list"), {"rotation": "due_or_overdue", "rank": "chief"})
    assert len(response.context["rows"]) == min(count, 25)


# ---- cadre page --------------------------------------------------------------------------------------


def _full_record(cadre: Cadre, sections: int) -> None:
    for i in range(sections):
        EducationRecordFactory(cadre=cadre, graduated_on=date(2000 + i % 20, 7, 1))
        ResumeEntryFactory(
            cadre=cadre, started_on=date(2000 + i % 20, 7, 1), ended_on=date(2000 + i % 20, 12, 1)
        )
        FamilyMemberFactory(cadre=cadre)
        AnnualAssessmentFactory(cadre=cadre, year=1990 + i)
        SanctionFactory(cadre=cadre, effective_on=date(2010 + i % 10, 1, 1))
        PostHoldingFactory(
            cadre=cadre, started_on=date(2000 + i % 20, 1, 1), ended_on=date(2000 + i % 20, 6, 1)
        )
        KinshipFactory(
            cadre=cadre, other=CadreFactory(organization=cadre.organization, department=cadre.department)
        )


# Queries of the cadre page, the same for a short and a long record:
#  1 session, 2 user, 3 the user's groups (roles),
#  4 the cadre with organization and department, 5 post holdings with posts,
#  6 assessments, 7 education, 8 résumé, 9 family, 10 sanctions,
#  11 kinships stored on this side with the relative and department, 12 those stored on the other side,
#  13 the user's organization (navigation bar).
# 13 for the page itself + 5 per request from the session and two-factor (OTP) middleware;
# measured equal for 1 and 20 sections.
DETAIL_QUERIES = 18


@pytest.mark.parametrize("sections", [1, 20])
def test_cadre_page_issues_a_constant_number_of_queries(
    client, hr, cadre, sections, django_assert_max_num_queries
):
    _full_record(cadre, sections)
    _populate(cadre.organization, 50 if sections > 1 else 0)
    client.force_login(hr)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("cadre_detail", args=[cadre.pk]))
    assert response.status_code == 200
    assert len(response.context["relatives"]) == sections


def test_cadre_page_shows_every_section(client, hr, cadre):
    EducationRecordFactory(cadre=cadre)
    ResumeEntryFactory(
        cadre=cadre, started_on=date(2008, 7, 1), ended_on=date(2012, 9, 1), text="某某县某某局科员", order=1
    )
    ResumeEntryFactory(
        cadre=cadre, started_on=date(2012, 9, 1), ended_on=None, text="安吉县医疗保障局副科长", order=2
    )
    FamilyMemberFactory(cadre=cadre, relation="妻子", name="林静")
    FamilyMemberFactory(cadre=cadre, relation="父亲", name="陈大山", deceased=True, unit_and_post="退休")
    AnnualAssessmentFactory(cadre=cadre, year=2025, result=AssessmentResult.BASIC)
    SanctionFactory(
        cadre=cadre, kind=_demerit(), effective_on=date(2026, 3, 10), document="安医保〔2026〕5号"
    )
    spouse = CadreFactory(organization=cadre.organization, name="林秀英", sex=Sex.FEMALE)
    KinshipFactory(cadre=spouse, other=cadre)
    client.force_login(hr)
    html = client.get(reverse("cadre_detail", args=[cadre.pk])).text
    for text in [
        "基本情况",
        "1986.05（40岁）",
        "管理学学士",
        "2008.07--2012.09  某某县某某局科员",
        "2012.09--         安吉县医疗保障局副科长",
        "林静",
        "退休（已去世）",
        "2025年基本称职",
        "影响期内",
        "林秀英",
        "夫妻关系",
        "暂无照片",
    ]:
        assert text in html, text


def _demerit() -> str:
    from selection.rules import SanctionType

    return SanctionType.DEMERIT


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
