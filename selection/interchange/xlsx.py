"""The cadre sheet (干部信息): template, export and reading, all with the same columns.

One row per cadre, one column per scalar field, then the highest full-time and in-service education and
one column per assessment year ("2025年度考核"). An export re-imports unchanged; the second sheet
(填写说明) documents the columns for the people filling it in.
"""

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from selection.models import (
    AssessmentResult,
    Cadre,
    EducationLevel,
    EducationRecord,
    Post,
    PostHolding,
)

from .records import (
    LEVEL_HINT,
    CadreRecord,
    EducationData,
    ImportFileError,
    Problem,
    assessment_result,
    clean_text,
    education_level,
    parse_date,
)

SHEET_NAME = "干部信息"
HELP_SHEET_NAME = "填写说明"
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here, before openpyxl reads anything
MAX_ROWS = 20_000
DATE_FORMAT = "yyyy-mm-dd"
ASSESSMENT_HEADER = re.compile(r"^(\d{4})年度?考核(?:结果)?$")


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # a Cadre field, or department / post_title / post_since / education.<kind>.<field>
    kind: str = "text"  # text, date, id
    required: bool = False
    width: int = 14
    note: str = ""
    choices: tuple[str, ...] = ()


_LEVELS = tuple(str(level.label) for level in EducationLevel)
FULL_TIME, IN_SERVICE = EducationRecord.Kind.FULL_TIME.value, EducationRecord.Kind.IN_SERVICE.value

COLUMNS: list[Column] = [
    Column("姓名", "name", required=True, width=10),
    Column(
        "性别", "sex", required=True, width=6, note="男 或 女，须与公民身份号码一致。", choices=("男", "女")
    ),
    Column(
        "出生日期",
        "birth_date",
        "date",
        width=12,
        note="可不填：按公民身份号码自动填写；填写时须与号码一致。",
    ),
    Column(
        "公民身份号码",
        "id_number",
        "id",
        required=True,
        width=21,
        note="18位，请以文本格式填写。再次导入时按此号码更新，不会重复。",
    ),
    Column("民族", "ethnicity", width=8, note="写全称，如“汉族”。不填为汉族（更新时保持原值）。"),
    Column("籍贯", "native_place", width=12, note="省+市县，如“浙江安吉”；直辖市只写市名。"),
    Column("出生地", "birthplace", width=12),
    Column("入党时间", "party_joined_on", "date", width=12, note="中共党员填写；可只写年月，如 2001.08。"),
    Column("党派", "party_note", width=10, note="非中共党员填写党派名称，如“民建”“无党派”。"),
    Column("参加工作时间", "work_started_on", "date", required=True, width=12),
    Column(
        "健康状况", "health", width=8, note="健康 / 一般 / 较差 或简要说明。不填为“健康”（更新时保持原值）。"
    ),
    Column("专业技术职务", "professional_title", width=14),
    Column("熟悉专业有何专长", "expertise", width=18),
    Column("科室", "department", width=14, note="须是本单位已设置的科室名称；不填表示不属于任何科室。"),
    Column(
        "现任职务",
        "post_title",
        width=14,
        note="须是本单位已设置的职位名称；职位名称重名时写“科室+职位”。不填则不改变任职信息。",
    ),
    Column(
        "任职时间",
        "post_since",
        "date",
        width=12,
        note="填写现任职务时必填。换任新职务时，原职务自动在前一天免职。",
    ),
    Column("全日制学历", f"education.{FULL_TIME}.level", width=10, note=LEVEL_HINT, choices=_LEVELS),
    Column("全日制学位", f"education.{FULL_TIME}.degree", width=10, note="如“学士”“法学硕士”。"),
    Column("全日制毕业院校系及专业", f"education.{FULL_TIME}.school_and_major", width=24),
    Column(
        "在职学历",
        f"education.{IN_SERVICE}.level",
        width=10,
        note=LEVEL_HINT + "党校学习属在职教育。",
        choices=_LEVELS,
    ),
    Column("在职学位", f"education.{IN_SERVICE}.degree", width=10),
    Column("在职毕业院校系及专业", f"education.{IN_SERVICE}.school_and_major", width=24),
    Column("奖惩情况", "rewards_and_punishments", width=18, note="没有时填“无”。"),
]
REQUIRED = [c.header for c in COLUMNS if c.required]
_BY_HEADER = {c.header: c for c in COLUMNS}
_ALIASES = {
    "身份证号": "公民身份号码",
    "身份证号码": "公民身份号码",
    "出生年月": "出生日期",
    "专长": "熟悉专业有何专长",
    "部门": "科室",
    "所在科室": "科室",
    "奖惩": "奖惩情况",
}
_RESULTS = tuple(AssessmentResult.values)


