"""The demo 竞争上岗 (selection/demo_competitive.py): standing at 笔试面试 with registrations, one refused
at 资格审查, built through the services on days counted back from the day it is seeded."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from selection import gates_competitive as cg
from selection.demo import seed_accounts, seed_organizations, seed_registry, seeding_today
from selection.demo_competitive import seed_competitive
from selection.models import CaseStatus, RecordEvent, Registration, verify_chain

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEDED_ON = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)


def test_demo_competition_stands_at_the_exam_with_one_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(SEEDED_ON, tick=False):
        with seeding_today():
            orgs = seed_organizations()
            seed_accounts(orgs)
            seed_registry(orgs)
        case = seed_competitive()
        assert case.status == CaseStatus.EXAM and case.is_competitive
        registrations = list(case.registrations.select_related("cadre"))
        assert len(registrations) == 4
        refused = [r for r in registrations if not r.qualified]
        assert len(refused) == 1 and any("R-ELIG-6" in x["message"] for x in refused[0].refusals)
        assert refused[0].review_answered_at is not None  # answered before the exam (R-CMP-3)
        assert {r.channel for r in registrations} == {Registration.Channel.ONLINE, Registration.Channel.PAPER}
        assert all(r.written_score is not None for r in registrations if r.qualified)
        assert not any(f.rule == "R-KIN-3" and f.level == "block" for f in cg.exam(case))
        assert case.examiners.filter(recused=False).count() == 5
        plan = case.competition_plan
        assert plan.published_on == SEEDED_ON.date() - timedelta(days=15)
        assert plan.registration_closes < SEEDED_ON.date() < plan.interview_on

        events = list(case.events.order_by("seq"))
        assert verify_chain(events).ok
        stamps = [e.at for e in events]
        assert stamps == sorted(stamps) and max(stamps) <= timezone.now()
        assert timezone.localtime(events[0].at).date() == case.motion_date

        count = RecordEvent.objects.count()
        assert seed_competitive().pk == case.pk  # idempotent
        assert RecordEvent.objects.count() == count
        out = io.StringIO()
        call_command("verify_record", stdout=out)
        assert "✓ 批次" in out.getvalue()
