"""Excel exchange: template, preview with (row, column, problem), all-or-nothing import, update by ID, export."""

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from selection.interchange import xlsx
from selection.interchange.importing import (
    ImportRefused,
    import_cadre_sheet,
    preview_cadre_sheet,
)
from selection.interchange.records import ImportFileError, parse_date
from selection.models import (
    AnnualAssessment,
    Cadre,
    EducationRecord,
    Post,
    PostHolding,
    Rank,
)
from selection.views.interchange import XLSX_TYPE

from .factories import DepartmentFactory

SAMPLES = Path(__file__).resolve().parent.parent / "selection" / "interchange" / "samples"
YEARS = xlsx.assessment_years()
HEADERS = [c.header for c in xlsx.columns_for(YEARS)]


def make_id(birth: date, male: bool = True, seq: int = 1, region: str = "330523") -> str:
    """A valid 18-digit ID number: the sequence digit is odd for men."""
    body = f"{region}{birth:%Y%m%d}{(seq * 2 + (1 if male else 0)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips a check digit place


def person(**overrides) -> dict:
    """One sheet row as {header: value}; the defaults make a valid cadre."""
    birth = overrides.pop("birth", date(1985, 3, 12))
    male = overrides.pop("male", True)
    row = {
        "姓名": "陈晓峰",
        "性别": "男" if male else "女",
        "出生日期": birth,
        "公民身份号码": make_id(birth, male, overrides.pop("seq", 1)),
        "民族": "汉族",
        "籍贯": "浙江安吉",
        "出生地": "浙江安吉",
        "入党时间": "2008.06",
        "参加工作时间": "2008年7月1日",
        "健康状况": "健康",
        "全日制学历": "大学本科",
        "全日制学位": "管理学学士",
        "全日制毕业院校系及专业": "浙江工商大学会计学专业",
        f"{YEARS[0]}年度考核": "称职",
        f"{YEARS[1]}年度考核": "优秀",
    }
    row.update(overrides)
    return row


