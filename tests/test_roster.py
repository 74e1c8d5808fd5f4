"""花名册: the filtered list exports what it shows, by department, with the chosen columns (issue 15 §3)."""

import io
from datetime import date
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from selection.models import Cadre, ExportJob
from selection.roster import COLUMN_BY_KEY, DEFAULT_COLUMNS, pick_columns, render_roster_pdf, roster_sections

from .factories import (
    CadreFactory,
    DepartmentFactory,
    EducationRecordFactory,
    PostFactory,
    PostHoldingFactory,
)
from .population import populate

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _export(client, query: dict | None = None, **form):
    """Ask for the roster as a person would (POST), follow to the job page, download the file."""
    url = reverse("cadre_roster") + ("?" + urlencode(query, doseq=True) if query else "")
    response = client.post(url, form)
    assert response.status_code == 302, response
    job = ExportJob.objects.get(pk=int(response.url.strip("/").split("/")[-1]))
    assert job.status == ExportJob.Status.DONE, job.error
    page = client.get(response.url)
    assert "下载" in page.text and 'aria-valuenow="100"' in page.text
    return client.get(reverse("export_job_file", args=[job.pk]))


def _xlsx_names(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content))["花名册"]
    header = [c.value for c in sheet[3]]
    name_col = header.index("姓名")
    return [
        row[name_col].value
        for row in sheet.iter_rows(min_row=4)
        if row[0].value and str(row[0].value).isdigit()
    ]


def test_the_roster_pdf_is_a4_landscape_with_page_numbers_and_department_headings(org):
    office = DepartmentFactory(organization=org, name="办公室", order=1)
    fund = DepartmentFactory(organization=org, name="基金监管科", order=2)
    for index in range(40):
        cadre = CadreFactory(
            organization=org, department=office if index % 2 else fund, name=f"干部{index:02d}"
        )
        EducationRecordFactory(cadre=cadre)
    PostHoldingFactory(
        cadre=Cadre.objects.get(name="干部01"),
        post=PostFactory(organization=org, department=office, title="主任"),
    )
    data = render_roster_pdf(
        Cadre.objects.filter(organization=org),
        pick_columns(DEFAULT_COLUMNS),
        title="测试干部花名册",
        on=TODAY,
    )
    reader = PdfReader(io.BytesIO(data))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (842, 595)
    assert len(reader.pages) >= 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "测试干部花名册" in text and "共 40 人" in text
    assert "办公室（20人）" in text and "基金监管科（20人）" in text
    assert "第 1 页" in text and f"共 {len(reader.pages)} 页" in text
    assert "主任" in text and "1986.05（40）" in text


def test_sections_follow_the_department_order_and_number_rows_within_each(org):
    second = DepartmentFactory(organization=org, name="乙科", order=2)
    first = DepartmentFactory(organization=org, name="甲科", order=1)
    CadreFactory(organization=org, department=second, name="乙一")
    CadreFactory(organization=org, department=first, name="甲一")
    CadreFactory(organization=org, department=first, name="甲二")
    sections = roster_sections(Cadre.objects.all(), pick_columns(["name"]), TODAY)
    assert [(s.title.split(" · ")[1], s.rows) for s in sections] == [
        ("甲科", [["1", "甲一"], ["2", "甲二"]]),
        ("乙科", [["1", "乙一"]]),
    ]


