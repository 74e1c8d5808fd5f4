"""The demo seeded on another day than its reference day (its own module: it seeds a database of its own,
not the module-wide demo of tests/test_demo_cases.py)."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from selection import gates
from selection.models import CaseStatus, PublicNotice, SelectionCase

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_seeded_on_any_day_the_demo_has_a_running_notice_and_its_record_follows_the_story(settings, tmp_path):
    """Seeded on 15 March 2027 (a year chinese_calendar does not cover): every recent date counts from that day,
    the missing year gets a demo schedule marked as such (R-CAL-3), and each step is stamped on its own date."""
    from selection.models import HolidaySchedule, PostHolding

    settings.MEDIA_ROOT = tmp_path / "media"
    seeded_on = datetime(2027, 3, 15, 9, tzinfo=SHANGHAI)
    with time_machine.travel(seeded_on, tick=False):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        today = seeded_on.date()
        assert "演示数据" in HolidaySchedule.objects.get(year=2027).source
        notices = PublicNotice.objects.filter(case__status=CaseStatus.PUBLIC_NOTICE)
        assert notices.filter(case__organization__parent=None).exists()  # the bureau's own running notice
        for notice in notices:
            assert notice.published_on <= today <= notice.ends_on
            assert gates.calendar().workdays_left(notice.ends_on, today) > 0
        assert PostHolding.objects.filter(
            probation_ends_on__range=(today, today + timedelta(days=30))
        ).exists()
        titles = set(SelectionCase.objects.values_list("title", flat=True))
        assert "2027年第7批中层干部选拔任用（医药服务管理科副科长）" in titles

        for case in SelectionCase.objects.exclude(status=CaseStatus.MOTION):
            events = list(case.events.order_by("pk"))
            stamps = [e.at for e in events]
            assert stamps == sorted(stamps), "\n".join(
                f"{e.action} {e.at}" for e in events
            )  # the record time runs forward
            opened, approved = events[0], next(e for e in events if e.action == "approve_motion")
            assert timezone.localtime(opened.at).date() == case.motion_date  # moved on its day…
            assert approved.at - opened.at < timedelta(days=1)  # …and decided the same day
            assert max(stamps) <= seeded_on
