"""Shared pieces of the printed documents: Chinese dates, the "not available yet" error, digests."""

import hashlib
from datetime import date, datetime

from django.utils import timezone

BLANK_DATE = "　　年　　月　　日"


class DocumentUnavailable(Exception):
    """The document cannot be produced yet (e.g. no 任职通知 before the appointment). Chinese message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cn_date(day: date | datetime | None, blank: str = "") -> str:
    """2026年3月5日 (Chinese usage on documents); `blank` when there is no date."""
    if day is None:
        return blank
    if isinstance(day, datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: datetime | None) -> str:
    """2026年3月5日 14:05, in local time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{cn_date(local)} {local:%H:%M}"


def cn_period(start: date | None, end: date | None) -> str:
    if not start and not end:
        return ""
    return f"{cn_date(start, '　年　月　日')}至{cn_date(end, '　年　月　日')}"


def ym(day: date | None) -> str:
    """1985.03 (the form's year-month)."""
    return f"{day.year}.{day.month:02d}" if day else ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def percent(part: int, whole: int | None) -> str:
    """ "85.7%" (one decimal), or "" when the whole is unknown or zero."""
    if not whole:
        return ""
    return f"{part * 100 / whole:.1f}%"
