"""干部任免审批表 (FORMS.md §1): the data it prints, the filling rules, and the PDF.

`ApprovalFormData` holds plain values, no ORM, so the same renderer serves the registry, LRMX imports
and tests. Multi-line fields that officials hand-edit (简历, 年度考核结果, 奖惩情况) are held as already
formatted text; the helpers below (`resume_lines`, `assessment_sentence`) produce that text from
structured records. Family members stay structured because their age depends on `age_on`.
"""

import base64
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .fit import Fitted, fit_lines
from .render import render_pdf

type YearMonth = tuple[int, int]

TEMPLATE = "pdf/approval_form.html"

# Geometry from FORMS.md §1, in mm. Index 0 is column / row 1 of the spec.
TABLE1_COLUMNS = (13.8, 4.2, 23.0, 18.8, 23.0, 23.2, 23.5, 36.3)
TABLE1_ROWS = (12.5, 12.2, 12.0, 12.5, 6.1, 6.1, 6.1, 6.1, 12.5, 12.5, 12.5, 125.8)
TABLE2_COLUMNS = (13.1, 19.3, 22.5, 20.2, 9.4, 5.6, 8.3, 67.9)
TABLE2_ROWS = (25.0, 18.0, 24.0, 11.4, *(12.3,) * 7, 23.5, 9.5, 35.6)
FAMILY_ROWS = 7

# Inner padding of every cell and room for the borders, in mm (must match approval_form.css).
PAD_X = 1.0
PAD_Y = 0.4
BORDER = 0.55

# 简历 date column "2008.07--2012.09" plus the two-space gap, in em (half-width digits need 9 em).
RESUME_DATE_EM = 9.0
_RESUME_DATE = re.compile(r"^(\d{4}\.\d{2}--(?:\d{4}\.\d{2})?)\s*(.*)$")


@dataclass(frozen=True)
class Education:
    """One 学历学位 block: 学历 and 学位 with the school, department and major of each."""

    level: str = ""  # 学历, e.g. 大学
    degree: str = ""  # 学位, e.g. 管理学学士
    school: str = ""  # 毕业院校系及专业 for the 学历
    degree_school: str = ""  # for the 学位; printed only when it differs from `school`


@dataclass(frozen=True)
class ResumeEntry:
    start: YearMonth
    end: YearMonth | None  # None: the current post
    text: str
    notes: Sequence[str] = ()  # printed as given, each on its own line, e.g. "（其间：…）"


@dataclass(frozen=True)
class FamilyMember:
    relation: str  # normalised 称谓: 妻子, 长子, 父亲…
    name: str
    birth: YearMonth | None
    political_status: str
    unit_and_post: str
    deceased: bool = False


@dataclass(frozen=True, kw_only=True)
class ApprovalFormData:
    """Everything the form prints, as values. `resume` holds printed lines (see `resume_lines`)."""

    name: str
    sex: str
    birth: YearMonth
    age_on: date  # 计算年龄时间: ages (candidate and family) are counted at this date; not printed
    ethnicity: str = ""
    native_place: str = ""  # 籍贯
    birthplace: str = ""  # 出生地
    party_joining: str = ""  # 入党时间 as printed: "2008.06", "民建", "2001.08；民建"
    work_start: YearMonth | None = None
    health: str = ""
    professional_title: str = ""  # 专业技术职务
    expertise: str = ""  # 熟悉专业有何专长
    full_time_education: Education = field(default_factory=Education)
    in_service_education: Education = field(default_factory=Education)
    current_post: str = ""
    proposed_post: str = ""
    post_to_remove: str = ""
    resume: tuple[str, ...] = ()
    rewards_and_punishments: str = ""  # printed as "无" when empty
    annual_assessment: str = ""  # see `assessment_sentence`
    appointment_reason: str = ""
    family: tuple[FamilyMember, ...] = ()  # the first seven are printed
    reporting_unit: str = ""
    photo: bytes | None = None  # JPEG or PNG; cropped to 4:5 when printed
    filler: str = ""  # 填表人
    fill_date: date | None = None  # printed in the 呈报单位 date line; blank "年　月　日" when None


# ---- Filling rules (FORMS.md §1) -------------------------------------------------------------------------


def format_ym(year: int, month: int) -> str:
    """`1985, 3` → "1985.03"."""
    if not 1 <= month <= 12:
        raise ValueError(f"Month out of range: {month}")
    return f"{year:04d}.{month:02d}"


def age_at(birth: YearMonth, on: date) -> int:
    """Full years at `on`, counted to the month: the birthday month counts as reached."""
    year, month = birth
    return on.year - year - (1 if on.month < month else 0)


