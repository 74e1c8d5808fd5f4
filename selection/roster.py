"""花名册: the registry as a print-ready roster by department, with the columns the user picks (the fields
of the 干部任免审批表 and the registry). Plain functions: a queryset in, rows or bytes out.

`roster_sections` reads prefetched relations only (a fixed number of queries whatever the size);
`render_roster_pdf` (WeasyPrint, A4 landscape, the forms' Song face, page numbers) and
`render_roster_xlsx` (openpyxl) both print what it returns, so the two files always agree.
"""

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from .models import AnnualAssessment, Cadre, EducationLevel, EducationRecord, PostHolding
from .pdf.adapters import party_joining
from .pdf.common import cn_date
from .rules import age_in_full_years


def _ym(day: date | None) -> str:
    return f"{day.year}.{day.month:02d}" if day else ""


def _education(kind: str, part: str) -> Callable[[Cadre, date], str]:
    def value(cadre: Cadre, on: date) -> str:
        record = cadre.highest_education(kind)
        if record is None:
            return ""
        if part == "school":
            return record.school_and_major
        level = str(EducationLevel(record.level).label)
        return f"{level} {record.degree}".strip()

    return value


def _post(cadre: Cadre, on: date) -> str:
    holding = cadre.current_holding(on)
    return str(holding.post) if holding else ""


def _post_since(cadre: Cadre, on: date) -> str:
    holding = cadre.current_holding(on)
    return _ym(holding.started_on) if holding else ""


def _rank(cadre: Cadre, on: date) -> str:
    holding = cadre.current_holding(on)
    return holding.post.get_rank_display() if holding else "一般干部"


def _rank_since(cadre: Cadre, on: date) -> str:
    holding = cadre.current_holding(on)
    if holding is None:
        return ""
    same = [
        h.started_on for h in cadre.holdings.all() if h.post.rank == holding.post.rank and h.started_on <= on
    ]
    return _ym(min(same))


def _assessments(cadre: Cadre, on: date) -> str:
    return "、".join(f"{a.year}年{a.result}" for a in reversed(cadre.last_assessments(on, 2)))


@dataclass(frozen=True)
class RosterColumn:
    key: str
    label: str
    width: float  # relative width in the PDF (millimetres on A4 landscape, roughly)
    value: Callable[[Cadre, date], str]
    default: bool = False


COLUMNS: tuple[RosterColumn, ...] = (
    RosterColumn("name", "姓名", 16, lambda c, on: c.name, True),
    RosterColumn("sex", "性别", 9, lambda c, on: c.sex, True),
    RosterColumn(
        "birth",
        "出生年月（岁）",
        22,
        lambda c, on: f"{_ym(c.birth_date)}（{age_in_full_years(c.birth_date, on)}）",
        True,
    ),
    RosterColumn("ethnicity", "民族", 11, lambda c, on: c.ethnicity, True),
    RosterColumn("native_place", "籍贯", 16, lambda c, on: c.native_place, True),
    RosterColumn("birthplace", "出生地", 16, lambda c, on: c.birthplace),
    RosterColumn("party", "入党时间", 16, lambda c, on: party_joining(c), True),
    RosterColumn("work_started", "参加工作时间", 19, lambda c, on: _ym(c.work_started_on), True),
    RosterColumn("health", "健康状况", 12, lambda c, on: c.health),
    RosterColumn("professional_title", "专业技术职务", 20, lambda c, on: c.professional_title),
    RosterColumn("expertise", "熟悉专业有何专长", 24, lambda c, on: c.expertise),
    RosterColumn("full_time", "全日制教育", 28, _education(EducationRecord.Kind.FULL_TIME, "level"), True),
    RosterColumn(
        "full_time_school",
        "毕业院校系及专业（全日制）",
        34,
        _education(EducationRecord.Kind.FULL_TIME, "school"),
    ),
    RosterColumn("in_service", "在职教育", 28, _education(EducationRecord.Kind.IN_SERVICE, "level"), True),
    RosterColumn(
        "in_service_school",
        "毕业院校系及专业（在职）",
        34,
        _education(EducationRecord.Kind.IN_SERVICE, "school"),
    ),
    RosterColumn("post", "现任职务", 34, _post, True),
    RosterColumn("post_since", "任现职时间", 16, _post_since, True),
    RosterColumn("rank", "职级", 14, _rank, True),
    RosterColumn("rank_since", "任现职级时间", 16, _rank_since),
    RosterColumn("assessments", "近两年年度考核", 26, _assessments),
    RosterColumn("id_number", "公民身份号码", 34, lambda c, on: c.id_number),
    RosterColumn("status", "在职状态", 12, lambda c, on: "在职" if c.is_active else "不在职"),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS = tuple(column.key for column in COLUMNS if column.default)


def pick_columns(keys: Iterable[str]) -> list[RosterColumn]:
    """The chosen columns in the catalogue's order; unknown keys dropped; none chosen → the defaults."""
    chosen = set(keys)
    picked = [column for column in COLUMNS if column.key in chosen]
    return picked or [COLUMN_BY_KEY[key] for key in DEFAULT_COLUMNS]


def for_roster(cadres: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """The prefetches every column reads (five queries whatever the number of cadres)."""
    return (
        cadres.select_related("organization", "department")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=PostHolding.objects.select_related("post__department").order_by("started_on"),
            ),
            Prefetch("assessments", queryset=AnnualAssessment.objects.order_by("-year")),
            "education",
        )
    )


