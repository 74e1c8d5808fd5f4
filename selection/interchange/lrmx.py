"""LRMX (.lrmx), the 任免表编辑器's exchange file (FORMS.md §2): reading into a `CadreRecord`, writing a cadre.

Untrusted XML is parsed with defusedxml (no DTDs, no entities). Every value is trimmed; unknown elements
are ignored. Dates are year-month (`YYYYMM`), so a stored day survives a re-import of the same month.
"""

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from datetime import date

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.db.models import Prefetch, prefetch_related_objects

from selection.models import AssessmentResult, Cadre, EducationLevel, EducationRecord, PostHolding

from .records import (
    LEVEL_HINT,
    CadreRecord,
    EducationData,
    FamilyData,
    ImportFileError,
    Problem,
    ResumeData,
    birth_date_from_id,
    education_level,
    parse_date,
    political_status,
)

VERSION = "3.2.1.6"
MAX_FILE_BYTES = 5 * 1024 * 1024
FULL_TIME, IN_SERVICE = EducationRecord.Kind.FULL_TIME.value, EducationRecord.Kind.IN_SERVICE.value

ELEMENTS = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "JiGuan",
    "ChuShengDi",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JianKangZhuangKuang",
    "ZhuanYeJiShuZhiWu",
    "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "XianRenZhiWu",
    "NiRenZhiWu",
    "NiMianZhiWu",
    "JianLi",
    "JiangChengQingKuang",
    "NianDuKaoHeJieGuo",
    "RenMianLiYou",
    "JiaTingChengYuan",
    "ChengBaoDanWei",
    "JiSuanNianLingShiJian",
    "TianBiaoShiJian",
    "TianBiaoRen",
    "ShenFenZheng",
    "ZhaoPian",
    "Version",
]
LABELS = {
    "XingMing": "姓名",
    "XingBie": "性别",
    "ChuShengNianYue": "出生年月",
    "MinZu": "民族",
    "JiGuan": "籍贯",
    "ChuShengDi": "出生地",
    "RuDangShiJian": "入党时间",
    "CanJiaGongZuoShiJian": "参加工作时间",
    "JianKangZhuangKuang": "健康状况",
    "ZhuanYeJiShuZhiWu": "专业技术职务",
    "ShuXiZhuanYeYouHeZhuanChang": "熟悉专业有何专长",
    "QuanRiZhiJiaoYu_XueLi": "全日制教育学历",
    "QuanRiZhiJiaoYu_XueWei": "全日制教育学位",
    "ZaiZhiJiaoYu_XueLi": "在职教育学历",
    "ZaiZhiJiaoYu_XueWei": "在职教育学位",
    "XianRenZhiWu": "现任职务",
    "JianLi": "简历",
    "JiangChengQingKuang": "奖惩情况",
    "NianDuKaoHeJieGuo": "年度考核结果",
    "JiaTingChengYuan": "家庭主要成员及重要社会关系",
    "ShenFenZheng": "公民身份号码",
    "ZhaoPian": "照片",
}
_FIELD_ELEMENTS = {
    "name": "XingMing",
    "sex": "XingBie",
    "birth_date": "ChuShengNianYue",
    "id_number": "ShenFenZheng",
    "ethnicity": "MinZu",
    "native_place": "JiGuan",
    "birthplace": "ChuShengDi",
    "party_joined_on": "RuDangShiJian",
    "party_note": "RuDangShiJian",
    "work_started_on": "CanJiaGongZuoShiJian",
    "health": "JianKangZhuangKuang",
    "professional_title": "ZhuanYeJiShuZhiWu",
    "expertise": "ShuXiZhuanYeYouHeZhuanChang",
    "rewards_and_punishments": "JiangChengQingKuang",
    "post_title": "XianRenZhiWu",
    "post_since": "JianLi",
    "resume": "JianLi",
    "family": "JiaTingChengYuan",
    "photo": "ZhaoPian",
    f"education.{FULL_TIME}": "QuanRiZhiJiaoYu_XueLi",
    f"education.{FULL_TIME}.level": "QuanRiZhiJiaoYu_XueLi",
    f"education.{FULL_TIME}.degree": "QuanRiZhiJiaoYu_XueWei",
    f"education.{FULL_TIME}.school_and_major": "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    f"education.{IN_SERVICE}": "ZaiZhiJiaoYu_XueLi",
    f"education.{IN_SERVICE}.level": "ZaiZhiJiaoYu_XueLi",
    f"education.{IN_SERVICE}.degree": "ZaiZhiJiaoYu_XueWei",
    f"education.{IN_SERVICE}.school_and_major": "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
}
_COLUMNS = {key: LABELS.get(element, element) for key, element in _FIELD_ELEMENTS.items()}
DECEASED_SUFFIXES = ("（已去世）", "(已去世)", "（已故）", "(已故)")
ASSESSMENT_PREFIX = "年度考核："


