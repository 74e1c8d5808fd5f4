"""What the readers produce: `CadreRecord`s and `Problem`s, and the lenient value parsers they share."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from selection.models import AssessmentResult, EducationLevel, PoliticalStatus


class ImportFileError(Exception):
    """The file as a whole cannot be read (not an xlsx/XML file, too big, wrong columns…); nothing changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    """One bad value: where (Excel row number, or the LRMX file name), which column and what is wrong."""

    row: int | None
    column: str
    message: str
    source: str = ""

    @property
    def location(self) -> str:
        if self.source and self.row:
            return f"{self.source} 第{self.row}行"
        return self.source or (f"第{self.row}行" if self.row else "")

    def __str__(self) -> str:
        parts = [self.location, self.column, self.message]
        return "：".join(p for p in parts if p)


# ---- value parsing shared by the readers ---------------------------------------------------------------


@dataclass(frozen=True)
class ParsedDate:
    value: date
    month_only: bool  # the source gave only year and month (the day is the 1st)


DATE_MESSAGE = "无法识别的日期“{}”，请填写如 2026-03-05、2026年3月5日 或 2026.03。"
_FULL_DATE = re.compile(
    r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_YEAR_RANGE = range(1900, 2101)


def parse_date(value: object) -> ParsedDate | None:
    """An Excel date or a string such as 2026-03-05, 2026年3月5日, 2026/3/5, 2026.03, 202603, 20260305.

    Raises ValueError with a Chinese message; returns None for a blank value.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return ParsedDate(value.date(), False)
    if isinstance(value, date):
        return ParsedDate(value, False)
    if isinstance(value, bool):
        raise ValueError(DATE_MESSAGE.format(value))
    if isinstance(value, float):
        # A number typed into a general cell: 2026.03 (or 2026.1, which Excel made of 2026.10).
        text = str(int(value)) if value.is_integer() else f"{value:.2f}"
    elif isinstance(value, int):
        if 10000 <= value < 100000:  # an Excel serial day number left in a general cell
            from openpyxl.utils.datetime import from_excel

            return ParsedDate(from_excel(value).date(), False)
        text = str(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if match := _FULL_DATE.match(text):
        year, month, day, month_only = (*map(int, match.groups()), False)
    elif match := _MONTH.match(text):
        year, month, day, month_only = int(match[1]), int(match[2]), 1, True
    elif match := _COMPACT.match(text):
        year, month = int(match[1]), int(match[2])
        day, month_only = (int(match[3]), False) if match[3] else (1, True)
    else:
        raise ValueError(DATE_MESSAGE.format(text))
    if year not in _YEAR_RANGE:
        raise ValueError(DATE_MESSAGE.format(text))
    try:
        return ParsedDate(date(year, month, day), month_only)
    except ValueError:
        raise ValueError(DATE_MESSAGE.format(text)) from None


def birth_date_from_id(number: str) -> date | None:
    """The birth date in an 18-digit ID number with a correct check digit, else None.

    Deliberately not `ric.validate`: its region table rejects real numbers of people born before their
    county's code was introduced (e.g. 安吉 330523 is listed from 1983); the model reports such problems.
    """
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError as StdnumError

    number = (number or "").strip().upper()
    if len(number) != 18 or not number[:17].isdigit():
        return None
    try:
        if ric.calc_check_digit(number) != number[-1]:
            return None
        return ric.get_birth_date(number)
    except StdnumError:
        return None


def clean_text(value: object) -> str:
    """A cell or element value as trimmed text (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


LEVEL_HINT = "请填写：研究生、大学本科、大学专科、中专、高中、初中及以下。"


def education_level(text: str) -> str | None:
    """学历 text to EducationLevel: 研究生, 大学/大学本科/本科, 大专/大学专科, 中专, 高中, 初中…; None if unknown."""
    text = re.sub(r"\s+", "", text).removesuffix("学历").removesuffix("毕业")
    if not text:
        return None
    for level in EducationLevel:
        if text == level.label:
            return level.value
    rules = [
        (("研究生", "博士", "硕士"), EducationLevel.POSTGRADUATE),
        (("大学专科", "大专", "专科", "高职"), EducationLevel.COLLEGE),
        (("本科", "大学"), EducationLevel.UNDERGRADUATE),
        (("中专", "中技", "中等专业", "中等专科", "技工学校", "中职"), EducationLevel.TECHNICAL),
        (("高中", "职高", "技校"), EducationLevel.HIGH_SCHOOL),
        (("初中", "小学", "文盲"), EducationLevel.BELOW),
    ]
    for words, level in rules:
        if any(word in text for word in words):
            return level.value
    return None


_POLITICAL_ALIASES = {
    "党员": PoliticalStatus.CPC,
    "中国共产党党员": PoliticalStatus.CPC,
    "共产党员": PoliticalStatus.CPC,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "团员": PoliticalStatus.CYL,
    "中国共产主义青年团团员": PoliticalStatus.CYL,
    "民革": PoliticalStatus.RCCK,
    "民盟": PoliticalStatus.CDL,
    "民建": PoliticalStatus.CNDCA,
    "民进": PoliticalStatus.CAPD,
    "农工党": PoliticalStatus.CPWDP,
    "致公党": PoliticalStatus.CZGP,
    "九三学社": PoliticalStatus.JS,
    "台盟": PoliticalStatus.TDSGL,
    "无党派": PoliticalStatus.NONPARTY,
    "无党派民主人士": PoliticalStatus.NONPARTY,
    "无": PoliticalStatus.MASSES,
}


def political_status(text: str) -> str | None:
    """政治面貌 text to the standard list (“党员” → 中共党员, “民建” → 民建会员…); blank is 群众."""
    text = re.sub(r"\s+", "", text)
    if not text:
        return PoliticalStatus.MASSES.value
    if text in PoliticalStatus.values:
        return text
    alias = _POLITICAL_ALIASES.get(text)
    return alias.value if alias else None


def assessment_result(text: str) -> str | None:
    text = re.sub(r"\s+", "", text)
    return text if text in AssessmentResult.values else None


# ---- what a reader produces ---------------------------------------------------------------------------


@dataclass
class EducationData:
    kind: str
    level: str
    degree: str = ""
    school_and_major: str = ""


@dataclass
class ResumeData:
    started_on: date | None
    ended_on: date | None
    text: str
    is_note: bool = False


@dataclass
class FamilyData:
    relation: str
    name: str
    birth_date: date | None
    political_status: str
    unit_and_post: str
    deceased: bool = False


@dataclass
class CadreRecord:
    """One cadre as read from a file. A relation left as None is not in the source and stays untouched."""

    row: int | None
    source: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # Cadre field name -> value (only those given)
    month_only: set[str] = field(default_factory=set)  # fields given as year-month: keep a stored day
    columns: dict[str, str] = field(default_factory=dict)  # field or key -> column name, for problems
    department: str | None = None
    post_title: str | None = None
    post_since: date | None = None
    post_optional: bool = False  # LRMX: an unmatched 现任职务 is a warning, not an error
    education: list[EducationData] = field(default_factory=list)  # merged by (kind, level)
    assessments: dict[int, str] = field(default_factory=dict)  # merged by year
    resume: list[ResumeData] | None = None  # replaces the whole 简历
    family: list[FamilyData] | None = None  # replaces the whole family
    photo: bytes | None = None

    def problem(self, column_key: str, message: str) -> Problem:
        column = self.columns.get(column_key, column_key)
        return Problem(self.row, column, message, self.source)