@dataclass(frozen=True)
class Section:
    title: str  # 单位 · 科室
    rows: list[list[str]]


def roster_sections(
    cadres: QuerySet[Cadre],
    columns: list[RosterColumn],
    on: date,
    progress: Callable[[int], None] | None = None,
) -> list[Section]:
    """One section per organization and department, in the registry's order; rows numbered within it."""
    ordered = for_roster(cadres).order_by("organization_id", "department__order", "department_id", "pk")
    sections: list[Section] = []
    key = None
    for index, cadre in enumerate(ordered.iterator(chunk_size=1000), start=1):
        here = (cadre.organization_id, cadre.department_id)
        if here != key:
            key = here
            org = cadre.organization.short_name or cadre.organization.name
            department = cadre.department.name if cadre.department_id else "未分科室"
            sections.append(Section(f"{org} · {department}", []))
        section = sections[-1]
        section.rows.append([str(len(section.rows) + 1), *(column.value(cadre, on) for column in columns)])
        if progress is not None and index % 200 == 0:
            progress(index)
    return sections


def roster_title(organization_name: str) -> str:
    return f"{organization_name}干部花名册"


def render_roster_pdf(
    cadres: QuerySet[Cadre],
    columns: list[RosterColumn],
    *,
    title: str,
    on: date,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The 花名册 as PDF bytes: A4 landscape, a heading per department, the header row on every page."""
    from .pdf.render import render_pdf

    sections = roster_sections(cadres, columns, on, progress)
    total = sum(len(section.rows) for section in sections)
    widths = [8.0, *(column.width for column in columns)]
    scale = 100 / sum(widths)
    return render_pdf(
        "pdf/roster.html",
        {
            "title": title,
            "as_of": cn_date(on),
            "columns": [column.label for column in columns],
            "widths": [round(w * scale, 2) for w in widths],
            "sections": sections,
            "total": total,
            "small": len(columns) > 12,
        },
    )


def render_roster_xlsx(
    cadres: QuerySet[Cadre],
    columns: list[RosterColumn],
    *,
    title: str,
    on: date,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The same roster as a workbook: title row, header row, a heading row per department."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sections = roster_sections(cadres, columns, on, progress)
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    width = len(columns) + 1
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1, title).font = Font(size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1, f"截至{cn_date(on)}，共{sum(len(s.rows) for s in sections)}人")
    for column_index, label in enumerate(["序号", *(c.label for c in columns)], start=1):
        cell = sheet.cell(3, column_index, label)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_index = 4
    heading = PatternFill("solid", fgColor="E6E6E6")
    for section in sections:
        sheet.merge_cells(start_row=row_index, start_column=1, end_row=row_index, end_column=width)
        cell = sheet.cell(row_index, 1, f"{section.title}（{len(section.rows)}人）")
        cell.font, cell.fill = Font(bold=True), heading
        row_index += 1
        for row in section.rows:
            for column_index, value in enumerate(row, start=1):
                sheet.cell(row_index, column_index, value).border = border
            row_index += 1
    sheet.column_dimensions["A"].width = 6
    for column_index, column in enumerate(columns, start=2):
        sheet.column_dimensions[get_column_letter(column_index)].width = max(8, column.width * 0.6)
    sheet.freeze_panes = "B4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    from .interchange.xlsx import neutralise

    neutralise(sheet)  # a cadre field "=HYPERLINK(…)" is shown as text, never run (issue 13)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_queryset(user, query: dict, on: date) -> QuerySet[Cadre]:
    """The cadres the list shows `user` with these query parameters (the list's own form and filters)."""
    from django.http import QueryDict

    from .forms import CadreFilterForm
    from .selectors import filter_cadres
    from .supervision import settings_for_user

    data = QueryDict(mutable=True)
    for name, values in query.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    form = CadreFilterForm(data, user=user)
    return filter_cadres(Cadre.objects.visible_to(user), form.filters(), on, settings_for_user(user))


def roster_count(user, cadres: QuerySet[Cadre], query: str) -> int:
    """How many cadres the 花名册 will hold: `cadres.count()`, kept while the registry is unchanged (a
    province's whole register is 100,000 rows to count; `structure.register_count`)."""
    from .structure import register_count

    return register_count(user, "roster_count", query, cadres.count)


def build_roster_export(job, progress: Callable[[float], None]):
    """The export kind "roster" (selection/exports.py): the requester's filtered list as PDF or Excel."""
    from .exports import ExportFile

    params = job.params
    user = job.requested_by
    on = date.fromisoformat(params["on"])
    cadres = roster_queryset(user, params.get("query", {}), on)
    total = max(1, cadres.count())
    columns = pick_columns(params.get("columns", []))
    org = user.organization.name if user.organization_id else "全部单位"
    title = roster_title(org)

    def rows_done(count: int) -> None:  # laying out the PDF comes after the rows: rows are the first 60%
        progress(0.6 * count / total)

    if params.get("format") == "xlsx":
        data = render_roster_xlsx(cadres, columns, title=title, on=on, progress=rows_done)
        return ExportFile(
            data, f"{title}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    data = render_roster_pdf(cadres, columns, title=title, on=on, progress=rows_done)
    return ExportFile(data, f"{title}.pdf")
