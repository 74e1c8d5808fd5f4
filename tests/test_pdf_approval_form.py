"""干部任免审批表 PDF: filling rules, layout (values inside their cells), two pages, embedded fonts."""

import dataclasses
import io
from datetime import date

import pdfplumber
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from selection.pdf.approval_form import (
    ApprovalFormData,
    Education,
    FamilyMember,
    ResumeEntry,
    age_at,
    assessment_sentence,
    family_rows,
    format_ym,
    render_approval_form_data,
    resume_lines,
    rewards_text,
)
from selection.pdf.fit import fit_lines, wrapped_line_count
from selection.pdf.fonts import font_stack

RESUME = [
    ResumeEntry((2008, 7), (2012, 9), "安吉县人力资源和社会保障局科员"),
    ResumeEntry(
        (2012, 9),
        (2019, 3),
        "安吉县人力资源和社会保障局医疗保险科副科长",
        notes=["（其间：2015.09--2018.07在浙江大学公共管理专业在职研究生学习，获公共管理硕士学位）"],
    ),
    ResumeEntry((2019, 3), None, "安吉县医疗保障局待遇保障科科长"),
]


def sample_photo(size: tuple[int, int] = (360, 400)) -> bytes:
    """A colour "portrait" that is not 4:5, so the renderer has to crop it."""
    image = Image.new("RGB", size, (70, 120, 200))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.55), fill=(240, 210, 180))
    draw.rectangle((w * 0.2, h * 0.6, w * 0.8, h), fill=(30, 30, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def sample_form_data(**changes: object) -> ApprovalFormData:
    data = ApprovalFormData(
        name="陈晓明",
        sex="男",
        birth=(1985, 3),
        age_on=date(2026, 3, 5),
        ethnicity="汉族",
        native_place="浙江安吉",
        birthplace="浙江湖州",
        party_joining="2007.06",
        work_start=(2008, 7),
        health="健康",
        professional_title="经济师",
        expertise="医疗保障政策和基金管理",
        full_time_education=Education(
            level="大学", degree="管理学学士", school="浙江财经大学劳动与社会保障专业"
        ),
        in_service_education=Education(
            level="研究生",
            degree="公共管理硕士",
            school="浙江大学公共管理专业",
            degree_school="浙江大学公共管理学院公共管理专业",
        ),
        current_post="安吉县医疗保障局待遇保障科科长",
        proposed_post="安吉县医疗保障局副局长",
        post_to_remove="安吉县医疗保障局待遇保障科科长",
        resume=tuple(resume_lines(RESUME)),
        rewards_and_punishments="2021年被评为湖州市医疗保障系统先进工作者。",
        annual_assessment=assessment_sentence([(2024, "称职"), (2025, "称职")]),
        appointment_reason="工作需要。",
        family=(
            FamilyMember("妻子", "林静", (1987, 5), "中共党员", "安吉县人民医院护士长"),
            FamilyMember("儿子", "陈子墨", (2014, 9), "群众", "安吉县昌硕小学学生"),
            FamilyMember("父亲", "陈国华", (1958, 11), "中共党员", "安吉县递铺街道退休干部"),
            FamilyMember("母亲", "王秀英", (1960, 2), "群众", "安吉县递铺街道农民", deceased=True),
        ),
        reporting_unit="中共安吉县医疗保障局党组",
        photo=sample_photo(),
        filler="孙丽",
        fill_date=date(2026, 3, 5),
    )
    return dataclasses.replace(data, **changes)


def crowded_form_data() -> ApprovalFormData:
    """Worst case: a 40-line 简历 of long lines and seven family members with long units."""
    long_text = (
        "安吉县医疗保障局医药服务管理科（医疗保障基金监管科、医疗保障信息中心）副科长、四级主任科员（挂职）"
    )
    resume = tuple(
        f"{1986 + i // 2}.{(i % 2) * 6 + 1:02d}--{1986 + (i + 1) // 2}.{((i + 1) % 2) * 6 + 1:02d}  {long_text}"
        for i in range(40)
    )
    members = tuple(
        FamilyMember(
            "女儿",
            "欧阳晓晓",
            (1990 + i, 1),
            "中共预备党员",
            "浙江省湖州市安吉县递铺街道办事处社会事务管理服务中心（退役军人服务站）副主任科员兼统计员",
            deceased=i == 6,
        )
        for i in range(7)
    )
    return sample_form_data(
        resume=resume,
        family=members,
        rewards_and_punishments="；".join(["2019年获县级优秀公务员嘉奖一次"] * 12) + "。",
        appointment_reason="根据工作需要，经民主推荐、组织考察和党组会议研究决定。" * 6,
    )


# ---- Filling rules ----------------------------------------------------------------------------------------


def test_year_month_is_printed_with_a_dot_and_two_digit_month():
    assert format_ym(1985, 3) == "1985.03"
    assert format_ym(2019, 12) == "2019.12"


def test_format_ym_rejects_an_impossible_month():
    with pytest.raises(ValueError):
        format_ym(1985, 13)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 2, 28), 40), (date(2026, 3, 1), 41), (date(2026, 3, 31), 41), (date(2027, 1, 1), 41)],
)
def test_age_counts_full_years_to_the_birth_month(on, expected):
    assert age_at((1985, 3), on) == expected