def assessment_years(today: date | None = None) -> list[int]:
    """The last two completed years, the ones the form prints."""
    year = (today or date.today()).year
    return [year - 2, year - 1]


def _assessment_column(year: int) -> Column:
    return Column(
        f"{year}年度考核",
        f"assessment.{year}",
        width=12,
        note="优秀 / 称职 / 基本称职 / 不称职（或 合格 / 基本合格 / 不合格 / 不定等次）。不填则不改变。",
        choices=_RESULTS,
    )


def columns_for(years: Iterable[int]) -> list[Column]:
    return COLUMNS + [_assessment_column(year) for year in years]


# ---- writing --------------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
_REQUIRED_FILL = PatternFill("solid", fgColor="E6B8B7")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(sheet) -> None:
    """No exported cell is a formula: text stays text (a cadre field "=HYPERLINK(...)" is shown, never
    run), with Excel's quote prefix on text that starts like a formula so editing it keeps it text; the
    XML control characters a worksheet cannot hold are dropped."""
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            value = ILLEGAL_CHARACTERS_RE.sub("", cell.value)
            cell.value = value
            cell.data_type = "s"
            if value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True


def _workbook(columns: list[Column], rows: Iterable[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="9C0006" if column.required else None)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind != "date":
            # Text cells keep ID numbers whole and stop Excel turning 2026.10 into 2026.1.
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            validation.error = "请从下拉列表中选择。"
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "B2"
    date_columns = [index for index, column in enumerate(columns, start=1) if column.kind == "date"]
    for number, row in enumerate(rows, start=2):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for index in date_columns:
            cell = sheet.cell(row=number, column=index)
            if cell.value is not None:
                cell.number_format = DATE_FORMAT
    _help_sheet(book.create_sheet(HELP_SHEET_NAME), columns)
    for worksheet in book.worksheets:
        neutralise(worksheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _help_sheet(sheet, columns: list[Column]) -> None:
    sheet.append(["填写说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in [
        "1. 在“干部信息”表中每行填写一名干部，第一行是列名，请勿修改、删除或增加列名（考核年度列除外）。",
        "2. 标红的列必须填写。导入时先预览：每一处错误按“行、列、问题”列出，全部改正后才能导入；任何一行有错误，整份表格都不会导入。",
        "3. 按“公民身份号码”匹配：号码已在本单位登记的干部会被更新，不会重复新增；号码已登记在其他单位的，不能导入。",
        "4. 日期可以写成 2026-03-05、2026/3/5、2026年3月5日，或只写年月 2026.03、2026年3月、202603（按当月1日记录）。",
        "5. 更新时空白单元格表示清空该项（民族、健康状况、学历、年度考核、现任职务为空时保持原值）。",
        "6. 学历学位填写最高全日制学历和最高在职学历：按“类别+学历”更新已有记录，其他学历记录不受影响。",
        "7. 年度考核：列名写成“2025年度考核”，每个年度一列，可以增加或删除年度列；只更新填写了结果的年度。",
        "8. 导出的表格与本模板列相同，可修改后直接再次导入。",
    ]:
        sheet.append([line])
    sheet.append([])
    sheet.append(["列名", "是否必填", "说明"])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column in columns:
        sheet.append([column.header, "必填" if column.required else "", column.note])
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 80


def cadre_template(today: date | None = None) -> bytes:
    """The empty sheet to download: every column, drop-down lists and the 填写说明 sheet."""
    return _workbook(columns_for(assessment_years(today)), [])


def export_cadres(cadres: Iterable[Cadre]) -> bytes:
    """The cadres as a sheet with the template's columns, which re-imports unchanged.

    Reads relations through prefetches; what the caller did not prefetch is fetched here in one query per
    relation, never one per cadre.
    """
    cadres = list(cadres)
    prefetch_related_objects(
        cadres,
        "department",
        "education",
        "assessments",
        Prefetch(
            "holdings",
            queryset=PostHolding.objects.select_related("post__department").order_by("started_on"),
        ),
    )
    org_ids = {cadre.organization_id for cadre in cadres}
    titles: dict[tuple[int, str], int] = {}
    for org_id, title in Post.objects.filter(organization_id__in=org_ids).values_list(
        "organization_id", "title"
    ):
        titles[org_id, title] = titles.get((org_id, title), 0) + 1
    years = assessment_years()
    rows = []
    for cadre in cadres:
        holding = next((h for h in reversed(cadre.holdings.all()) if h.ended_on is None), None)
        post = ""
        if holding:
            ambiguous = titles.get((cadre.organization_id, holding.post.title), 0) > 1
            post = str(holding.post) if ambiguous else holding.post.title
        education = {kind: cadre.highest_education(kind) for kind in (FULL_TIME, IN_SERVICE)}
        assessments = {a.year: a.result for a in cadre.assessments.all()}
        values: dict[str, Any] = {c.key: getattr(cadre, c.key) for c in COLUMNS if c.key in _CADRE_KEYS}
        values["department"] = cadre.department.name if cadre.department else ""
        values["post_title"] = post
        values["post_since"] = holding.started_on if holding else None
        for kind, record in education.items():
            if record:
                values[f"education.{kind}.level"] = str(EducationLevel(record.level).label)
                values[f"education.{kind}.degree"] = record.degree
                values[f"education.{kind}.school_and_major"] = record.school_and_major
        row = [values.get(c.key) or None for c in COLUMNS]
        row += [assessments.get(year) for year in years]
        rows.append(row)
    return _workbook(columns_for(years), rows)


_CADRE_KEYS = {f.name for f in Cadre._meta.concrete_fields if not f.is_relation}


# ---- reading --------------------------------------------------------------------------------------------


def _normalise_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", clean_text(value))
    text = re.sub(r"\s+", "", text).replace("*", "").replace("(必填)", "")
    return _ALIASES.get(text, text)


def _open(data: bytes):
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"文件太大：Excel 文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ImportFileError("文件内容过大，无法读取。请检查是否为正常的干部信息表。")
    except zipfile.BadZipFile:
        raise ImportFileError(
            "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（不支持 .xls）。"
        ) from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged or foreign file
        raise ImportFileError("无法读取文件：文件已损坏或不是 .xlsx 格式的 Excel 文件。") from None


def read_cadre_sheet(data: bytes) -> tuple[list[CadreRecord], list[Problem]]:
    """Parse the 干部信息 sheet into records; a bad value is a Problem (row, column, message)."""
    book = _open(data)
    try:
        sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        columns, problems = _read_header(header)
        records: list[CadreRecord] = []
        for number, values in enumerate(rows, start=2):
            if not any(clean_text(v) for v in values):
                continue
            if len(records) >= MAX_ROWS:
                raise ImportFileError(f"数据行太多：一次最多导入 {MAX_ROWS} 行，请分成多个文件。")
            record, row_problems = _read_row(number, columns, values)
            records.append(record)
            problems += row_problems
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        raise ImportFileError("无法读取文件：文件已损坏或不是 .xlsx 格式的 Excel 文件。") from None
    finally:
        book.close()
    return records, problems


def _read_header(header: tuple) -> tuple[list[tuple[int, Column]], list[Problem]]:
    columns: list[tuple[int, Column]] = []
    unknown = []
    seen: set[str] = set()
    for index, value in enumerate(header):
        name = _normalise_header(value)
        if not name:
            continue
        column = _BY_HEADER.get(name)
        if column is None and (match := ASSESSMENT_HEADER.match(name)):
            column = _assessment_column(int(match[1]))
        if column is None:
            unknown.append(name)
            continue
        if column.header in seen:
            raise ImportFileError(f"列名“{column.header}”出现了两次，请删除重复的列。")
        seen.add(column.header)
        columns.append((index, column))
    if unknown:
        raise ImportFileError(f"无法识别的列：{'、'.join(unknown)}。请使用下载的模板，第一行的列名不要修改。")
    missing = [h for h in REQUIRED if h not in seen]
    if missing:
        raise ImportFileError(f"缺少必填的列：{'、'.join(missing)}。请使用下载的模板。")
    return columns, []


_DATE_FIELDS = {"birth_date", "party_joined_on", "work_started_on"}


def _read_row(
    number: int, columns: list[tuple[int, Column]], values: tuple
) -> tuple[CadreRecord, list[Problem]]:
    record = CadreRecord(row=number, columns={c.key: c.header for _, c in columns})
    problems: list[Problem] = []
    education: dict[str, dict[str, str]] = {}

    def problem(column: Column, message: str) -> None:
        problems.append(Problem(number, column.header, message))

    for index, column in columns:
        raw = values[index] if index < len(values) else None
        key = column.key
        if column.kind == "date":
            try:
                parsed = parse_date(raw)
            except ValueError as error:
                problem(column, str(error))
                continue
            value: Any = parsed.value if parsed else None
            if parsed and parsed.month_only:
                record.month_only.add(key)
        elif column.kind == "id":
            value = _id_number(raw)
            if value is None:
                problem(column, "公民身份号码请以文本格式填写（数字格式会丢失末几位）。")
                continue
        else:
            value = clean_text(raw)
        if column.required and not value:
            problem(column, "必须填写。")
            continue
        if key in _CADRE_KEYS:
            record.fields[key] = value
        elif key == "department":
            record.department = value
        elif key == "post_title":
            record.post_title = value or None
        elif key == "post_since":
            record.post_since = value
        elif key.startswith("education."):
            _, kind, name = key.split(".")
            education.setdefault(kind, {})[name] = value
        elif key.startswith("assessment.") and value:
            result = assessment_result(value)
            if result is None:
                problem(column, f"无法识别的考核结果“{value}”，请填写：{'、'.join(_RESULTS)}。")
            else:
                record.assessments[int(key.split(".")[1])] = result
    for kind, parts in education.items():
        level_text = parts.get("level", "")
        column = (
            next(c for _, c in columns if c.key == f"education.{kind}.level") if "level" in parts else None
        )
        if not level_text:
            if parts.get("degree") or parts.get("school_and_major"):
                header = column.header if column else "学历"
                problems.append(Problem(number, header, "填写了学位或毕业院校，请同时填写学历。"))
            continue
        level = education_level(level_text)
        if level is None:
            problems.append(
                Problem(
                    number, column.header if column else "学历", f"无法识别的学历“{level_text}”，{LEVEL_HINT}"
                )
            )
            continue
        record.education.append(
            EducationData(kind, level, parts.get("degree", ""), parts.get("school_and_major", ""))
        )
    return record, problems


def _id_number(raw: object) -> str | None:
    """The ID number as text; a number cell is trusted only if it still has 18 digits."""
    if isinstance(raw, float):  # Excel keeps 15 significant digits: the number is already damaged
        return None
    if isinstance(raw, int):
        return str(raw) if len(str(raw)) == 18 else None
    return unicodedata.normalize("NFKC", clean_text(raw)).replace(" ", "").upper()


ReadFunction = Callable[[bytes], tuple[list[CadreRecord], list[Problem]]]
