"""Registry screens: permissions, list filters and the cadre page (editing: test_registry_editing.py)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from selection.models import (
    AnnualAssessment,
    AssessmentResult,
    Cadre,
    Rank,
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
