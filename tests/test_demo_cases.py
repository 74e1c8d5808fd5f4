"""Demo cases: one in every state, built through the services, idempotent, every chain intact."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from selection import gates
from selection.demo import DEMO_TODAY
from selection.demo_cases import DEMO_CASES, seed_cases
from selection.models import (
    CandidateStatus,
    CaseStatus,
    Document,
    PostHolding,
    PublicNotice,
    RecordEvent,
    SelectionCase,
    verify_chain,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def seeded(settings, tmp_path):
    """The whole demo, seeded on the demo's reference day; cases by state."""
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(
        datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 9, tzinfo=SHANGHAI), tick=False
    ):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield {case.status: case for case in SelectionCase.objects.all()}


def _rules(findings, level: str = "block") -> set[str]:
    return {f.rule for f in findings if f.level == level}


# Seeding costs a while (sign-offs, PDFs), so the checks are grouped into two tests.


def test_seeding_twice_is_idempotent_and_every_chain_and_document_verifies(seeded):
    titles = sorted(SelectionCase.objects.values_list("title", flat=True))
    daily = SelectionCase.objects.filter(mode=SelectionCase.Mode.DAILY, organization__parent=None)
    # 竞争上岗: test_demo_competitive; 医保中心's own case: test_demo_bureau
    assert sorted(daily.values_list("title", flat=True)) == sorted(spec.title for spec in DEMO_CASES)
    events = RecordEvent.objects.count()
    documents = Document.objects.count()
    with time_machine.travel(
        datetime(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day, 10, tzinfo=SHANGHAI)
    ):
        seed_cases()
    assert sorted(SelectionCase.objects.values_list("title", flat=True)) == titles
    assert RecordEvent.objects.count() == events
    assert Document.objects.count() == documents

    for case in SelectionCase.objects.all():
        check = verify_chain(case.events.order_by("seq"))
        assert check.ok, (case.title, check.message)
        assert case.events.order_by("seq").first().action == "open_case"  # built by the services
    out = io.StringIO()
    call_command("verify_record", stdout=out)
    assert out.getvalue().count("✓ 批次") == SelectionCase.objects.count()

    for document in Document.objects.all():
        assert document.intact, document
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        # Every attachment went through upload_document: its digest is in the record.
        digests = [
            a["sha256"] for e in document.case.events.filter(action="upload_document") for a in e.attachments
        ]
        assert document.sha256 in digests


def test_every_state_is_present_and_each_open_case_shows_why_it_waits(seeded):
    # 竞争上岗's own states: the demo competition stands at 笔试面试 (报名 and 资格审查 lie behind it)
    assert set(seeded) == set(CaseStatus.values) - {CaseStatus.REGISTRATION, CaseStatus.SCREENING}

    # 动议: only the main leader's decision is missing.
    assert _rules(gates.next_step_findings(seeded[CaseStatus.MOTION])) == {"R-MOT-2"}

    # 民主推荐: both rounds recorded, the targets not yet fixed.
    recommendation = seeded[CaseStatus.RECOMMENDATION]
    assert sorted(recommendation.rounds.values_list("kind", flat=True)) == ["conversation", "meeting"]
    assert _rules(gates.next_step_findings(recommendation)) == {"R-INS-1"}

    # 考察: partly recorded, so the submit gate refuses and says what is missing.
    inspection = seeded[CaseStatus.INSPECTION]
    assert inspection.candidates.filter(status=CandidateStatus.TARGET).count() == 1
    refused = _rules(gates.next_step_findings(inspection))
    assert {"R-INS-6", "R-INS-7", "R-INS-8", "R-INS-10"} <= refused
    assert "R-INS-4" not in refused  # the inspection notice is on file

    # 讨论决定: everything on file for the meeting, which has not been held.
    decision = seeded[CaseStatus.DECISION]
    assert not decision.meetings.exists()
    assert _rules(gates.next_step_findings(decision)) == set()
    assert decision.candidates.filter(status=CandidateStatus.WITHDRAWN).exclude(withdrawal_reason="").exists()

    # 公示: the notice runs over the reference day, inside 2026 (chinese_calendar's last year).
    notice = PublicNotice.objects.get(case=seeded[CaseStatus.PUBLIC_NOTICE])
    assert notice.published_on <= DEMO_TODAY <= notice.ends_on
    assert notice.ends_on.year == 2026
    assert "R-APP-1" in _rules(gates.next_step_findings(seeded[CaseStatus.PUBLIC_NOTICE]))

    # 任职: the appointed cadre's post history changed in the same step.
    appointed = seeded[CaseStatus.APPOINTED]
    winner = appointed.candidates.get(status=CandidateStatus.APPOINTED)
    current = PostHolding.objects.get(cadre=winner.cadre, ended_on__isnull=True)
    assert current.post == appointed.vacancies.get().post
    assert PostHolding.objects.filter(cadre=winner.cadre, ended_on=current.started_on).exists()
    assert PublicNotice.objects.get(case=appointed).ends_on.year == 2026

    # 终止: with its reason, recorded.
    terminated = seeded[CaseStatus.TERMINATED]
    assert terminated.termination_reason
    last = terminated.events.order_by("-seq").first()
    assert (last.action, last.to_state, last.payload["reason"]) == (
        "terminate",
        CaseStatus.TERMINATED,
        terminated.termination_reason,
    )


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