def sheet(*rows: dict, headers: list[str] | None = None) -> bytes:
    """An xlsx made from the downloaded template with the rows filled in."""
    book = load_workbook(io.BytesIO(xlsx.cadre_template()))
    ws = book[xlsx.SHEET_NAME]
    headers = headers or [c.value for c in ws[1]]
    if headers != [c.value for c in ws[1]]:
        for index, header in enumerate(headers, start=1):
            ws.cell(row=1, column=index, value=header)
    for row in rows:
        ws.append([row.get(header) for header in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(cadre: Cadre) -> dict:
    cadre = Cadre.objects.for_detail().get(pk=cadre.pk)
    fields = {
        f.attname: getattr(cadre, f.attname) for f in Cadre._meta.concrete_fields if f.name != "updated_at"
    }
    return {
        **fields,
        "education": sorted((e.kind, e.level, e.degree, e.school_and_major) for e in cadre.education.all()),
        "assessments": sorted((a.year, a.result) for a in cadre.assessments.all()),
        "holdings": sorted((h.post_id, h.started_on, h.ended_on) for h in cadre.holdings.all()),
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def office(org):
    return DepartmentFactory(organization=org, name="办公室")


# ---- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "month_only"),
    [
        ("2026-03-05", date(2026, 3, 5), False),
        ("2026年3月5日", date(2026, 3, 5), False),
        ("2026/3/5", date(2026, 3, 5), False),
        ("2026.03", date(2026, 3, 1), True),
        ("2026年3月", date(2026, 3, 1), True),
        ("202603", date(2026, 3, 1), True),
        ("20260305", date(2026, 3, 5), False),
        ("２０２６．０３", date(2026, 3, 1), True),
        (datetime(2026, 3, 5, 0, 0), date(2026, 3, 5), False),
        (2026.1, date(2026, 10, 1), True),
        (46086, date(2026, 3, 5), False),
    ],
)
def test_dates_accept_excel_dates_and_the_usual_chinese_spellings(value, expected, month_only):
    parsed = parse_date(value)
    assert parsed.value == expected
    assert parsed.month_only is month_only


@pytest.mark.parametrize("value", ["2026-13-01", "2026年2月30日", "三月", "1850.01"])
def test_impossible_dates_are_refused_in_chinese(value):
    with pytest.raises(ValueError, match="无法识别的日期"):
        parse_date(value)


# ---- template -------------------------------------------------------------------------------------------


def test_template_has_a_column_for_every_field_and_a_sheet_of_instructions():
    book = load_workbook(io.BytesIO(xlsx.cadre_template()))
    assert book.sheetnames == ["干部信息", "填写说明"]
    headers = [c.value for c in book["干部信息"][1]]
    assert headers[:4] == ["姓名", "性别", "出生日期", "公民身份号码"]
    for header in ["入党时间", "党派", "科室", "现任职务", "任职时间", "在职毕业院校系及专业", "奖惩情况"]:
        assert header in headers
    assert headers[-2:] == [f"{YEARS[0]}年度考核", f"{YEARS[1]}年度考核"]
    notes = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row if c.value)
    assert "公民身份号码" in notes
    assert "年度考核" in notes


def test_empty_template_reimports_without_problems(org):
    plan = preview_cadre_sheet(xlsx.cadre_template(), org)
    assert plan.ok
    assert plan.items == []


def test_filled_in_template_imports_the_cadres_with_their_values(org, office, hr):
    data = sheet(
        person(科室="办公室"),
        person(姓名="李丽娟", male=False, birth=date(1990, 11, 5), 入党时间=None, 党派="民建", seq=2),
    )
    plan = import_cadre_sheet(data, org, by=hr)
    assert len(plan.created) == 2
    chen = Cadre.objects.get(name="陈晓峰")
    assert chen.organization == org
    assert chen.department == office
    assert chen.birth_date == date(1985, 3, 12)
    assert chen.party_joined_on == date(2008, 6, 1)
    assert chen.work_started_on == date(2008, 7, 1)
    education = chen.education.get()
    assert (education.kind, education.level, education.degree) == (
        EducationRecord.Kind.FULL_TIME,
        "undergraduate",
        "管理学学士",
    )
    assert dict(chen.assessments.values_list("year", "result")) == {YEARS[0]: "称职", YEARS[1]: "优秀"}
    li = Cadre.objects.get(name="李丽娟")
    assert (li.sex, li.party_joined_on, li.party_note) == ("女", None, "民建")
    assert chen.history.first().history_user == hr


def test_birth_date_may_be_left_blank_and_comes_from_the_id_number(org):
    import_cadre_sheet(sheet(person(出生日期=None)), org)
    assert Cadre.objects.get().birth_date == date(1985, 3, 12)


def test_current_post_creates_a_holding_and_a_new_post_ends_the_old_one(org, office):
    deputy = Post.objects.create(organization=org, department=office, title="办公室副主任", rank=Rank.DEPUTY)
    chief = Post.objects.create(organization=org, department=office, title="办公室主任", rank=Rank.CHIEF)
    import_cadre_sheet(sheet(person(现任职务="办公室副主任", 任职时间="2019.03")), org)
    cadre = Cadre.objects.get()
    assert list(cadre.holdings.values_list("post", "started_on", "ended_on")) == [
        (deputy.pk, date(2019, 3, 1), None)
    ]
    import_cadre_sheet(sheet(person(现任职务="办公室主任", 任职时间="2024-01-15")), org)
    assert list(cadre.holdings.order_by("started_on").values_list("post", "started_on", "ended_on")) == [
        (deputy.pk, date(2019, 3, 1), date(2024, 1, 14)),
        (chief.pk, date(2024, 1, 15), None),
    ]


def test_sheet_with_bad_rows_reports_each_row_column_and_problem_and_imports_nothing(org):
    good = person()
    data = sheet(
        good,
        person(姓名="校验码错", 公民身份号码=make_id(date(1986, 1, 1))[:-1] + "0", seq=3),
        person(姓名="性别不符", male=False, seq=4, 性别="男"),
        person(姓名="生日不符", seq=5, 出生日期="1985-03-13"),
        person(姓名="未来日期", seq=6, 参加工作时间="2099-01-01"),
        person(姓名="日期乱写", seq=7, 入党时间="去年"),
        person(姓名="科室不存在", seq=8, 科室="宣传科"),
        person(姓名="考核乱写", seq=9, **{f"{YEARS[1]}年度考核": "很好"}),
        person(姓名="号码重复"),
        person(姓名="没有职务", seq=10, 现任职务="局长", 任职时间="2020.01"),
        person(姓名="", seq=11),
    )
    with pytest.raises(ImportRefused) as refused:
        import_cadre_sheet(data, org)
    found = {(p.row, p.column) for p in refused.value.plan.problems}
    assert found == {
        (3, "公民身份号码"),
        (4, "性别"),
        (5, "出生日期"),
        (6, "参加工作时间"),
        (7, "入党时间"),
        (8, "科室"),
        (9, f"{YEARS[1]}年度考核"),
        (10, "公民身份号码"),
        (11, "现任职务"),
        (12, "姓名"),
    }
    messages = {p.row: p.message for p in refused.value.plan.problems}
    assert "校验码" in messages[3]
    assert "号码显示为女" in messages[4]
    assert messages[6] == "日期不能晚于今天。"
    assert "与第2行的公民身份号码重复" in messages[10]
    assert Cadre.objects.count() == 0


def test_reimport_updates_by_id_number_instead_of_duplicating(org, hr):
    import_cadre_sheet(
        sheet(person(), person(姓名="李丽娟", male=False, birth=date(1990, 11, 5), seq=2)), org
    )
    chen = Cadre.objects.get(name="陈晓峰")
    plan = import_cadre_sheet(
        sheet(person(姓名="陈晓锋", 健康状况="一般", **{f"{YEARS[1]}年度考核": "称职"}), person(seq=3)),
        org,
        by=hr,
    )
    assert len(plan.created) == 1  # seq=3: another person
    assert [item.changes for item in plan.updated] == [["姓名", "健康状况", "年度考核"]]
    assert Cadre.objects.count() == 3
    chen.refresh_from_db()
    assert (chen.name, chen.health) == ("陈晓锋", "一般")
    assert AnnualAssessment.objects.get(cadre=chen, year=YEARS[1]).result == "称职"
    assert chen.education.count() == 1  # same kind and level: updated in place


def test_cadre_of_another_organization_is_never_taken_over(org, other_org):
    import_cadre_sheet(sheet(person()), other_org)
    with pytest.raises(ImportRefused) as refused:
        import_cadre_sheet(sheet(person(姓名="改名")), org)
    assert [(p.row, p.column) for p in refused.value.plan.problems] == [(2, "公民身份号码")]
    assert Cadre.objects.get().name == "陈晓峰"


def test_export_then_import_changes_nothing(org, office):
    post = Post.objects.create(organization=org, department=office, title="办公室主任", rank=Rank.CHIEF)
    import_cadre_sheet(
        sheet(
            person(
                科室="办公室",
                现任职务="办公室主任",
                任职时间="2021-05-10",
                在职学历="研究生",
                在职学位="硕士",
            ),
            person(姓名="李丽娟", male=False, birth=date(1990, 11, 5), seq=2, 入党时间=None, 党派="民建"),
        ),
        org,
    )
    before = [snapshot(c) for c in Cadre.objects.order_by("pk")]
    exported = xlsx.export_cadres(Cadre.objects.order_by("pk"))
    plan = import_cadre_sheet(exported, org)
    assert len(plan.unchanged) == 2
    assert [snapshot(c) for c in Cadre.objects.order_by("pk")] == before
    assert PostHolding.objects.get().post == post


def test_export_reads_relations_in_a_fixed_number_of_queries(org, django_assert_max_num_queries):
    import_cadre_sheet(sheet(*(person(姓名=f"干部{i}", seq=i) for i in range(1, 31))), org)
    cadres = Cadre.objects.all()
    # cadres, departments, education, assessments, holdings, posts' titles
    with django_assert_max_num_queries(6):
        data = xlsx.export_cadres(cadres)
    rows = list(load_workbook(io.BytesIO(data))["干部信息"].iter_rows(values_only=True))
    assert len(rows) == 31
    assert rows[0] == tuple(HEADERS)


def test_preview_looks_up_everything_once_whatever_the_number_of_rows(org, django_assert_max_num_queries):
    import_cadre_sheet(sheet(*(person(姓名=f"干部{i}", seq=i) for i in range(1, 41))), org)
    data = sheet(*(person(姓名=f"新名{i}", seq=i) for i in range(1, 81)))
    # departments, posts, cadres of the org (+3 prefetches), cadres elsewhere
    with django_assert_max_num_queries(7):
        plan = preview_cadre_sheet(data, org)
    assert (len(plan.created), len(plan.updated)) == (40, 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a spreadsheet", "无法读取文件"),
        (b"PK\x03\x04" + b"\0" * 100, "无法读取文件"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_with_a_clear_message(org, data, message):
    with pytest.raises(ImportFileError, match=message):
        preview_cadre_sheet(data, org)


def test_unknown_or_missing_columns_are_refused(org):
    with pytest.raises(ImportFileError, match="无法识别的列：电话"):
        preview_cadre_sheet(sheet(person(), headers=[*HEADERS, "电话"]), org)
    book = Workbook()
    book.active.append(["姓名", "性别"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ImportFileError, match="缺少必填的列：公民身份号码、参加工作时间"):
        preview_cadre_sheet(out.getvalue(), org)


def test_an_id_number_typed_as_a_number_is_refused(org):
    with pytest.raises(ImportRefused) as refused:
        import_cadre_sheet(sheet(person(公民身份号码=3.30523198503120e17)), org)
    assert "文本格式" in refused.value.plan.problems[0].message


def test_the_sample_sheet_imports_into_the_demo_departments(org):
    for name in ["基金监管科", "医药服务管理科", "规划财务和法规科"]:
        DepartmentFactory(organization=org, name=name)
    plan = preview_cadre_sheet((SAMPLES / "cadres-sample.xlsx").read_bytes(), org)
    assert plan.ok, plan.problems
    assert len(plan.created) == 3


# ---- pages ----------------------------------------------------------------------------------------------


def test_hr_uploads_sees_the_preview_and_confirms(client, hr, office):
    client.force_login(hr)
    upload = io.BytesIO(sheet(person(科室="办公室")))
    upload.name = "干部.xlsx"
    response = client.post(reverse("cadre_import"), {"file": upload})
    assert response.status_code == 200
    assert "新增 1 人" in response.text
    assert "陈晓峰" in response.text
    assert Cadre.objects.count() == 0
    token = response.context["token"]
    response = client.post(reverse("cadre_import_confirm"), {"token": token})
    assert response.status_code == 302
    assert Cadre.objects.get().organization == hr.organization
    # The stored upload is gone: confirming twice imports nothing more.
    response = client.post(reverse("cadre_import_confirm"), {"token": token}, follow=True)
    assert "预览已过期" in response.text


def test_the_preview_lists_every_bad_row_and_offers_no_confirmation(client, hr):
    client.force_login(hr)
    upload = io.BytesIO(sheet(person(), person(seq=2, 出生日期="1999-01-01")))
    upload.name = "干部.xlsx"
    response = client.post(reverse("cadre_import"), {"file": upload})
    assert response.status_code == 200
    assert "第3行" in response.text
    assert "出生日期与公民身份号码中的出生日期不一致" in response.text
    assert reverse("cadre_import_confirm") not in response.text


def test_a_bad_file_gets_a_chinese_message_on_the_page_not_an_error(client, hr):
    client.force_login(hr)
    upload = io.BytesIO(b"<html>not excel</html>")
    upload.name = "干部.xlsx"
    response = client.post(reverse("cadre_import"), {"file": upload})
    assert response.status_code == 200
    assert "无法读取文件" in response.text


def test_confirm_revalidates_the_stored_file(client, hr, other_org):
    client.force_login(hr)
    upload = io.BytesIO(sheet(person()))
    upload.name = "干部.xlsx"
    token = client.post(reverse("cadre_import"), {"file": upload}).context["token"]
    import_cadre_sheet(sheet(person()), other_org)  # meanwhile, another organization registers the person
    response = client.post(reverse("cadre_import_confirm"), {"token": token})
    assert response.status_code == 200
    assert "已登记在其他单位" in response.text
    assert Cadre.objects.filter(organization=hr.organization).count() == 0


def test_hr_downloads_the_template(client, hr):
    client.force_login(hr)
    response = client.get(reverse("cadre_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames[0] == "干部信息"


@pytest.mark.parametrize("persona", ["staff", "auditor", "secretary"])
@pytest.mark.parametrize("url_name", ["cadre_import", "cadre_import_template"])
def test_only_hr_may_import(client, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(url_name)).status_code == 403
    assert client.post(reverse("cadre_import_confirm"), {"token": "x"}).status_code == 403


# ---- command --------------------------------------------------------------------------------------------


def test_command_prints_the_preview_and_imports(org, tmp_path, capsys):
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(sheet(person()))
    call_command("import_cadres", str(path), "--organization", str(org.pk), "--dry-run")
    assert Cadre.objects.count() == 0
    assert "新增  2  陈晓峰" in capsys.readouterr().out
    call_command("import_cadres", str(path), "--organization", str(org.pk))
    assert Cadre.objects.count() == 1


def test_command_exits_non_zero_on_errors_and_changes_nothing(org, tmp_path, capsys):
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(sheet(person(), person(seq=2, 性别="女")))
    with pytest.raises(CommandError):
        call_command("import_cadres", str(path), "--organization", str(org.pk))
    assert "第3行\t性别" in capsys.readouterr().err
    assert Cadre.objects.count() == 0