# ---- reading --------------------------------------------------------------------------------------------

_RESUME_LINE = re.compile(
    r"^(\d{4})\s*[.\-/年]?\s*(\d{1,2})\s*月?\s*(?:--|—+|–|-|~|～|至)\s*(?:(\d{4})\s*[.\-/年]?\s*(\d{1,2})\s*月?)?\s*(.*)$"
)
_RESULT_WORDS = sorted(AssessmentResult.values, key=len, reverse=True)
_ASSESSMENT_TOKEN = re.compile(r"(\d{4})\s*年|" + "|".join(map(re.escape, _RESULT_WORDS)))


def _parse(data: bytes, name: str) -> ET.Element:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"{name}：文件太大，LRMX 文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB。")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError(f"{name}：文件含有不安全的 XML 内容（DTD 或实体），已拒绝。") from None
    except (ET.ParseError, ValueError, UnicodeError):
        raise ImportFileError(f"{name}：不是有效的 LRMX 文件（无法解析 XML）。") from None
    if root.tag != "Person":
        raise ImportFileError(f"{name}：不是有效的 LRMX 文件（根元素应为 Person）。")
    return root


def _value(root: ET.Element, tag: str) -> str:
    element = root.find(tag)
    if element is None or element.text is None:
        return ""
    return element.text.replace("\r\n", "\n").replace("\r", "\n").strip()


def parse_resume(text: str) -> list[ResumeData]:
    """简历 lines to entries: `2008.07--2012.09  text`; an open end is the current post; other lines are notes."""
    entries: list[ResumeData] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        match = _RESUME_LINE.match(line)
        text_part = match[5].strip() if match else ""
        if match and text_part:
            try:
                started = date(int(match[1]), int(match[2]), 1)
                ended = date(int(match[3]), int(match[4]), 1) if match[3] else None
            except ValueError:
                started = None
            if started:
                entries.append(ResumeData(started, ended, text_part))
                continue
        entries.append(ResumeData(None, None, line, is_note=True))
    return entries


def parse_assessments(sentence: str) -> dict[int, str] | None:
    """ "2024年、2025年年度考核均为称职。" → {2024: 称职, 2025: 称职}; None when it cannot be read."""
    results: dict[int, str] = {}
    pending: list[int] = []
    for match in _ASSESSMENT_TOKEN.finditer(sentence):
        if match[1]:
            pending.append(int(match[1]))
        elif pending:
            results.update(dict.fromkeys(pending, match[0]))
            pending = []
    if pending or not results:
        return None
    return results


def _party(value: str, record: CadreRecord) -> None:
    """入党时间 is a date, party names (“民建”), or both (“200108；民建”)."""
    parts = [p.strip() for p in re.split(r"[；;,，\s]+", value) if p.strip()]
    notes = []
    record.fields["party_joined_on"] = None
    for part in parts:
        try:
            parsed = parse_date(part)
        except ValueError:
            notes.append(part)
            continue
        if parsed and record.fields["party_joined_on"] is None:
            record.fields["party_joined_on"] = parsed.value
            if parsed.month_only:
                record.month_only.add("party_joined_on")
    record.fields["party_note"] = "；".join(notes)