def test_the_filtered_list_exports_exactly_what_it_shows(client, hr, org):
    registry = populate(org, TODAY, count=30)
    client.force_login(hr)
    listed = client.get(reverse("cadre_list"), {"sex": "女", "age": "ge50"})
    shown = {row.cadre.name for row in listed.context["rows"]}
    assert shown
    response = _export(client, {"sex": "女", "age": "ge50"}, columns=["name", "sex"], format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    assert set(_xlsx_names(content)) == shown
    assert len(_xlsx_names(content)) == len(shown)
    assert len(registry) > len(shown)


def test_the_column_picker_decides_the_columns_in_catalogue_order(client, hr, org):
    CadreFactory(organization=org, name="周明", id_number="330523198605200011")
    client.force_login(hr)
    response = _export(client, columns=["id_number", "name"], format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["花名册"]
    assert [c.value for c in sheet[3]] == ["序号", "姓名", "公民身份号码"]
    assert sheet.cell(5, 3).value == "330523198605200011"
    tampered = client.post(reverse("cadre_roster"), {"columns": ["bogus"], "format": "xlsx"})
    assert tampered.status_code == 200 and "导出失败：请选择列和格式后重试。" in tampered.text


def test_the_roster_page_keeps_the_list_filters_and_shows_the_count(client, hr, org):
    populate(org, TODAY, count=20)
    client.force_login(hr)
    page = client.get(reverse("cadre_roster"), {"sex": "男"})
    assert page.context["count"] == Cadre.objects.filter(sex="男").count()
    assert 'action="/cadres/roster/?sex=%E7%94%B7"' in page.text
    assert "性别：男" in page.text


def test_the_cached_roster_count_follows_every_registry_change(client, hr, org, settings):
    from .factories import CadreFactory

    settings.XUANBA_REGISTRY_CACHE_SECONDS = 600
    populate(org, TODAY, count=12)
    client.force_login(hr)

    def counts():
        return [client.get(reverse("cadre_roster"), query).context["count"] for query in ({}, {"sex": "女"})]

    before = counts()
    assert before == [Cadre.objects.count(), Cadre.objects.filter(sex="女").count()]
    assert counts() == before  # served from the cache
    newcomer = CadreFactory(organization=org, sex="女")
    assert counts() == [before[0] + 1, before[1] + 1]
    newcomer.sex = "男"
    newcomer.save()  # an edit, through the change history
    assert counts() == [before[0] + 1, before[1]]


def test_the_pdf_roster_is_built_in_the_background_and_offered_when_done(client, hr, org):
    CadreFactory(organization=org, name="周明")
    client.force_login(hr)
    response = _export(client, format="pdf")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert response["X-Content-SHA256"] == ExportJob.objects.get().sha256


def test_rosters_of_two_organizations_are_never_shared(client, hr, outsider, org, other_org):
    CadreFactory(organization=org, name="本单位干部")
    CadreFactory(organization=other_org, name="外单位干部")
    client.force_login(hr)
    ours = _xlsx_names(b"".join(_export(client, format="xlsx").streaming_content))
    client.force_login(outsider)
    theirs = _xlsx_names(b"".join(_export(client, format="xlsx").streaming_content))
    assert (ours, theirs) == (["本单位干部"], ["外单位干部"])
    assert ExportJob.objects.count() == 2


def test_outsiders_export_none_of_our_cadres(client, outsider, org):
    CadreFactory(organization=org, name="本单位干部")
    client.force_login(outsider)
    response = _export(client, format="xlsx")
    assert _xlsx_names(b"".join(response.streaming_content)) == []


def test_staff_may_not_export_a_roster(client, staff):
    client.force_login(staff)
    assert client.get(reverse("cadre_roster")).status_code == 403


ROSTER_QUERIES = 24  # the page, the job and its task (run inline in tests), the workbook's rows


@pytest.mark.parametrize("count", [1, 80])
def test_roster_export_issues_a_constant_number_of_queries(
    client, hr, org, count, django_assert_max_num_queries
):
    populate(org, TODAY, count=count)
    client.force_login(hr)
    columns = list(COLUMN_BY_KEY)
    with django_assert_max_num_queries(ROSTER_QUERIES):
        response = client.post(reverse("cadre_roster"), {"columns": columns, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportJob.Status.DONE
    with job.file.open("rb") as stored:
        assert len(_xlsx_names(stored.read())) == count


def test_a_list_export_above_the_cap_goes_to_the_background_roster(client, hr, org, settings):
    """导出Excel builds the file inside the request only up to the cap; a longer list is redirected to the
    花名册, which builds it in the background (progress bar) with the same filters."""
    settings.XUANBA_DIRECT_EXPORT_MAX_ROWS = 3
    for index in range(4):
        CadreFactory(organization=org, name=f"王{index}", sex="男")
    CadreFactory(organization=org, name="李女", sex="女")
    client.force_login(hr)
    small = client.get(reverse("cadre_export"), {"sex": "女"})
    assert small.status_code == 200
    assert small["Content-Type"].startswith("application/vnd.openxmlformats")

    large = client.get(reverse("cadre_export"), {"sex": "男"})
    assert large.status_code == 302
    assert large.url == reverse("cadre_roster") + "?sex=%E7%94%B7"
    page = client.get(large.url)
    assert "当前名单超过3人，不能直接导出" in page.text
    assert page.context["count"] == 4
    response = _export(client, {"sex": "男"}, columns=["name"], format="xlsx")
    assert sorted(_xlsx_names(b"".join(response.streaming_content))) == ["王0", "王1", "王2", "王3"]


def test_the_direct_export_cap_is_exact(client, hr, org, settings):
    settings.XUANBA_DIRECT_EXPORT_MAX_ROWS = 2
    for index in range(2):
        CadreFactory(organization=org, name=f"张{index}")
    client.force_login(hr)
    assert client.get(reverse("cadre_export")).status_code == 200
    CadreFactory(organization=org, name="张2")
    assert client.get(reverse("cadre_export")).status_code == 302