def resume_lines(entries: Iterable[ResumeEntry]) -> list[str]:
    """Printed 简历 lines: `2008.07--2012.09  text`, the current post `2019.03--         text`, then notes."""
    lines: list[str] = []
    for entry in entries:
        end = f"{format_ym(*entry.end)}  " if entry.end else " " * 9
        lines.append(f"{format_ym(*entry.start)}--{end}{entry.text}")
        lines.extend(note for note in entry.notes if note)
    return lines


def assessment_sentence(results: Iterable[tuple[int, str]]) -> str:
    """ "2024年、2025年年度考核均为称职。" or, when they differ, one clause per year, oldest first."""
    ordered = sorted(results)
    if not ordered:
        return ""
    if len(ordered) > 1 and len({result for _, result in ordered}) == 1:
        years = "、".join(f"{year}年" for year, _ in ordered)
        return f"{years}年度考核均为{ordered[0][1]}。"
    return "，".join(f"{year}年年度考核为{result}" for year, result in ordered) + "。"


def rewards_text(text: str) -> str:
    return text.strip() or "无"


@dataclass(frozen=True)
class FamilyRow:
    relation: str = ""
    name: str = ""
    age: str = ""
    political_status: str = ""
    unit_and_post: str = ""


def family_rows(members: Iterable[FamilyMember], on: date) -> list[FamilyRow]:
    """Exactly seven rows; a deceased member has no age and "（已去世）" after the unit."""
    rows: list[FamilyRow] = []
    for member in list(members)[:FAMILY_ROWS]:
        unit = member.unit_and_post.strip()
        if member.deceased:
            age = ""
            if not unit.endswith("（已去世）"):
                unit = f"{unit}（已去世）"
        else:
            age = str(age_at(member.birth, on)) if member.birth else ""
        rows.append(FamilyRow(member.relation, member.name, age, member.political_status, unit))
    rows.extend(FamilyRow() for _ in range(FAMILY_ROWS - len(rows)))
    return rows


def photo_data_uri(photo: bytes) -> str:
    if photo.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif photo.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    else:
        raise ValueError("The photo must be a JPEG or PNG image.")
    return f"data:{mime};base64,{base64.b64encode(photo).decode('ascii')}"


# ---- Layout -----------------------------------------------------------------------------------------------


def _cell(
    text: str | Sequence[str],
    columns: Sequence[float],
    rows: Sequence[float],
    col: tuple[int, int],
    row: tuple[int, int],
    **options: Any,
) -> Fitted:
    """Fit text into the cell spanning columns and rows `col` / `row` (1-based, inclusive)."""
    lines = [line for line in text.splitlines()] if isinstance(text, str) else list(text)
    width = sum(columns[col[0] - 1 : col[1]]) - 2 * PAD_X - BORDER
    height = sum(rows[row[0] - 1 : row[1]]) - 2 * PAD_Y - BORDER
    return fit_lines(lines, width_mm=width, height_mm=height, **options)


# Short values (a name, a post, a school) read better on one line at 9 pt or more than broken at 12 pt;
# paragraphs (简历, 奖惩情况, 任免理由) pass `unwrapped_min_pt=None` and wrap.
def _t1(
    text: str | Sequence[str], col: tuple[int, int], row: int | tuple[int, int], **options: Any
) -> Fitted:
    span = (row, row) if isinstance(row, int) else row
    return _cell(text, TABLE1_COLUMNS, TABLE1_ROWS, col, span, **{"unwrapped_min_pt": 9, **options})


def _t2(
    text: str | Sequence[str], col: tuple[int, int], row: int | tuple[int, int], **options: Any
) -> Fitted:
    span = (row, row) if isinstance(row, int) else row
    return _cell(text, TABLE2_COLUMNS, TABLE2_ROWS, col, span, **{"unwrapped_min_pt": 9, **options})


def _education_cells(education: Education, row: int) -> tuple[Fitted, Fitted]:
    levels = [education.level, education.degree]
    schools = [education.school]
    if education.degree_school and education.degree_school != education.school:
        schools.append(education.degree_school)
    span = (row, row + 1)
    return _t1(levels, (4, 5), span), _t1(schools, (7, 8), span)


def _span_height(rows: Sequence[float], first: int, last: int) -> str:
    return f"{sum(rows[first - 1 : last]) - 2 * PAD_Y - BORDER:.2f}"


def _resume_items(lines: Sequence[str]) -> list[tuple[str, str]]:
    """(date column, text) per line; notes and continuation lines have an empty date column."""
    items = []
    for line in lines:
        match = _RESUME_DATE.match(line)
        items.append((match[1], match[2]) if match else ("", line.strip()))
    return items