def test_resume_lines_put_two_spaces_after_the_end_date_and_nine_for_the_current_post():
    assert resume_lines(RESUME) == [
        "2008.07--2012.09  安吉县人力资源和社会保障局科员",
        "2012.09--2019.03  安吉县人力资源和社会保障局医疗保险科副科长",
        "（其间：2015.09--2018.07在浙江大学公共管理专业在职研究生学习，获公共管理硕士学位）",
        "2019.03--         安吉县医疗保障局待遇保障科科长",
    ]


def test_assessment_sentence_says_both_years_were_the_same():
    assert assessment_sentence([(2025, "称职"), (2024, "称职")]) == "2024年、2025年年度考核均为称职。"


def test_assessment_sentence_names_each_year_when_results_differ():
    assert (
        assessment_sentence([(2024, "优秀"), (2025, "称职")])
        == "2024年年度考核为优秀，2025年年度考核为称职。"
    )


def test_assessment_sentence_for_one_year_or_none():
    assert assessment_sentence([(2025, "优秀")]) == "2025年年度考核为优秀。"
    assert assessment_sentence([]) == ""


def test_empty_rewards_and_punishments_print_as_none():
    assert rewards_text("  ") == "无"
    assert rewards_text("2021年嘉奖一次。") == "2021年嘉奖一次。"


def test_family_always_has_seven_rows_and_a_deceased_member_has_no_age():
    rows = family_rows(sample_form_data().family, date(2026, 3, 5))
    assert len(rows) == 7
    assert (rows[0].relation, rows[0].age) == ("妻子", "38")
    assert rows[3].age == ""
    assert rows[3].unit_and_post == "安吉县递铺街道农民（已去世）"
    assert rows[6].name == ""


def test_family_rows_keep_only_the_seven_the_form_has_room_for():
    members = [FamilyMember("儿子", f"孩子{i}", (2000, 1), "群众", "学生") for i in range(9)]
    assert len(family_rows(members, date(2026, 1, 1))) == 7


def test_deceased_suffix_is_not_doubled():
    member = FamilyMember("父亲", "陈某", None, "群众", "农民（已去世）", deceased=True)
    assert family_rows([member], date(2026, 1, 1))[0].unit_and_post == "农民（已去世）"


# ---- Shrink to fit ----------------------------------------------------------------------------------------


def test_line_count_wraps_cjk_by_character_and_keeps_dates_whole():
    assert wrapped_line_count("一二三四五六", 3) == 2
    assert wrapped_line_count("2008.07--2012.09", 5) == 2  # 16 × 0.6 em: one word, split only when too long
    assert wrapped_line_count("", 3) == 1


def test_long_text_gets_a_smaller_font_and_short_text_keeps_twelve_points():
    assert fit_lines(["短"], width_mm=20, height_mm=10).size == 12
    assert fit_lines(["很长的文字" * 20], width_mm=20, height_mm=10).size < 12


# ---- The PDF ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_approval_form_data(sample_form_data())


@pytest.fixture(scope="module")
def pages(pdf):
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        yield [(page, page.extract_text()) for page in document.pages]


def _only(page, text: str) -> dict:
    found = page.search(text)
    assert found, f"{text!r} not found"
    return found[0]


def _compact(text: str) -> str:
    return "".join(text.split())


def test_the_form_has_two_a4_pages(pages):
    assert len(pages) == 2
    page = pages[0][0]
    assert (round(page.width * 25.4 / 72), round(page.height * 25.4 / 72)) == (210, 297)


def test_page_one_carries_the_title_and_the_personal_fields(pages):
    text = _compact(pages[0][1])
    assert "干部任免审批表" in text
    for value in [
        "陈晓明",
        "男",
        "1985.03",
        "（41岁）",
        "汉族",
        "浙江安吉",
        "浙江湖州",
        "2007.06",
        "2008.07",
        "健康",
        "经济师",
    ]:
        assert value in text, value
    for value in ["大学", "管理学学士", "浙江财经大学劳动与社会保障专业", "研究生", "公共管理硕士"]:
        assert value in text, value
    assert "安吉县医疗保障局副局长" in text