def parse_lrmx(data: bytes, name: str = "") -> tuple[CadreRecord, list[Problem]]:
    """One .lrmx file into a record. Raises ImportFileError when the file is not a readable LRMX file."""
    root = _parse(data, name)
    record = CadreRecord(row=None, source=name, columns=dict(_COLUMNS))
    problems: list[Problem] = []
    value = lambda tag: _value(root, tag)  # noqa: E731

    fields = record.fields
    fields["name"] = value("XingMing")
    fields["sex"] = value("XingBie")
    fields["id_number"] = value("ShenFenZheng").replace(" ", "").upper()
    if not fields["id_number"]:
        problems.append(record.problem("id_number", "缺少公民身份号码（ShenFenZheng），无法导入。"))
    for element, field_name in (
        ("MinZu", "ethnicity"),
        ("JiGuan", "native_place"),
        ("ChuShengDi", "birthplace"),
        ("JianKangZhuangKuang", "health"),
        ("ZhuanYeJiShuZhiWu", "professional_title"),
        ("ShuXiZhuanYeYouHeZhuanChang", "expertise"),
    ):
        fields[field_name] = value(element)
    # LRMX has only the birth year-month: the full date comes from the ID number and must agree with it.
    fields["birth_date"] = birth_date_from_id(fields["id_number"])  # full_clean reports a bad number
    try:
        birth = parse_date(value("ChuShengNianYue"))
    except ValueError as error:
        problems.append(record.problem("birth_date", str(error)))
    else:
        if (
            birth
            and fields["birth_date"]
            and (birth.value.year, birth.value.month)
            != (
                fields["birth_date"].year,
                fields["birth_date"].month,
            )
        ):
            problems.append(record.problem("birth_date", "出生年月与公民身份号码中的出生日期不一致。"))
    try:
        work = parse_date(value("CanJiaGongZuoShiJian"))
    except ValueError as error:
        problems.append(record.problem("work_started_on", str(error)))
    else:
        fields["work_started_on"] = work.value if work else None
        if work and work.month_only:
            record.month_only.add("work_started_on")
    _party(value("RuDangShiJian"), record)

    for kind, prefix in ((FULL_TIME, "QuanRiZhiJiaoYu"), (IN_SERVICE, "ZaiZhiJiaoYu")):
        level_text = value(f"{prefix}_XueLi")
        degree = value(f"{prefix}_XueWei")
        school = value(f"{prefix}_XueLi_BiYeYuanXiaoXi") or value(f"{prefix}_XueWei_BiYeYuanXiaoXi")
        if not level_text:
            if degree or school:
                problems.append(record.problem(f"education.{kind}", "填写了学位或毕业院校，但没有填写学历。"))
            continue
        level = education_level(level_text)
        if level is None:
            problems.append(
                record.problem(f"education.{kind}", f"无法识别的学历“{level_text}”，{LEVEL_HINT}")
            )
            continue
        record.education.append(EducationData(kind, level, degree, school))

    record.resume = parse_resume(value("JianLi"))
    current = [entry for entry in record.resume if entry.started_on and entry.ended_on is None]
    record.post_title = value("XianRenZhiWu") or None
    record.post_since = current[-1].started_on if current else None
    record.month_only.add("post_since")
    record.post_optional = True

    rewards = value("JiangChengQingKuang")
    sentence = value("NianDuKaoHeJieGuo")
    assessments = parse_assessments(sentence) if sentence else {}
    if assessments is None:
        # Unreadable: keep the sentence with the 奖惩 text rather than lose it.
        line = f"{ASSESSMENT_PREFIX}{sentence}"
        if line not in rewards.split("\n"):
            rewards = f"{rewards}\n{line}" if rewards else line
        assessments = {}
    record.assessments = assessments
    fields["rewards_and_punishments"] = rewards

    record.family = []
    family = root.find("JiaTingChengYuan")
    for item in family.findall("Item") if family is not None else []:
        member, problem = _family_member(item, record)
        if problem:
            problems.append(problem)
        elif member:
            record.family.append(member)

    photo = re.sub(r"\s+", "", value("ZhaoPian"))
    if photo:
        try:
            record.photo = base64.b64decode(photo.removeprefix("data:image/jpeg;base64,"), validate=True)
        except (binascii.Error, ValueError):
            problems.append(record.problem("photo", "照片（ZhaoPian）不是有效的 Base64 数据。"))
    return record, problems


def _family_member(item: ET.Element, record: CadreRecord) -> tuple[FamilyData | None, Problem | None]:
    value = lambda tag: _value(item, tag)  # noqa: E731
    relation, name, unit = value("ChengWei"), value("XingMing"), value("GongZuoDanWeiJiZhiWu")
    status_text, birth_text = value("ZhengZhiMianMao"), value("ChuShengRiQi")
    if not any((relation, name, unit, status_text, birth_text)):
        return None, None  # the editor pads the table with empty rows
    who = name or relation
    try:
        birth = parse_date(birth_text)
    except ValueError as error:
        return None, record.problem("family", f"{who}：{error}")
    status = political_status(status_text)
    if status is None:
        return None, record.problem("family", f"{who}：政治面貌“{status_text}”不在标准列表中。")
    deceased = unit.endswith(DECEASED_SUFFIXES)
    for suffix in DECEASED_SUFFIXES:
        unit = unit.removesuffix(suffix).strip()
    return FamilyData(relation, name, birth.value if birth else None, status, unit, deceased), None


# ---- writing --------------------------------------------------------------------------------------------


def format_yyyymm(day: date | None) -> str:
    return f"{day.year}{day.month:02d}" if day else ""


def assessment_sentence(assessments: list) -> str:
    """The form's sentence, oldest year first: "2024年、2025年年度考核均为称职。"."""
    ordered = sorted(assessments, key=lambda a: a.year)
    if not ordered:
        return ""
    if len({a.result for a in ordered}) == 1:
        years = "、".join(f"{a.year}年" for a in ordered)
        both = "均为" if len(ordered) > 1 else "为"
        return f"{years}年度考核{both}{ordered[0].result}。"
    return "，".join(f"{a.year}年年度考核为{a.result}" for a in ordered) + "。"


