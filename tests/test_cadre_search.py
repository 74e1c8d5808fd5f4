"""Finding people in the cadre list: name, pinyin, initials, ID number, former posts; filters; sort
(issue 15 §4). The search keys are kept on the row, updated on save and on import."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from selection.models import Cadre, EducationLevel, EducationRecord
from selection.models.cadre import search_keys

from .factories import (
    CadreFactory,
    EducationRecordFactory,
    PostFactory,
    PostHoldingFactory,
    ResumeEntryFactory,
)

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _names(client, **params) -> list[str]:
    response = client.get(reverse("cadre_list"), params)
    assert response.status_code == 200
    return [row.cadre.name for row in response.context["rows"]]


@pytest.fixture
def people(org):
    zhang = CadreFactory(organization=org, name="张晓峰", birth_date=date(1980, 1, 2))
    chen = CadreFactory(organization=org, name="陈静", sex="女", birth_date=date(1992, 6, 1))
    lü = CadreFactory(organization=org, name="吕志强", birth_date=date(1975, 3, 3))
    post = PostFactory(organization=org, title="基金监管科科长")
    PostHoldingFactory(cadre=lü, post=post, started_on=date(2015, 1, 1), ended_on=date(2020, 1, 1))
    ResumeEntryFactory(cadre=chen, text="安吉县人民医院医务科副科长")
    return zhang, chen, lü


def test_search_keys_are_derived_from_the_name_on_save(org):
    cadre = CadreFactory(organization=org, name="吕志强")
    assert (cadre.name_pinyin, cadre.name_initials) == ("lvzhiqiang", "lzq")
    cadre.name = "陈静"
    cadre.save(update_fields=["name"])
    cadre.refresh_from_db()
    assert (cadre.name_pinyin, cadre.name_initials) == ("chenjing", "cj")
    assert search_keys(" 阿依古丽·买买提 ")[1] == "aygl" + "mmt"


def test_search_by_name_pinyin_initials_id_number_and_former_post(client, hr, people):
    _zhang, chen, _lu = people
    client.force_login(hr)
    assert _names(client, q="晓峰") == ["张晓峰"]
    assert _names(client, q="zhangx") == ["张晓峰"]
    assert _names(client, q="ZXF") == ["张晓峰"]
    assert _names(client, q="cj") == ["陈静"]
    assert _names(client, q=chen.id_number[:14]) == ["陈静"]
    assert _names(client, q="基金监管科") == ["吕志强"]  # a post held before
    assert _names(client, q="医务科") == ["陈静"]  # a line of the 简历
    assert _names(client, q="!!") == []


def test_sort_by_name_pinyin_and_by_age(client, hr, people):
    client.force_login(hr)
    assert _names(client, sort="name") == ["陈静", "吕志强", "张晓峰"]
    assert _names(client, sort="age") == ["陈静", "张晓峰", "吕志强"]
    assert _names(client, sort="-age") == ["吕志强", "张晓峰", "陈静"]


def test_filters_for_sex_education_and_political_status(client, hr, org, people):
    zhang, chen, lü = people
    EducationRecordFactory(cadre=zhang, level=EducationLevel.POSTGRADUATE)
    EducationRecordFactory(cadre=zhang, kind=EducationRecord.Kind.IN_SERVICE, level=EducationLevel.COLLEGE)
    EducationRecordFactory(cadre=chen, level=EducationLevel.COLLEGE)
    EducationRecordFactory(
        cadre=chen, kind=EducationRecord.Kind.IN_SERVICE, level=EducationLevel.POSTGRADUATE
    )
    Cadre.objects.filter(pk=lü.pk).update(party_joined_on=date(2000, 7, 1))
    Cadre.objects.filter(pk=chen.pk).update(party_note="民建")
    client.force_login(hr)
    assert _names(client, sex="女") == ["陈静"]
    assert _names(client, education="postgraduate") == ["张晓峰"]  # the highest 全日制 record counts
    assert _names(client, in_service="postgraduate") == ["陈静"]
    assert _names(client, education="none") == ["吕志强"]
    assert _names(client, political="cpc") == ["吕志强"]
    assert _names(client, political="democratic") == ["陈静"]
    assert _names(client, political="masses") == ["张晓峰"]


def test_a_tampered_filter_value_is_ignored_not_an_error(client, hr, people):
    client.force_login(hr)
    assert len(_names(client, sex="X", education="phd", sort="evil")) == 3


def test_the_cadre_page_links_its_approval_form_pdf(client, hr, people):
    client.force_login(hr)
    page = client.get(reverse("cadre_detail", args=[people[0].pk]))
    assert reverse("cadre_approval_form", args=[people[0].pk]) in page.text


def test_the_excel_import_writes_search_keys_for_new_and_renamed_cadres(org, hr):
    import io

    from openpyxl import load_workbook

    from selection.interchange.importing import import_cadre_sheet
    from selection.interchange.xlsx import export_cadres

    cadre = CadreFactory(organization=org, name="周明")
    EducationRecordFactory(cadre=cadre)
    book = load_workbook(io.BytesIO(export_cadres(Cadre.objects.filter(pk=cadre.pk))))
    sheet = book.active
    name_cell = next(c for c in sheet[1] if c.value and "姓名" in str(c.value))
    sheet.cell(2, name_cell.column, "吴晓东")
    out = io.BytesIO()
    book.save(out)
    import_cadre_sheet(out.getvalue(), org, by=hr)
    cadre.refresh_from_db()
    assert (cadre.name, cadre.name_pinyin, cadre.name_initials) == ("吴晓东", "wuxiaodong", "wxd")
    Cadre.objects.all().delete()
    import_cadre_sheet(out.getvalue(), org, by=hr)
    assert Cadre.objects.get().name_initials == "wxd"


SEARCH_QUERIES = 14


@pytest.mark.parametrize("count", [1, 80])
def test_searching_and_sorting_issue_a_constant_number_of_queries(
    client, hr, org, count, django_assert_max_num_queries
):
    for index in range(count):
        cadre = CadreFactory(organization=org, name=f"张{index}")
        PostHoldingFactory(cadre=cadre, post=PostFactory(organization=org))
        EducationRecordFactory(cadre=cadre)
    client.force_login(hr)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        response = client.get(
            reverse("cadre_list"), {"q": "zh", "sort": "name", "education": "undergraduate"}
        )
    assert response.context["page"].paginator.count == count