def approval_form_context(data: ApprovalFormData) -> dict[str, Any]:
    """Template context: every printed value already fitted to its cell."""
    full_levels, full_schools = _education_cells(data.full_time_education, 5)
    part_levels, part_schools = _education_cells(data.in_service_education, 7)
    # Fit the text column only: the dates sit in their own 9 em column (the hanging indent).
    resume_items = _resume_items(data.resume)
    resume = _t1(
        [text for _, text in resume_items],
        (2, 8),
        12,
        hanging_em=RESUME_DATE_EM,
        min_pt=4,
        line_height=1.35,
        unwrapped_min_pt=None,
    )
    family = [
        {
            "relation": _t2(row.relation, (2, 2), 5),
            "name": _t2(row.name, (3, 3), 5),
            "age": _t2(row.age, (4, 4), 5),
            "political_status": _t2(row.political_status, (5, 6), 5, line_height=1.1),
            "unit_and_post": _t2(row.unit_and_post, (7, 8), 5, line_height=1.1),
        }
        for row in family_rows(data.family, data.age_on)
    ]
    if data.fill_date:
        fill_date = f"{data.fill_date.year}年{data.fill_date.month}月{data.fill_date.day}日"
    else:
        fill_date = "年　　月　　日"
    return {
        "t1_columns": [f"{w:g}" for w in TABLE1_COLUMNS],
        # Rows 5–6 and 7–8 have no cell of their own (every cell spans both): one <tr> each, since
        # WeasyPrint gives a <tr> without cells zero height.
        "t1_rows": [
            f"{h:g}" for h in (*TABLE1_ROWS[:4], 2 * TABLE1_ROWS[4], 2 * TABLE1_ROWS[6], *TABLE1_ROWS[8:])
        ],
        "t2_columns": [f"{w:g}" for w in TABLE2_COLUMNS],
        "t2_rows": [f"{h:g}" for h in TABLE2_ROWS],
        # Inner heights of the cells spanning several rows (see `.span` in approval_form.css).
        "photo_span": _span_height(TABLE1_ROWS, 1, 4),
        "education_span": _span_height(TABLE1_ROWS, 5, 8),
        "family_span": _span_height(TABLE2_ROWS, 4, 11),
        "unit_span": _span_height(TABLE2_ROWS, 12, 13),
        "t1_width": f"{sum(TABLE1_COLUMNS):g}",
        "t2_width": f"{sum(TABLE2_COLUMNS):g}",
        "name": _t1(data.name, (3, 3), 1),
        "sex": _t1(data.sex, (5, 5), 1),
        "birth": _t1([format_ym(*data.birth), f"（{age_at(data.birth, data.age_on)}岁）"], (7, 7), 1),
        "ethnicity": _t1(data.ethnicity, (3, 3), 2),
        "native_place": _t1(data.native_place, (5, 5), 2),
        "birthplace": _t1(data.birthplace, (7, 7), 2),
        "party_joining": _t1(data.party_joining, (3, 3), 3),
        "work_start": _t1(format_ym(*data.work_start) if data.work_start else "", (5, 5), 3),
        "health": _t1(data.health, (7, 7), 3),
        "professional_title": _t1(data.professional_title, (3, 4), 4),
        "expertise": _t1(data.expertise, (6, 7), 4),
        "full_time_levels": full_levels,
        "full_time_schools": full_schools,
        "in_service_levels": part_levels,
        "in_service_schools": part_schools,
        "current_post": _t1(data.current_post, (4, 8), 9),
        "proposed_post": _t1(data.proposed_post, (4, 8), 10),
        "post_to_remove": _t1(data.post_to_remove, (4, 8), 11),
        "resume": resume,
        "resume_items": resume_items,
        "photo": photo_data_uri(data.photo) if data.photo else "",
        "rewards": _t2(
            rewards_text(data.rewards_and_punishments), (2, 8), 1, line_height=1.35, unwrapped_min_pt=None
        ),
        "assessment": _t2(data.annual_assessment, (2, 8), 2, line_height=1.35, unwrapped_min_pt=None),
        "reason": _t2(data.appointment_reason, (2, 8), 3, line_height=1.35, unwrapped_min_pt=None),
        "family": family,
        "reporting_unit": _t2(data.reporting_unit, (2, 8), 12),
        "fill_date": fill_date,
        "filler": data.filler,
    }


def render_approval_form_data(data: ApprovalFormData) -> bytes:
    """The two-page 干部任免审批表 as PDF bytes. Pure: no request, no writes."""
    return render_pdf(TEMPLATE, approval_form_context(data))