def _current_post(cadre: Cadre) -> str:
    holding = next((h for h in reversed(cadre.holdings.all()) if h.ended_on is None), None)
    if holding is None:
        return ""
    org = cadre.organization
    return f"{org.short_name or org.name}{holding.post}"


def export_lrmx(
    cadre: Cadre,
    *,
    proposed_post: str = "",
    post_to_remove: str = "",
    reason: str = "",
    reporting_unit: str = "",
    age_on: date | None = None,
    filled_by: str = "",
) -> bytes:
    """The cadre as an .lrmx file: the 34 elements in the official order, UTF-8, dates YYYYMM."""
    prefetch_related_objects(
        [cadre],
        "organization",
        "education",
        "assessments",
        "resume",
        "family",
        Prefetch(
            "holdings", queryset=PostHolding.objects.select_related("post__department").order_by("started_on")
        ),
    )
    on = age_on or date.today()
    party = format_yyyymm(cadre.party_joined_on)
    if cadre.party_note:
        party = f"{party}；{cadre.party_note}" if party else cadre.party_note
    values: dict[str, str] = {
        "XingMing": cadre.name,
        "XingBie": cadre.sex,
        "ChuShengNianYue": format_yyyymm(cadre.birth_date),
        "MinZu": cadre.ethnicity,
        "JiGuan": cadre.native_place,
        "ChuShengDi": cadre.birthplace,
        "RuDangShiJian": party,
        "CanJiaGongZuoShiJian": format_yyyymm(cadre.work_started_on),
        "JianKangZhuangKuang": cadre.health,
        "ZhuanYeJiShuZhiWu": cadre.professional_title,
        "ShuXiZhuanYeYouHeZhuanChang": cadre.expertise,
        "XianRenZhiWu": _current_post(cadre),
        "NiRenZhiWu": proposed_post,
        "NiMianZhiWu": post_to_remove,
        "JianLi": cadre.resume_text(),
        "JiangChengQingKuang": cadre.rewards_and_punishments,
        "NianDuKaoHeJieGuo": assessment_sentence(cadre.last_assessments(on)),
        "RenMianLiYou": reason,
        "ChengBaoDanWei": reporting_unit,
        "JiSuanNianLingShiJian": format_yyyymm(on),
        "TianBiaoShiJian": format_yyyymm(date.today()),
        "TianBiaoRen": filled_by,
        "ShenFenZheng": cadre.id_number,
        "ZhaoPian": _photo_base64(cadre),
        "Version": VERSION,
    }
    for kind, prefix in ((FULL_TIME, "QuanRiZhiJiaoYu"), (IN_SERVICE, "ZaiZhiJiaoYu")):
        record = cadre.highest_education(kind)
        values[f"{prefix}_XueLi"] = str(EducationLevel(record.level).label) if record else ""
        values[f"{prefix}_XueWei"] = record.degree if record else ""
        values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = record.school_and_major if record else ""
        values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = ""
    root = ET.Element("Person")
    for tag in ELEMENTS:
        element = ET.SubElement(root, tag)
        if tag == "JiaTingChengYuan":
            for member in cadre.family.all():
                _family_item(element, member)
        else:
            element.text = xml_text(values[tag])
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, short_empty_elements=False).replace(
        b"<?xml version='1.0' encoding='utf-8'?>", b'<?xml version="1.0" encoding="UTF-8"?>'
    )


def _family_item(parent: ET.Element, member) -> None:
    item = ET.SubElement(parent, "Item")
    unit = member.unit_and_post + ("（已去世）" if member.deceased else "")
    for tag, text in (
        ("ChengWei", member.relation),
        ("XingMing", member.name),
        ("ChuShengRiQi", format_yyyymm(member.birth_date)),
        ("ZhengZhiMianMao", member.political_status),
        ("GongZuoDanWeiJiZhiWu", unit),
    ):
        ET.SubElement(item, tag).text = xml_text(text)


# Characters XML 1.0 cannot hold (C0 controls but tab/newline/return, surrogates, U+FFFE/U+FFFF):
# ElementTree would write them and the file would not parse anywhere.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value or "")


def _photo_base64(cadre: Cadre) -> str:
    if not cadre.photo:
        return ""
    try:
        with cadre.photo.open("rb") as stored:
            return base64.b64encode(stored.read()).decode("ascii")
    except (OSError, ValueError):
        return ""


def lrmx_filename(cadre: Cadre) -> str:
    return f"{cadre.name}.lrmx"
