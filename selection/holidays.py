"""The State Council's holiday notice, read as it is worded (R-CAL-3).

Each year the General Office of the State Council publishes 《关于××年部分节假日安排的通知》, one line a
festival, e.g. "二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。". An
administrator pastes those lines (or types them the same way); `parse_notice` turns them into the rest days and
the make-up working days of the year, and checks what the notice states about itself — "共9天" must be the
length of the range, "（周六）" must be the weekday of that date — so that a typing slip is caught before it
shortens a 公示.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAY_NAMES = "一二三四五六日"

# "2月15日至23日", "9月30日至10月8日", "1月1日", optionally "2027年1月1日"; 至 may also be written – or ~.
_DAY = r"(?:(?P<{p}year>\d{{4}})年)?(?:(?P<{p}month>\d{{1,2}})月)?(?P<{p}day>\d{{1,2}})日"
_RANGE = re.compile(
    _DAY.format(p="a") + r"(?:\s*(?:至|到|-|–|—|~|～)\s*" + _DAY.format(p="b") + r")?"
    r"(?:[（(](?:周|星期)[一二三四五六日天][)）])?"
)
_REST = re.compile(r"放假")
_DECLARED = re.compile(r"共\s*(\d{1,2})\s*天")
_WORK_DAY = re.compile(
    r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})日\s*(?:[（(](?:周|星期)(?P<weekday>[一二三四五六日天])[)）])?"
)
_FESTIVAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]\s*)?(?P<name>[^：:]{1,12})[：:]")


class NoticeError(ValueError):
    """The notice text cannot be read; the message is Chinese and names the line."""


@dataclass(frozen=True)
class Festival:
    """One line of the notice: the rest period and the weekend days worked for it."""

    name: str
    rest_days: tuple[date, ...]
    makeup_days: tuple[date, ...]
    declared_days: int | None


@dataclass(frozen=True)
class ParsedNotice:
    year: int
    festivals: tuple[Festival, ...]
    holidays: frozenset[date]  # every rest day of the notice's ranges, weekends included
    makeup_workdays: frozenset[date]
    notes: tuple[str, ...] = field(
        default=()
    )  # things worth knowing, e.g. days that belong to the year before


def _to_date(year: int, month: int, day: int, line_no: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise NoticeError(f"第 {line_no} 行“{text}”：{month}月{day}日不是有效日期。") from None


def _split_rest_and_work(line: str) -> tuple[str, str]:
    """The part before "放假…" holds the rest range; what follows the first 。/； holds the worked days."""
    match = _REST.search(line)
    if not match:
        return "", line
    rest_end = re.search(r"[。；;]", line[match.end() :])
    cut = match.end() + rest_end.end() if rest_end else len(line)
    return line[:cut], line[cut:]


def parse_notice(text: str, year: int) -> ParsedNotice:
    """Read the notice for `year`; raise NoticeError with the line and the reason when it does not add up."""
    festivals: list[Festival] = []
    notes: list[str] = []
    holidays: set[date] = set()
    makeup: set[date] = set()
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or not re.search(r"\d+月\d+日|\d+日", line):
            continue
        named = _FESTIVAL.match(line)
        name = named.group("name").strip() if named else f"第 {line_no} 行"
        body = line[named.end() :] if named else line
        rest_part, work_part = _split_rest_and_work(body)
        if "上班" not in work_part and "放假" not in rest_part:
            raise NoticeError(f"第 {line_no} 行“{line}”：没有“放假”或“上班”，无法判断是休息日还是上班日。")

        rest_days: list[date] = []
        declared = None
        if rest_part:
            found = _RANGE.search(rest_part)
            if not found:
                raise NoticeError(f"第 {line_no} 行“{line}”：找不到放假的日期，请写作“2月15日至23日放假”。")
            rest_days = _expand(found, year, line_no, line, notes)
            stated = _DECLARED.search(rest_part)
            if stated:
                declared = int(stated.group(1))
                if declared != len(rest_days):
                    raise NoticeError(
                        f"第 {line_no} 行“{line}”：写明“共{declared}天”，但日期范围是 {len(rest_days)} 天，请核对。"
                    )
        worked: list[date] = []
        if "上班" in work_part:
            for found in _WORK_DAY.finditer(work_part):
                day = _to_date(
                    int(found.group("year") or year),
                    int(found.group("month")),
                    int(found.group("day")),
                    line_no,
                    line,
                )
                weekday = found.group("weekday")
                if weekday is not None:
                    stated_index = WEEKDAY_NAMES.index("日" if weekday == "天" else weekday)
                    if stated_index != day.weekday():
                        raise NoticeError(
                            f"第 {line_no} 行“{line}”：{day.month}月{day.day}日是周{WEEKDAY_NAMES[day.weekday()]}，"
                            f"不是周{weekday}，请核对。"
                        )
                if day.weekday() < 5:
                    raise NoticeError(
                        f"第 {line_no} 行“{line}”：{day.month}月{day.day}日是工作日（周{WEEKDAY_NAMES[day.weekday()]}），"
                        "调休上班日应为周末。"
                    )
                if day.year != year:
                    notes.append(f"{day.year}年{day.month}月{day.day}日不属于 {year} 年，未录入。")
                    continue
                worked.append(day)
            if not worked:
                raise NoticeError(
                    f"第 {line_no} 行“{line}”：写了“上班”，但找不到日期，请写作“2月14日（周六）上班”。"
                )
        clash = sorted(set(worked) & (holidays | set(rest_days)))
        if clash:
            raise NoticeError(f"第 {line_no} 行：{clash[0].month}月{clash[0].day}日不能既放假又上班。")
        festivals.append(Festival(name, tuple(rest_days), tuple(worked), declared))
        holidays.update(d for d in rest_days if d.year == year)
        makeup.update(worked)
    if not festivals:
        raise NoticeError(
            "没有读到任何节假日安排。请按通知原文逐行填写，如“一、元旦：1月1日至3日放假调休，共3天。”"
        )
    clash = sorted(holidays & makeup)
    if clash:
        raise NoticeError(f"{clash[0].month}月{clash[0].day}日不能既放假又上班。")
    return ParsedNotice(year, tuple(festivals), frozenset(holidays), frozenset(makeup), tuple(notes))


def _expand(found: re.Match, year: int, line_no: int, line: str, notes: list[str]) -> list[date]:
    month_a = found.group("amonth")
    if month_a is None:
        raise NoticeError(f"第 {line_no} 行“{line}”：放假的起始日期没有月份。")
    start = _to_date(int(found.group("ayear") or year), int(month_a), int(found.group("aday")), line_no, line)
    if found.group("bday") is None:
        end = start
    else:
        month_b = int(found.group("bmonth") or start.month)
        end_year = int(found.group("byear") or start.year)
        if not found.group("ayear") and not found.group("byear") and month_b < start.month:
            # "12月31日至1月2日" in next year's notice: the range starts in the year before.
            start = start.replace(year=year - 1)
            end_year = year
        end = _to_date(end_year, month_b, int(found.group("bday")), line_no, line)
    if end < start:
        raise NoticeError(f"第 {line_no} 行“{line}”：放假结束日早于开始日。")
    if (end - start).days > 31:
        raise NoticeError(f"第 {line_no} 行“{line}”：放假超过一个月，请核对日期。")
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    for day in days:
        if day.year != year:
            notes.append(
                f"{day.year}年{day.month}月{day.day}日不属于 {year} 年，未录入（请在该年度的安排中录入）。"
            )
    return days