def test_resume_lines_keep_their_dates_and_text(pages):
    text = pages[0][1]
    assert "2008.07--2012.09" in text
    assert "2019.03--" in text
    assert "安吉县医疗保障局待遇保障科科长" in text
    assert "（其间：2015.09--2018.07在浙江大学" in _compact(text)


def test_the_name_sits_between_its_label_and_the_sex_label(pages):
    page = pages[0][0]
    label, value, next_label = _only(page, "姓"), _only(page, "陈晓明"), _only(page, "性")
    assert label["x1"] < value["x0"] < value["x1"] < next_label["x0"]
    assert abs((value["top"] + value["bottom"]) / 2 - (next_label["top"] + next_label["bottom"]) / 2) < 15


def test_birth_and_age_sit_right_of_the_birth_label(pages):
    page = pages[0][0]
    label, birth, age = _only(page, "出生年月"), _only(page, "1985.03"), _only(page, "（41岁）")
    assert birth["x0"] > label["x1"]
    assert birth["top"] < age["top"]
    assert birth["top"] < label["bottom"] + 20


def test_proposed_post_is_on_the_row_of_its_label(pages):
    page = pages[0][0]
    label = _only(page, "拟")
    value = _only(page, "安吉县医疗保障局副局长")
    assert value["x0"] > label["x1"]
    assert abs(value["top"] - label["top"]) < 10


def test_page_two_carries_assessment_rewards_family_and_filler(pages):
    text = _compact(pages[1][1])
    for value in [
        "2024年、2025年年度考核均为称职。",
        "2021年被评为湖州市医疗保障系统先进工作者。",
        "工作需要。",
        "中共安吉县医疗保障局党组",
        "2026年3月5日",
        "填表人：孙丽",
        "林静",
        "安吉县人民医院护士长",
    ]:
        assert value in text, value


def test_deceased_family_member_has_no_age_and_is_marked(pages):
    page = pages[1][0]
    name = _only(page, "王秀英")
    row = [w for w in page.extract_words() if abs(w["top"] - name["top"]) < 8]
    row_text = "".join(w["text"] for w in row)
    assert "（已去世）" in row_text
    assert not any(w["text"].isdigit() for w in row)


def test_living_family_member_age_is_in_the_age_column(pages):
    page = pages[1][0]
    header, name, age = _only(page, "龄"), _only(page, "林静"), _only(page, "38")
    assert age["x0"] > name["x1"]
    assert abs(age["top"] - name["top"]) < 8
    assert header["x0"] - 30 < age["x0"] < header["x1"]


def test_empty_rewards_print_as_none_in_their_cell():
    pdf = render_approval_form_data(sample_form_data(rewards_and_punishments="", photo=None))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[1]
        label, none = _only(page, "奖"), _only(page, "无")
    assert none["x0"] > label["x1"]
    assert none["top"] < _only(page, "年度")["top"]


def test_crowded_form_still_fits_on_two_pages():
    data = crowded_form_data()
    pdf = render_approval_form_data(data)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 2
        first, second = (_compact(page.extract_text()) for page in document.pages)
    # The last résumé line and the last family member are printed, not clipped away.
    assert len(data.resume) == 40
    assert _compact(data.resume[-1]) in first
    # The deceased member's long unit wraps inside its cell, so only its end is on one text line.
    assert second.count("去世）") == 1
    assert "30" not in second.split("工作单位及职务")[1]  # the deceased one would be 30: no age printed
    assert "填表人：孙丽" in second


def test_every_font_is_embedded(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            target: DictionaryObject = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font[
                "/BaseFont"
            ]
            assert "Noto" in str(font["/BaseFont"]) or "xuanba" in str(font["/BaseFont"]).lower()
            seen += 1
    assert seen


def test_a_photo_that_is_not_jpeg_or_png_is_refused():
    with pytest.raises(ValueError, match="JPEG or PNG"):
        render_approval_form_data(sample_form_data(photo=b"GIF89a"))


def test_a_licensed_font_in_the_fonts_folder_comes_before_noto(settings, tmp_path):
    # Stand-in for 方正小标宋: Noto Sans under the licensed font's file name; the title then uses it.
    (tmp_path / "方正小标宋简体.ttc").symlink_to("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    settings.XUANBA_FONTS_DIR = tmp_path
    stack = font_stack()
    assert stack.title_is_licensed
    assert stack.title.startswith('"xuanba-title-0"')
    assert stack.body.startswith('"Noto Serif CJK SC"')

    reader = PdfReader(io.BytesIO(render_approval_form_data(sample_form_data(photo=None))))
    names = {str(ref.get_object()["/BaseFont"]) for ref in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("+xuanba-title-0") for name in names)  # the title, from the fonts folder
    assert any("Noto-Serif-CJK-SC" in name for name in names)  # the body, from the system
